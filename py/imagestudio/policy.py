"""What a clean keeps. Everything not allowed here is removed and then verified gone."""

import re
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import BadOptions
from .report import Finding


# A finding's ISO 8601 capture date (report.iso_datetime): its time zone is never kept
CAPTURE_DATE = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:T(\d\d):(\d\d)(?::(\d\d))?)?")


@dataclass(frozen=True)
class CleanPolicy:
    keep_orientation: bool = True   # a minimal EXIF with only Orientation, so portraits stay upright
    keep_icc: bool = True           # dropping the colour profile shifts colours
    keep_copyright: bool = False
    keep_capture_date: bool = False  # EXIF DateTimeOriginal alone: never its time zone, subseconds or GPS time
    capture_date_only: bool = False  # with keep_capture_date: the day, not the time of day

    # finding key -> the option that lets it stay in a cleaned file (every other finding is removed)
    KEEPABLE = {"orientation": "keep_orientation", "icc_profile": "keep_icc", "copyright": "keep_copyright",
                "datetime_original": "keep_capture_date"}

    @classmethod
    def from_dict(cls, options: dict[str, Any] | None) -> "CleanPolicy":
        options = dict(options or {})
        known = {f.name for f in fields(cls)}
        unknown = set(options) - known
        if unknown:
            raise BadOptions(f"unknown clean option(s): {', '.join(sorted(unknown))}")
        for key, value in options.items():
            if not isinstance(value, bool):
                raise BadOptions(f"clean option {key} must be true or false")
        return cls(**options)

    def to_dict(self) -> dict[str, bool]:
        return asdict(self)

    def allows(self, finding: Finding) -> bool:
        """True when a finding may remain in a cleaned file."""
        option = self.KEEPABLE.get(finding.key)
        if finding.key == "datetime_original" and self.capture_date_only and not _date_alone(finding.parsed):
            return False  # a time of day (or something unreadable) is there although only the date is kept
        return bool(option and getattr(self, option))

    def capture_date(self, taken: str | None) -> bytes | None:
        """DateTimeOriginal as kept, from a finding's ISO date: None, 'YYYY:MM:DD HH:MM:SS', or the date with the
        time left blank (as EXIF writes an unknown time)."""
        found = CAPTURE_DATE.match(taken or "") if self.keep_capture_date else None
        if not found:
            return None
        day = ":".join(found.group(1, 2, 3))
        if self.capture_date_only or found.group(4) is None:
            return (day + "   :  :  ").encode("ascii")
        return (day + " " + ":".join(found.group(4, 5)) + ":" + (found.group(6) or "00")).encode("ascii")


def capture_date_of(findings: list[Finding] | list[dict[str, Any]]) -> str | None:
    """The ISO capture date of the first DateTimeOriginal-like finding (Finding or its report dict), or None."""
    for f in findings:
        key, parsed = (f["key"], f.get("parsed")) if isinstance(f, dict) else (f.key, f.parsed)
        if key == "datetime_original":
            return parsed if isinstance(parsed, str) else None
    return None


def _date_alone(parsed: object) -> bool:
    return isinstance(parsed, str) and "T" not in parsed
