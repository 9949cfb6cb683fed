"""What a file reveals: a flat list of findings, most sensitive first.

A Finding is plain data so the page, the tests and the command line share it.
"""

import base64
import re
from collections import Counter
from typing import NamedTuple

# Kinds in the order a person should read them: most sensitive first.
KINDS = ("location", "device", "time", "people", "hidden", "text", "other")
_RANK = {kind: i for i, kind in enumerate(KINDS)}
# The card badge's words ("Reveals location, camera", "Removed hidden data"): one per kind ("other" has none, the
# badge then says "Has metadata"), and for hidden findings one per key, because most hidden data is no picture.
BADGE_WORDS = {"location": "location", "device": "camera", "time": "time taken", "people": "names",
               "hidden": "hidden data", "text": "text"}
HIDDEN_WORDS = {
    "thumbnail": "hidden pictures", "preview": "hidden pictures", "extra_image": "hidden pictures",
    "auxiliary_image": "hidden pictures", "mpf": "hidden pictures", "xmp_picture": "hidden pictures",
    "motion_video": "hidden video", "extra_box": "hidden video",  # only a HEIF 'moov' (Live Photo track) is hidden
    "xmp_audio": "hidden audio",
    "extra_data": "hidden data", "trailing_data": "hidden data", "unused_table": "hidden data",
    "unused_colours": "hidden data", "hidden_data": "hidden data",
}

# EXIF 'YYYY:MM:DD HH:MM:SS', XMP 'YYYY-MM-DDTHH:MM[:SS][.fff][zone]', PNG tIME 'YYYY-MM-DD HH:MM:SS UTC'.
_DATETIME = re.compile(r"(?P<y>\d{4})[:-](?P<mo>\d\d)[:-](?P<d>\d\d)(?:[T ](?P<h>\d\d):(?P<mi>\d\d)(?::(?P<s>\d\d))?"
                       r"(?:\.\d+)?\s*(?P<zone>Z|UTC|[+-]\d\d:?\d\d)?)?")
# EXIF writes an unknown time of day as blanks: '2024:01:02   :  :  '.
_BLANK_TIME = re.compile(r"(?<=\d)[ :]+$")
# A hidden picture is shown to the user only when it is small enough to inline in the report.
PREVIEW_MAX_BYTES = 64 * 1024


class Finding(NamedTuple):  # immutable like a frozen dataclass, and 3x cheaper to make (reports make many)
    kind: str      # one of KINDS
    key: str       # stable id, e.g. "gps", "make", "thumbnail", "icc_profile", "orientation"
    label: str     # plain words for people
    value: str     # human-readable value (may be shortened)
    where: str     # container location, e.g. "EXIF GPS IFD", "XMP", "PNG tEXt chunk"
    preview: str | None = None  # data: URL of a hidden picture (EXIF thumbnail ...), when small
    # The value for code, beside the text for people: orientation 1-8, ISO 8601 date and time, (latitude,
    # longitude) in degrees, metres, degrees of direction. Code (and the page) read this, never `value`.
    parsed: int | float | str | tuple | None = None

    def to_dict(self, preview: bool = True) -> dict:
        out: dict[str, object] = {"kind": self.kind, "key": self.key, "label": self.label, "value": self.value,
                                  "where": self.where}
        if self.parsed is not None:
            out["parsed"] = self.parsed
        if preview and self.preview:
            out["preview"] = self.preview
        return out


def shorten(text: str, limit: int = 200) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def jpeg_preview(data: bytes) -> str | None:
    """A data: URL for a small embedded JPEG, so the page can show what the hidden picture shows."""
    if data[:3] == b"\xff\xd8\xff" and len(data) <= PREVIEW_MAX_BYTES:
        return "data:image/jpeg;base64," + base64.b64encode(data).decode("ascii")
    return None


def iso_datetime(text: str) -> str | None:
    """'2008:05:30 15:56:01' (EXIF), '2008-05-30T15:56:01+02:00' (XMP) ... as ISO 8601, or None."""
    m = _DATETIME.fullmatch(_BLANK_TIME.sub("", text.strip()))
    if not m:
        return None
    date = f"{m['y']}-{m['mo']}-{m['d']}"
    if not m["h"]:
        return date
    zone = "Z" if m["zone"] in ("Z", "UTC") else (m["zone"] or "")
    return f"{date}T{m['h']}:{m['mi']}" + (f":{m['s']}" if m["s"] else "") + zone


def damaged(message: str) -> Finding:
    """Added to what a damaged file revealed before the damage: it will not be cleaned."""
    return Finding("other", "damaged", "Damaged file: it cannot be cleaned", message.split(": ", 1)[-1],
                   "file structure")


def sort_findings(findings):
    return sorted(findings, key=lambda f: _RANK.get(f.kind, len(KINDS)))


def _camera(make: str | None, model: str | None) -> str | None:
    """'Canon' + 'Canon EOS 40D' reads 'Canon EOS 40D', not 'Canon Canon EOS 40D'."""
    if make and model and model.lower().startswith(make.split()[0].lower()):
        return model
    return " ".join(v for v in (make, model) if v) or None


def summarize(findings) -> dict:
    """The headline facts the page shows on a file's row."""
    first: dict[str, str] = {}
    for f in findings:
        first.setdefault(f.key, f.parsed if f.kind == "time" and isinstance(f.parsed, str) else f.value)
    kinds = Counter(f.kind for f in findings)
    return {
        "location": "gps" in first or kinds["location"] > 0,
        "gps": first.get("gps"),
        "camera": _camera(first.get("make"), first.get("model")),
        "captured": first.get("datetime_original") or first.get("datetime_digitized") or first.get("datetime"),
        "count": len(findings),
        "kinds": {kind: kinds[kind] for kind in KINDS if kinds[kind]},
    }
