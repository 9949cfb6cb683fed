"""Keep what you choose: the capture date (DateTimeOriginal only, optionally without the time of day), listed as
kept and checked by verify, in the lossless clean, the re-encode and the command line."""

import io

import piexif
import pytest
from PIL import Image

import pictures
from imagestudio import api, cleaning
from imagestudio.__main__ import main
from imagestudio.errors import StillDirty
from imagestudio.policy import CleanPolicy

DATE = {"keep_capture_date": True}
DAY = {"keep_capture_date": True, "capture_date_only": True}


def exif_of(data: bytes) -> dict:
    return piexif.load(Image.open(io.BytesIO(data)).info.get("exif", b""))


def photo_with_zone() -> bytes:
    """A phone photo: DateTimeOriginal with time zone, subseconds and a GPS time stamp."""
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"Phone"},
                        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:12 14:22:33",
                                 piexif.ExifIFD.OffsetTimeOriginal: b"+02:00",
                                 piexif.ExifIFD.SubSecTimeOriginal: b"417",
                                 piexif.ExifIFD.DateTimeDigitized: b"2024:05:12 14:22:33"},
                        "GPS": {piexif.GPSIFD.GPSDateStamp: b"2024:05:12",
                                piexif.GPSIFD.GPSTimeStamp: ((12, 1), (22, 1), (33, 1))}})
    buf = io.BytesIO()
    pictures.small_picture().save(buf, "JPEG", exif=exif)
    return buf.getvalue()


@pytest.mark.parametrize("policy, expected", [(DATE, b"2024:05:12 14:22:33"), (DAY, b"2024:05:12   :  :  ")])
@pytest.mark.parametrize("op", ["clean", "process"])
def test_only_the_capture_date_is_kept(policy, expected, op):
    options = {"policy": policy, **({"resize": {"long_edge": 24}} if op == "process" else {})}
    result = api.handle(op, photo_with_zone(), options, "p.jpg")
    assert result["ok"], result
    exif = exif_of(result["data"])
    assert exif["Exif"] == {piexif.ExifIFD.DateTimeOriginal: expected}
    assert not exif["GPS"] and piexif.ImageIFD.Make not in exif["0th"]
    for gone in (b"+02:00", b"417", b"14:22:33" if policy is DAY else b"never"):
        assert gone not in result["data"]
    assert [f["key"] for f in result["report"]["kept"] if f["key"] == "datetime_original"] == ["datetime_original"]


@pytest.mark.parametrize("maker", [pictures.dirty_png, pictures.dirty_webp])
def test_png_and_webp_keep_it_too(maker):
    result = api.handle("clean", maker(), {"policy": DAY}, "p")
    assert result["ok"] and [f["value"] for f in result["report"]["kept"] if f["key"] == "datetime_original"]
    assert Image.open(io.BytesIO(result["data"])).getexif().get_ifd(0x8769) == {0x9003: "2024:01:02   :  :  "}


def test_not_kept_by_default():
    result = api.handle("clean", photo_with_zone(), {}, "p.jpg")
    assert b"2024:05:12" not in result["data"]


def test_verify_refuses_a_time_of_day_when_only_the_date_is_kept():
    kept_whole = api.handle("clean", photo_with_zone(), {"policy": DATE}, "p.jpg")["data"]
    with pytest.raises(StillDirty, match="Taken"):
        cleaning.verify_clean(kept_whole, CleanPolicy(**DAY), "p.jpg")


def test_cli_flags(tmp_path):
    source = tmp_path / "p.jpg"
    source.write_bytes(photo_with_zone())
    assert main(["clean", str(source), "-o", str(tmp_path / "a"), "--keep-capture-date", "--capture-date-only"]) == 0
    assert exif_of((tmp_path / "a" / "p-clean.jpg").read_bytes())["Exif"] == {36867: b"2024:05:12   :  :  "}
    assert main(["process", str(source), "-o", str(tmp_path / "b"), "--max-edge", "16", "--keep-capture-date"]) == 0
    written = next((tmp_path / "b").iterdir()).read_bytes()
    assert exif_of(written)["Exif"] == {36867: b"2024:05:12 14:22:33"}


def test_an_unreadable_capture_date_is_never_kept_as_a_day():
    """The policy reads the finding's machine value: text that is not a date cannot pass as 'the day alone'."""
    exif = piexif.dump({"Exif": {piexif.ExifIFD.DateTimeOriginal: b"Rue X 12"}})
    buf = io.BytesIO()
    pictures.small_picture().save(buf, "JPEG", exif=exif)
    with pytest.raises(StillDirty, match="Taken"):
        cleaning.verify_clean(buf.getvalue(), CleanPolicy(**DAY), "p.jpg")
    cleaned = api.handle("clean", buf.getvalue(), {"policy": DAY}, "p.jpg")
    assert cleaned["ok"] and b"Rue X" not in cleaned["data"]
