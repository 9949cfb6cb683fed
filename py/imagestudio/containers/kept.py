"""What a clean writes back on purpose: a minimal EXIF with only the tags the policy keeps."""

from ..readers import exif as exif_reader
from ..policy import capture_date_of
from ..report import Finding, iso_datetime


def orientation(findings: list[Finding]) -> int:
    """The first EXIF Orientation found (1 = upright)."""
    return next((f.parsed for f in findings if f.key == "orientation" and isinstance(f.parsed, int)), 1)


def minimal_exif(findings, policy) -> bytes | None:
    """TIFF-structured EXIF holding only Orientation (and Copyright when kept), or None if nothing is kept."""
    turn = orientation(findings) if policy.keep_orientation else 1
    notice = None
    if policy.keep_copyright:
        notice = next((f.value for f in findings if f.key == "copyright"), None)
    return exif_reader.minimal(turn, notice.encode("utf-8") if notice else None,
                               policy.capture_date(capture_date_of(findings)))


def minimal_exif_from(exif_blob: bytes, policy) -> bytes | None:
    """The same as minimal_exif, read straight from one EXIF blob (cheaper than a full report)."""
    if not exif_blob:
        return None
    turn = exif_reader.orientation(exif_blob) if policy.keep_orientation else 1
    notice = exif_reader.copyright_text(exif_blob) if policy.keep_copyright else None
    written = exif_reader.capture_date(exif_blob) if policy.keep_capture_date else None
    taken = policy.capture_date(iso_datetime(written.decode("ascii", "replace"))) if written else None
    return exif_reader.minimal(turn, notice, taken)
