"""The page's privacy choices end to end: keep the date taken (day only), name results in sequence, keep file
dates in the ZIP, and download the privacy receipt; each checked on the downloaded bytes with exiftool."""

import hashlib
import io
import json
import os
import subprocess
import zipfile

import piexif
from PIL import Image

from conftest import wait_engine_ready
from studio_helpers import card, download, finished

TAKEN = 1715523753  # 2024-05-12 14:22:33 UTC


def dated_photo() -> bytes:
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"SpyCam"},
                        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:12 14:22:33",
                                 piexif.ExifIFD.OffsetTimeOriginal: b"+02:00"},
                        "GPS": {piexif.GPSIFD.GPSDateStamp: b"2024:05:12"}})
    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (90, 140, 200)).save(buf, "JPEG", exif=exif)
    return buf.getvalue()


def test_capture_date_sequence_names_file_dates_and_receipt(page, tmp_path, exiftool):
    wait_engine_ready(page)
    page.get_by_role("checkbox", name="Keep the date taken (never the time zone or place)").check()
    page.get_by_role("checkbox", name="Only the day, not the time").check()
    page.get_by_role("checkbox", name="Keep the originals' file dates in the ZIP").check()
    page.get_by_role("combobox", name="Name the results").select_option("sequence")
    source = tmp_path / "PXL_20240512_142233.jpg"
    source.write_bytes(dated_photo())
    os.utime(source, (TAKEN, TAKEN))
    page.set_input_files("#picker", [str(source)])

    result = finished(page, "PXL_20240512_142233.jpg")
    name, data = download(page, result.get_by_role("link", name="Download"))
    assert name == "photo-001.jpg"
    tags = json.loads(subprocess.run([exiftool, "-j", "-G1", "-time:all", "-", ], input=data, capture_output=True,
                                     check=True).stdout)[0]
    times = {k: v for k, v in tags.items() if not k.startswith(("System:", "SourceFile", "ExifTool:", "File:"))}
    assert times == {"ExifIFD:DateTimeOriginal": "2024:05:12   :  :  "}, times
    assert b"+02:00" not in data and b"14:22:33" not in data and b"SpyCam" not in data

    zip_name, archive = download(page, page.get_by_role("button", name="Download all (ZIP)"))
    with zipfile.ZipFile(io.BytesIO(archive)) as z:
        assert [(e.filename, e.date_time) for e in z.infolist()] == [("photo-001.jpg", (2024, 5, 12, 14, 22, 32))]
        assert z.read("photo-001.jpg") == data

    _, receipt_json = download(page, page.get_by_role("button", name="Receipt (JSON)", exact=True))
    receipt = json.loads(receipt_json)
    entry = receipt["files"][0]
    assert entry["output"] == {"name": "photo-001.jpg", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert entry["input"]["sha256"] == hashlib.sha256(source.read_bytes()).hexdigest()
    assert entry["policy"]["keep_capture_date"] and entry["coded_image_identical"] and "made" not in receipt
    assert {k["label"] for k in entry["kept"]} >= {"Taken"}
    page_name, receipt_page = download(page, page.get_by_role("button", name="Privacy receipt", exact=True))
    assert page_name == "privacy-receipt.html" and hashlib.sha256(data).hexdigest().encode() in receipt_page
    assert card(page, "PXL_20240512_142233.jpg").count() == 1 and not page.errors
