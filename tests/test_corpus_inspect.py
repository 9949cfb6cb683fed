"""The privacy report against an independent oracle: for every corpus file, each sensitive group that exiftool
found (MANIFEST.tsv) must appear in our findings, and GPS positions must match exiftool's numbers."""

import csv
import re

import pytest

from corpus import CORPUS, needs_corpus, oracle
from imagestudio import api


def _manifest() -> dict:
    path = CORPUS / "MANIFEST.tsv"
    if not path.exists():
        return {}
    with path.open(newline="") as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


MANIFEST = _manifest()

# exiftool's sensitive group -> test that our findings (list of dicts) show it
EXPECTED = {
    "GPS": lambda fs: any(f["key"] == "gps" for f in fs),
    "GPS-noCoords": lambda fs: any(f["key"].startswith("gps") for f in fs),
    "Make/Model": lambda fs: any(f["key"] in ("make", "model") for f in fs),
    "SerialNumber": lambda fs: any(f["key"] in ("serial", "lens_serial", "maker_notes") for f in fs),
    "Author/Copyright": lambda fs: any(f["kind"] == "people" for f in fs),
    "DateTimeOriginal": lambda fs: any(f["key"] == "datetime_original" for f in fs),
    "OtherDates": lambda fs: any(f["kind"] == "time" for f in fs),
    "XMP": lambda fs: any(f["key"] == "xmp" for f in fs),
    "IPTC": lambda fs: any(f["key"] == "iptc" for f in fs),
    "Photoshop-IRB": lambda fs: any(f["key"] == "photoshop" for f in fs),
    "ICC_Profile": lambda fs: any(f["key"] == "icc_profile" for f in fs),
    "MakerNotes": lambda fs: any(f["key"] == "maker_notes" for f in fs),
    "ThumbnailImage": lambda fs: any(f["key"] == "thumbnail" for f in fs),
    "PreviewImage": lambda fs: any(f["kind"] == "hidden" for f in fs),
    "Comment": lambda fs: any(f["kind"] == "text" for f in fs),
    "PNG-eXIf": lambda fs: any("eXIf" in f["where"] for f in fs),
    "PNG-iCCP": lambda fs: any("iCCP" in f["where"] for f in fs),
    "PNG-iTXt": lambda fs: any("iTXt" in f["where"] for f in fs),
    "PNG-tEXt": lambda fs: any("tEXt" in f["where"] for f in fs),
    "PNG-tIME": lambda fs: any("tIME" in f["where"] for f in fs),
    "WebP-EXIF": lambda fs: any("WebP EXIF" in f["where"] for f in fs),
    "WebP-ICCP": lambda fs: any("WebP ICCP" in f["where"] for f in fs),
    "WebP-XMP": lambda fs: any("WebP XMP" in f["where"] for f in fs),
}


INSIDE_MAKER_NOTES = {"SerialNumber", "Author/Copyright", "DateTimeOriginal", "MakerNotes", "ThumbnailImage",
                      "PreviewImage"}


def _degrees(text: str) -> float:
    """exiftool's '30 deg 37\\' 39.54" N' -> signed decimal degrees."""
    d, m, s, ref = re.fullmatch(r"(\d+) deg (\d+)' ([\d.]+)\" ([NSEW])", text).groups()
    value = int(d) + int(m) / 60 + float(s) / 3600
    return -value if ref in "SW" else value


FILES = [CORPUS / name for name in sorted(MANIFEST)]


@needs_corpus(FILES)
def test_report_shows_every_group_exiftool_finds(path):
    row = MANIFEST[path.name]
    result = api.handle("inspect", path.read_bytes(), {}, path.name)
    if not result["ok"]:
        # Only a file that exiftool also calls broken may be refused, with a specific reason.
        assert "decode=fail" in row["properties"] or "decode=unsupported" in row["properties"], result
        assert re.search(r"truncated|corrupt|IHDR", result["error"]["message"]), result
        return
    findings = result["report"]["findings"]
    groups = [g for g in row["sensitive_groups"].split(",") if g]
    # Maker notes are reported as one opaque item (that is removed whole); exiftool decodes them and may find
    # these groups only there, and the extra groups of exiftool's own test file sit in opaque APPn segments.
    opaque = any(f["key"] == "maker_notes" or f["key"].startswith("app") for f in findings)
    missing = [g for g in groups if not EXPECTED[g](findings) and not (g in INSIDE_MAKER_NOTES and opaque)]
    assert not missing, f"{path.name}: exiftool sees {missing}, our report does not"


ORACLE = oracle()
# Files where exiftool finds a full position.
GPS_FILES = [p for p in FILES if isinstance(ORACLE.get(p.name, {}).get("Composite:GPSLongitude"), str)]


@needs_corpus(GPS_FILES)
def test_gps_position_matches_exiftool(path):
    meta = ORACLE[path.name]
    lat, lon = meta["Composite:GPSLatitude"], meta["Composite:GPSLongitude"]
    summary = api.handle("inspect", path.read_bytes(), {}, path.name)["report"]["summary"]
    ours = [float(v) for v in summary["gps"].split(",")]
    assert summary["location"] is True
    assert ours == pytest.approx([_degrees(lat), _degrees(lon)], abs=1e-5)


def test_findings_come_most_sensitive_first():
    gps_jpeg = CORPUS / "exiftool_GPS.jpg"
    if not gps_jpeg.exists():
        pytest.skip("no corpus")
    kinds = [f["kind"] for f in api.handle("inspect", gps_jpeg.read_bytes(), {}, "GPS.jpg")["report"]["findings"]]
    order = ["location", "device", "time", "people", "hidden", "text", "other"]
    assert kinds == sorted(kinds, key=order.index) and kinds[0] == "location"


# Maker-note fields exiftool decodes that name a person or a camera body: our report must show the value.
MAKER_NOTE_FIELDS = ("Canon:OwnerName", "Panasonic:InternalSerialNumber", "Olympus:SerialNumber",
                     "Nikon:SerialNumber")
MAKER_NOTE_FILES = [p for p in FILES if any(str(ORACLE.get(p.name, {}).get(k, "")).strip() for k in MAKER_NOTE_FIELDS)]


@needs_corpus(MAKER_NOTE_FILES)
def test_maker_note_owner_and_serial_match_exiftool(path):
    findings = api.handle("inspect", path.read_bytes(), {}, path.name)["report"]["findings"]
    ours = {f["value"].upper() for f in findings if "maker notes" in f["where"]}
    for field in MAKER_NOTE_FIELDS:
        expected = str(ORACLE[path.name].get(field, "")).strip()
        if expected:
            assert expected.upper() in ours, f"{path.name}: exiftool {field}={expected!r}, we show {ours}"
