"""JPEG lossless clean: corpus photos lose their metadata and keep identical pixels."""

import io
import json
import subprocess

import piexif
import pytest
from PIL import Image

from corpus import corpus_files, needs_corpus, pixels
from imagestudio import api

JPEGS = corpus_files(".jpg", ".jpeg")

# exiftool groups that must never survive a default clean.
FORBIDDEN_GROUPS = ("GPS", "XMP", "IPTC", "Photoshop", "MakerNotes", "Comment")


def _decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return True
    except Exception:  # noqa: BLE001
        return False


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


@needs_corpus(JPEGS)
def test_corpus_jpeg_clean_is_lossless_and_verified(path, exiftool):
    data = path.read_bytes()
    result = api.handle("clean", data, {}, path.name)
    if not result["ok"]:
        # A refusal is allowed only for input that is really broken, and it must say why.
        assert result["error"]["code"] in ("corrupt", "unsupported_format"), result
        assert path.name in result["error"]["message"]
        return
    out = result["data"]
    if _decodes(data):
        assert pixels(out) == pixels(data)
    meta = json.loads(subprocess.run([exiftool, "-j", "-G1", "-a", "-u", "-"], input=out,
                                     capture_output=True, check=True).stdout)[0]
    leaked = sorted(k for k in meta if k.split(":")[0].startswith(FORBIDDEN_GROUPS))
    assert not leaked, f"{path.name}: {leaked}"
    assert not any(k.startswith(("GPS", "ExifIFD", "IFD1")) for k in (k.split(":")[0] for k in meta))
