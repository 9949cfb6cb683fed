"""Findings carry machine values beside their display text, and those agree with exiftool on the corpus."""

import re

import pytest

from corpus import corpus_files, needs_corpus, oracle
from imagestudio.containers import CONTAINERS
from imagestudio.report import iso_datetime
from imagestudio.sniff import sniff

EXIFTOOL_ORIENTATION = {"Horizontal (normal)": 1, "Mirror horizontal": 2, "Rotate 180": 3, "Mirror vertical": 4,
                        "Mirror horizontal and rotate 270 CW": 5, "Rotate 90 CW": 6,
                        "Mirror horizontal and rotate 90 CW": 7, "Rotate 270 CW": 8}


@pytest.mark.parametrize("text,iso", [
    ("2008:05:30 15:56:01", "2008-05-30T15:56:01"),                # EXIF
    ("2008-05-30T15:56:01+02:00", "2008-05-30T15:56:01+02:00"),    # XMP
    ("2008-05-30T15:56", "2008-05-30T15:56"),
    ("2008-05-30", "2008-05-30"),
    ("2008-05-30 15:56:01 UTC", "2008-05-30T15:56:01Z"),          # PNG tIME as the report shows it
    ("2008:05:30 15:56:01.123Z", "2008-05-30T15:56:01Z"),
    ("2008:05:30   :  :  ", "2008-05-30"),                        # EXIF's way of writing an unknown time
    ("    :  :     ", None), ("yesterday", None), ("2008-05-30 and more", None),
])
def test_iso_datetime(text, iso):
    assert iso_datetime(text) == iso


def _exiftool_degrees(text: str) -> float:
    d, m, s, ref = re.fullmatch(r"(\d+) deg (\d+)' ([\d.]+)\" ([NSEW])", text).groups()
    value = int(d) + int(m) / 60 + float(s) / 3600
    return -value if ref in "SW" else value


@needs_corpus(corpus_files(".jpg", ".jpeg"))
def test_machine_values_agree_with_exiftool(path):
    truth = oracle().get(path.name, {})
    data = path.read_bytes()
    findings = [f for f in CONTAINERS[sniff(data).name].inspect(data, path.name) if f.where.startswith("EXIF (APP1)")]
    first = {}
    for f in findings:
        first.setdefault(f.key, f)
    checked = 0
    if "IFD0:Orientation" in truth and "orientation" in first:
        assert first["orientation"].parsed == EXIFTOOL_ORIENTATION[truth["IFD0:Orientation"]]
        assert first["orientation"].value.startswith(str(first["orientation"].parsed))
        checked += 1
    if "Composite:GPSLatitude" in truth and "Composite:GPSLongitude" in truth and "gps" in first:
        lat, lon = first["gps"].parsed
        assert lat == pytest.approx(_exiftool_degrees(truth["Composite:GPSLatitude"]), abs=1e-5)
        assert lon == pytest.approx(_exiftool_degrees(truth["Composite:GPSLongitude"]), abs=1e-5)
        assert first["gps"].value == f"{lat:.6f}, {lon:.6f}"
        checked += 1
    taken = truth.get("ExifIFD:DateTimeOriginal")
    exif_date = isinstance(taken, str) and re.fullmatch(r"\d{4}:\d\d:\d\d \d\d:\d\d:\d\d", taken)
    if exif_date and "datetime_original" in first:
        assert first["datetime_original"].parsed == taken[:10].replace(":", "-") + "T" + taken[11:]
        checked += 1
    if not checked:
        pytest.skip("exiftool saw no orientation, position or capture time here")
