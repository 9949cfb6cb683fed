"""JPEG lossless clean: corpus photos lose their metadata and keep identical pixels."""

import io

import piexif
import pytest
from PIL import Image

from corpus import CORPUS, pixels
from imagestudio import api, icc_profile


def make_dirty_jpeg() -> bytes:
    im = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: b"X1", piexif.ImageIFD.Orientation: 6},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:01:02 03:04:05"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1))},
    })
    buf = io.BytesIO()
    im.save(buf, "JPEG", exif=exif, comment=b"secret comment")
    return buf.getvalue() + b"TRAILING-SECRET"


def test_generated_photo_loses_gps_keeps_pixels_and_orientation():
    dirty = make_dirty_jpeg()
    before = api.handle("inspect", dirty, {}, "spy.jpg")
    assert before["report"]["summary"]["gps"] == "48.858333, 2.294444"
    result = api.handle("clean", dirty, {}, "spy.jpg")
    assert result["ok"], result
    out = result["data"]
    assert result["name"] == "spy-clean.jpg"
    assert pixels(out) == pixels(dirty)
    assert b"SpyCam" not in out and b"secret comment" not in out and b"TRAILING" not in out
    exif = piexif.load(out)
    assert exif["GPS"] == {} and exif["Exif"] == {}
    assert exif["0th"] == {piexif.ImageIFD.Orientation: 6}


def test_orientation_dropped_when_policy_says_so():
    result = api.handle("clean", make_dirty_jpeg(), {"policy": {"keep_orientation": False}}, "spy.jpg")
    assert result["ok"]
    assert b"Exif\x00\x00" not in result["data"]


def _corpus(name: str) -> bytes:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    return path.read_bytes()


def test_corrupt_scan_data_that_pillow_decodes_is_cleaned():
    """ianare_corrupted.jpg has 0xFF 0x9F junk inside its image data and a second JPEG after EOI."""
    data = _corpus("ianare_corrupted.jpg")
    result = api.handle("clean", data, {}, "corrupted.jpg")
    assert result["ok"], result
    assert pixels(result["data"]) == pixels(data)
    assert "extra_image" in {f["key"] for f in result["report"]["removed"]}
    assert result["data"].count(b"\xff\xd8") == 1  # the hidden second picture is gone


def test_ultrahdr_without_image_data_is_inspected_but_refused_with_the_reason():
    data = _corpus("pillow_ultrahdr.jpg")  # Pillow's test file: metadata, then the file stops at SOS
    report = api.handle("inspect", data, {}, "ultrahdr.jpg")["report"]
    assert report["summary"]["gps"] == "30.627650, 119.738767" and report["summary"]["camera"] == "Google Pixel 6"
    result = api.handle("clean", data, {}, "ultrahdr.jpg")
    assert result["error"]["code"] == "corrupt"
    message = result["error"]["message"]
    assert "ultrahdr.jpg: JPEG is truncated" in message and "no picture" in message


def test_truncated_image_data_is_cleaned_as_it_is_and_says_so():
    data = _corpus("pillow_truncated_jpeg.jpg")
    result = api.handle("clean", data, {}, "photo.jpg")
    assert result["ok"] and result["data"] == data  # nothing to remove, verified clean
    assert result["report"]["notes"] == ["the image data is incomplete (file truncated); it was cleaned as it is"]


def test_multi_segment_colour_profile_is_the_only_thing_kept():
    data = _corpus("pillow_icc_profile_big.jpg")
    kept = api.handle("clean", data, {}, "big.jpg")
    assert kept["ok"] and [f["key"] for f in kept["report"]["removed"]] == ["icc_details"]  # date, creator
    assert [f["key"] for f in kept["report"]["kept"]] == ["icc_profile"]
    out = Image.open(io.BytesIO(kept["data"]))
    assert out.info["icc_profile"] == icc_profile.canonical(Image.open(io.BytesIO(data)).info["icc_profile"]).data
    assert len(out.info["icc_profile"]) > 390_000 and kept["data"].count(b"ICC_PROFILE") == 7  # 7 segments again
    dropped = api.handle("clean", data, {"policy": {"keep_icc": False}}, "big.jpg")
    assert b"ICC_PROFILE" not in dropped["data"] and len(dropped["data"]) < len(data) - 390_000
    assert pixels(dropped["data"]) == pixels(data)


def test_mpo_second_view_is_reported_and_dropped():
    data = _corpus("pillow_sugarshack.mpo")
    result = api.handle("clean", data, {}, "sugarshack.mpo")
    removed = {f["key"] for f in result["report"]["removed"]}
    assert {"mpf", "extra_image", "maker_notes", "thumbnail"} <= removed  # exiftool finds the serial in the notes
    assert result["name"] == "sugarshack-clean.jpg"
    with Image.open(io.BytesIO(result["data"])) as im:
        assert im.format == "JPEG" and getattr(im, "n_frames", 1) == 1
    assert pixels(result["data"]) == pixels(data)
