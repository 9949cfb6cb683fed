"""EXIF (a TIFF structure) -> Findings, read with Pillow's tolerant parser."""

from PIL import ExifTags, Image

from ..report import Finding

# (tag id, key, kind, label) for the plain tags in IFD0 and the Exif sub-IFD.
_TAGS = (
    (0x010F, "make", "device", "Camera make"),
    (0x0110, "model", "device", "Camera model"),
    (0x0131, "software", "device", "Software"),
    (0xA431, "serial", "device", "Body serial number"),
    (0xA435, "lens_serial", "device", "Lens serial number"),
    (0xA434, "lens", "device", "Lens"),
    (0xA420, "image_id", "device", "Unique image ID"),
    (0x9003, "datetime_original", "time", "Taken"),
    (0x9004, "datetime_digitized", "time", "Digitised"),
    (0x0132, "datetime", "time", "Modified"),
    (0x013B, "artist", "people", "Artist"),
    (0xA430, "owner", "people", "Camera owner"),
    (0x8298, "copyright", "people", "Copyright"),
    (0x9286, "comment", "text", "User comment"),
    (0x010E, "description", "text", "Image description"),
    (0x927C, "maker_notes", "other", "Maker notes"),
)


def _text(value) -> str:
    if isinstance(value, bytes):
        if len(value) > 64:
            return f"{len(value)} bytes"
        value = value.decode("latin-1", "replace")
    return str(value).strip("\x00 ").strip()


def _degrees(dms, ref) -> float | None:
    try:
        d, m, s = (float(x) for x in dms)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    value = d + m / 60 + s / 3600
    return -value if str(ref).upper().startswith(("S", "W")) else value


def gps_position(gps: dict) -> str | None:
    lat = _degrees(gps.get(2), gps.get(1, "N"))
    lon = _degrees(gps.get(4), gps.get(3, "E"))
    if lat is None or lon is None:
        return None
    return f"{lat:.6f}, {lon:.6f}"


def read(exif_bytes: bytes, where: str = "EXIF") -> list[Finding]:
    """Findings in one EXIF blob (with or without the 'Exif\\0\\0' header)."""
    if exif_bytes.startswith(b"Exif\x00\x00"):
        exif_bytes = exif_bytes[6:]
    exif = Image.Exif()
    try:
        exif.load(exif_bytes)
    except Exception:  # noqa: BLE001 - a broken EXIF is still EXIF: report it, it will be removed
        return [Finding("other", "exif", "EXIF block (unreadable)", f"{len(exif_bytes)} bytes", where)]
    found = []
    merged = dict(exif)
    try:
        merged.update(exif.get_ifd(ExifTags.IFD.Exif))
    except Exception:  # noqa: BLE001
        pass
    for tag, key, kind, label in _TAGS:
        if tag in merged and _text(merged[tag]):
            found.append(Finding(kind, key, label, _text(merged[tag]), where))
    try:
        gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    except Exception:  # noqa: BLE001
        gps = {}
    if gps:
        position = gps_position(gps)
        found.append(Finding("location", "gps" if position else "gps_other", "GPS position" if position else "GPS data",
                             position or f"{len(gps)} GPS tags", f"{where} GPS IFD"))
    orientation = exif.get(0x0112)
    if orientation:
        found.append(Finding("other", "orientation", "Orientation", str(orientation), where))
    if not found:
        found.append(Finding("other", "exif", "EXIF block", f"{len(exif)} tags", where))
    return found
