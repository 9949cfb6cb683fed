"""EXIF (a TIFF structure) -> Findings, with the values Pillow's tolerant parser gives (located by lazyifd)."""

import functools
import math
import warnings

from PIL import ExifTags, Image

from ..report import Finding, iso_datetime, jpeg_preview, shorten
from . import icc, iptc, lazyifd, makernotes, tiffifd, xmp  # iptc imports this module only inside a function

# (tag id, key, kind, label) for the plain tags in IFD0 and the Exif sub-IFD.
TAGS = (
    (0x010F, "make", "device", "Camera make"),
    (0x0110, "model", "device", "Camera model"),
    (0xC614, "model", "device", "Camera model"),              # DNG UniqueCameraModel
    (0xA431, "serial", "device", "Body serial number"),
    (0xC62F, "serial", "device", "Body serial number"),       # DNG CameraSerialNumber
    (0xA433, "lens_make", "device", "Lens make"),
    (0xA434, "lens", "device", "Lens"),
    (0xA435, "lens_serial", "device", "Lens serial number"),
    (0x0131, "software", "device", "Software"),
    (0xA439, "firmware", "device", "Camera firmware"),
    (0xA43A, "software", "device", "Raw developing software"),
    (0xA43B, "software", "device", "Image editing software"),
    (0xA43C, "software", "device", "Metadata editing software"),
    (0x013C, "host_computer", "device", "Computer name"),
    (0xA420, "image_id", "device", "Unique image ID"),
    (0x9003, "datetime_original", "time", "Taken"),
    (0x9011, "offset_original", "time", "Time zone when taken"),
    (0x9004, "datetime_digitized", "time", "Digitised"),
    (0x9012, "offset_digitized", "time", "Time zone when digitised"),
    (0x0132, "datetime", "time", "Modified"),
    (0x9010, "offset", "time", "Time zone when modified"),
    (0x013B, "artist", "people", "Artist"),
    (0x9C9D, "artist", "people", "Author (Windows)"),
    (0xA437, "artist", "people", "Photographer"),
    (0xA438, "artist", "people", "Image editor"),
    (0xA430, "owner", "people", "Camera owner"),
    (0x8298, "copyright", "people", "Copyright"),
    (0x9286, "comment", "text", "User comment"),
    (0x9C9C, "comment", "text", "Comment (Windows)"),
    (0x010E, "description", "text", "Image description"),
    (0xA436, "title", "text", "Image title"),
    (0x9C9B, "title", "text", "Title (Windows)"),
    (0x9C9E, "keywords", "text", "Keywords (Windows)"),
    (0x9C9F, "subject", "text", "Subject (Windows)"),
    (0x010D, "document_name", "text", "Document name"),
    (0x011D, "page_name", "text", "Page name"),
    (0xA004, "sound_file", "text", "Related sound file"),
)
TAG_IDS = {t[0] for t in TAGS}
DATE_TAGS = {0x9003, 0x9004, 0x0132}  # their findings also carry the ISO 8601 form

# Tags reported separately (orientation, maker notes, embedded blobs) or that only point to other IFDs.
SPECIAL = {0x0112, 0x927C, 0x02BC, 0x83BB, 0x8649, 0x8773, 0x8769, 0x8825, 0xA005}
# Windows "XP" tags hold UTF-16LE text.
UTF16_TAGS = {0x9C9B, 0x9C9C, 0x9C9D, 0x9C9E, 0x9C9F}
# Tags that only describe how pixels are stored: expected in a TIFF file, not worth a finding there.
TIFF_STRUCTURE = {
    0x00FE, 0x00FF, 0x0100, 0x0101, 0x0102, 0x0103, 0x0106, 0x0107, 0x0108, 0x0109, 0x010A, 0x0111, 0x0115,
    0x0116, 0x0117, 0x0118, 0x0119, 0x011A, 0x011B, 0x011C, 0x0122, 0x0123, 0x0124, 0x0125, 0x0128, 0x012D,
    0x013D, 0x013E, 0x013F, 0x0140, 0x0141, 0x0142, 0x0143, 0x0144, 0x0145, 0x014A, 0x014C, 0x0152, 0x0153,
    0x0154, 0x0155, 0x0156, 0x015B, 0x0200, 0x0211, 0x0212, 0x0213, 0x0214, 0x0201, 0x0202, 0x0203, 0x0205,
    0x0206, 0x0207, 0x0208, 0x0209, 0x0210,
}
NOT_OTHER = TAG_IDS | SPECIAL  # tags that are not counted as "other EXIF tags"
NOT_OTHER_IN_TIFF = NOT_OTHER | TIFF_STRUCTURE
# EXIF Orientation values in plain words (as exiftool names them).
ORIENTATION_WORDS = {1: "upright", 2: "mirrored", 3: "rotate 180°", 4: "mirrored upside down",
                     5: "mirrored, rotate 270° clockwise", 6: "rotate 90° clockwise",
                     7: "mirrored, rotate 90° clockwise", 8: "rotate 270° clockwise"}
# GPS IFD tags turned into their own findings; the rest are counted.
GPS_READ = {0, 1, 2, 3, 4, 5, 6, 7, 0x10, 0x11, 0x1D}
GPS_NO_PLACE = {0, 1, 3, 5, 0x10, 0x12}  # version, reference letters and map datum say nothing about a place


def _text(value, tag: int = 0) -> str:
    if isinstance(value, tuple):
        value = value[0] if len(value) == 1 else " ".join(_text(v) for v in value)
    if isinstance(value, bytes):
        if tag in UTF16_TAGS:
            value = value.decode("utf-16-le", "replace")
        elif tag == 0x9286:  # UserComment: 8-byte character-set prefix, then text
            charset, body = value[:8], value[8:]
            # UNICODE is UTF-16 in the block's byte order; ASCII letters show it by their zero high byte.
            wide = "utf-16-be" if body[:1] == b"\x00" else "utf-16-le"
            value = body.decode(wide if charset.startswith(b"UNICODE") else "latin-1", "replace")
        elif len(value) > 200 or b"\x00" in value.strip(b"\x00"):
            return f"{len(value)} bytes"
        else:
            value = value.decode("utf-8", "replace")
    return shorten(str(value).replace("\x00", " ").strip())


def _orientation_number(turn) -> int | None:
    """The Orientation tag as 1-8 (a few writers store it as text), or None when it is no orientation."""
    token = (str(turn) if turn in ORIENTATION_WORDS else _text(turn)).split(" ", 1)[0]
    return int(token) if token.isdigit() and 1 <= int(token) <= 8 else None


def _float(x) -> float | None:
    try:
        value = float(x)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    return value if math.isfinite(value) else None


def _degrees(dms, ref) -> float | None:
    parts = [_float(x) for x in (dms if isinstance(dms, tuple) else (dms,))][:3]
    if not parts or None in parts:
        return None  # absent, or a value no reader can turn into a position
    value = sum(p / 60 ** i for i, p in enumerate(parts))  # degrees, minutes, seconds (some writers give fewer)
    return -value if str(ref).upper().startswith(("S", "W")) else value


def gps_degrees(gps: dict) -> tuple[float | None, float | None]:
    """(latitude, longitude) in signed decimal degrees; None for a half that is absent or unreadable."""
    return _degrees(gps.get(2), gps.get(1, "N")), _degrees(gps.get(4), gps.get(3, "E"))


def gps_position(gps: dict) -> str | None:
    lat, lon = gps_degrees(gps)
    if lat is None and lon is None:
        return None
    if lat is None or lon is None:  # half a position is still a clue; say which half
        return f"latitude {lat:.6f}" if lon is None else f"longitude {lon:.6f}"
    return f"{lat:.6f}, {lon:.6f}"


def _gps_findings(gps: dict, where: str) -> list[Finding]:
    where = f"{where} GPS IFD"
    found = []
    position = gps_position(gps)
    if position:
        found.append(Finding("location", "gps", "GPS position", position, where, None, gps_degrees(gps)))
    altitude = _float(gps.get(6))
    if altitude is not None:
        metres = -altitude if gps.get(5) in (1, b"\x01") else altitude  # reference 1: below sea level
        found.append(Finding("location", "gps_altitude", "Altitude", f"{metres:.1f} m", where, None, metres))
    direction = _float(gps.get(0x11))
    if direction is not None:
        ref = {"T": "true north", "M": "magnetic north"}.get(str(gps.get(0x10, "")).strip("\x00 ").upper(), "")
        found.append(Finding("location", "gps_direction", "Camera direction",
                             f"{direction:.0f}°" + (f" from {ref}" if ref else ""), where, None, direction))
    stamp = gps.get(7)
    if isinstance(stamp, tuple) and len(stamp) == 3 and None not in (hms := [_float(x) for x in stamp]):
        date = _text(gps.get(0x1D, "")).replace(":", "-")
        found.append(Finding("location", "gps_time", "GPS time",
                             f"{date} {hms[0]:02.0f}:{hms[1]:02.0f}:{hms[2]:02.0f} UTC".strip(), where))
    elif gps.get(0x1D):
        found.append(Finding("location", "gps_time", "GPS date", _text(gps[0x1D]), where))
    others = [t for t in gps if t not in GPS_READ]
    if found and others:
        found.append(Finding("location", "gps_other", "Other GPS tags", f"{len(others)} tag(s)", where))
    elif not found and set(gps) - GPS_NO_PLACE:
        found.append(Finding("location", "gps_other", "GPS data", f"{len(gps)} GPS tag(s)", where))
    elif not found:  # only a version number: the camera has GPS but recorded no place
        found.append(Finding("other", "gps_empty", "Empty GPS block (no position)", f"{len(gps)} tag(s)", where))
    return found


BLOB_TAGS = (0x02BC, 0x83BB, 0x8649, 0x8773)  # XMP, IPTC, Photoshop, ICC


def raw_ifd0_blobs(raw: bytes) -> dict:
    """{tag: raw bytes} of the blob tags in IFD0, read directly: Pillow mangles them when a writer
    declared the wrong type (IPTC as LONG is common)."""
    order = tiffifd.byte_order(raw)
    if order is None or len(raw) < 8:
        return {}
    ifd0 = tiffifd.entries(raw, int.from_bytes(raw[4:8], order), order)
    return {tag: ifd0[tag][2] for tag in BLOB_TAGS if tag in ifd0}


def _ifd(exif: Image.Exif, tag) -> dict:
    try:
        return exif.get_ifd(tag) or {}
    except Exception:  # noqa: BLE001 - a broken sub-IFD still gets reported by its pointer below
        return {}


def _pillow_directories(raw: bytes, tiff_file: bool) -> tuple:
    """(IFD0, Exif IFD, GPS IFD, IFD1) read by Pillow itself: for the headers lazyifd leaves to it."""
    with warnings.catch_warnings():  # Pillow warns about damaged tags: they are reported, not printed
        warnings.simplefilter("ignore")
        exif = Image.Exif()
        exif.load(raw)
        ifd0 = dict(exif)
        sub = _ifd(exif, ExifTags.IFD.Exif) if 0x8769 in ifd0 else {}
        gps = _ifd(exif, ExifTags.IFD.GPSInfo) if 0x8825 in ifd0 else {}
        ifd1 = {} if tiff_file else _ifd(exif, ExifTags.IFD.IFD1)
    return ifd0, sub, gps, ifd1


def directories(raw: bytes, tiff_file: bool = False) -> tuple:
    """(IFD0, Exif IFD, GPS IFD, IFD1) as mappings of the values Pillow gives. Raises for a block that
    Pillow cannot read at all."""
    if lazyifd.handles(raw):
        return lazyifd.directories(raw, with_ifd1=not tiff_file)
    return _pillow_directories(raw, tiff_file)


def thumbnail(raw: bytes, ifd1: dict, where: str) -> list[Finding]:
    """IFD1 of an EXIF block: the thumbnail, often a small copy of the uncropped original."""
    offset, length = ifd1.get(0x0201), ifd1.get(0x0202)
    if isinstance(offset, int) and isinstance(length, int) and length > 0:
        picture = raw[offset:offset + length]
        return [Finding("hidden", "thumbnail", "Thumbnail picture (may show the uncropped original)",
                        f"{length} bytes", f"{where} IFD1", jpeg_preview(picture))]
    if 0x0111 in ifd1 or 0x0201 in ifd1:
        return [Finding("hidden", "thumbnail", "Thumbnail picture (may show the uncropped original)",
                        "uncompressed", f"{where} IFD1")]
    return []


def read(exif_bytes: bytes, where: str = "EXIF", tiff_file: bool = False) -> list[Finding]:
    """Findings in one EXIF blob (with or without the 'Exif\\0\\0' header).

    With tiff_file=True the blob is a whole TIFF image: pixel-layout tags are expected and
    IFD1 is a second page, not a thumbnail.
    """
    raw = exif_bytes[6:] if exif_bytes.startswith(b"Exif\x00\x00") else exif_bytes
    try:
        ifd0, sub, gps, ifd1 = directories(raw, tiff_file)
    except Exception:  # noqa: BLE001 - a broken EXIF is still EXIF: report it, it will be removed
        return [Finding("other", "exif", "EXIF block (unreadable)", f"{len(raw)} bytes", where)]
    return _findings(raw, ifd0, sub, gps, ifd1, where, tiff_file)


def _findings(raw: bytes, ifd0, sub, gps, ifd1, where: str, tiff_file: bool) -> list[Finding]:
    # The Exif IFD's values win over IFD0's; each is decoded only when read below. A set of the tags, not a
    # ChainMap: its lookups (a generator per test) cost ~3 ms of a corpus clean in Pyodide (~15 ms of findings).
    present = {*sub, *ifd0}

    def value(tag):
        return sub[tag] if tag in sub else ifd0[tag]

    found = []
    for tag, key, kind, label in TAGS:
        if tag in present and (text := _text(value(tag), tag)):
            found.append(Finding(kind, key, label, text, where, None, iso_datetime(text) if tag in DATE_TAGS else None))
    if 0x8825 in ifd0:
        found += _gps_findings(gps, where)
    if 0x927C in present:
        notes = value(0x927C)
        size = len(notes) if isinstance(notes, bytes) else 0
        found.append(Finding("other", "maker_notes", "Maker notes (camera-specific data: often serial numbers, "
                             "owner name, dates, a preview picture)",
                             f"{size} bytes", where))
        found += makernotes.read(raw, _text(ifd0.get(0x010F, "")), f"{where} maker notes")
    if ifd1:
        found += thumbnail(raw, ifd1, where)
    # Metadata blobs a TIFF (or odd EXIF) carries inside tags.
    blobs = raw_ifd0_blobs(raw) if any(t in ifd0 for t in BLOB_TAGS) else {}
    if blobs.get(0x02BC):
        found += xmp.read(blobs[0x02BC], f"{where} XMP tag")
    if blobs.get(0x83BB):
        found += iptc.read_iim(blobs[0x83BB], f"{where} IPTC tag")
    if blobs.get(0x8649):
        found += iptc.read_irb(blobs[0x8649], f"{where} Photoshop tag")
    if blobs.get(0x8773):
        found += icc.read(blobs[0x8773], f"{where} ICC tag")
    turn = ifd0.get(0x0112)
    if turn:
        words = ORIENTATION_WORDS.get(turn)
        found.append(Finding("other", "orientation", "Orientation",
                             f"{turn} ({words})" if words else _text(turn), where, None, _orientation_number(turn)))
    others = present - (NOT_OTHER_IN_TIFF if tiff_file else NOT_OTHER)
    if not found and not others and not tiff_file:
        return [Finding("other", "exif", "EXIF block (no readable tags)", f"{len(raw)} bytes", where)]
    if others:
        found.append(Finding("other", "exif_other", "Other EXIF tags (camera settings and technical data)",
                             f"{len(others)} tag(s)", where))
    return found


def _ifd0_entry(exif_bytes: bytes, tag: int):
    """(entry, byte order) of one IFD0 tag, read directly: the clean needs two tags, not a full report."""
    raw = exif_bytes[6:] if exif_bytes.startswith(b"Exif\x00\x00") else exif_bytes
    order = tiffifd.byte_order(raw)
    if order is None or len(raw) < 8:
        return None, "big"
    return tiffifd.entry(raw, int.from_bytes(raw[4:8], order), order, tag), order


def orientation(exif_bytes: bytes) -> int:
    """The Orientation tag of IFD0 (1 = upright when absent or unreadable)."""
    entry, order = _ifd0_entry(exif_bytes, 0x0112)
    value = tiffifd.text(entry, order) if entry else ""
    return int(value) if value.isdigit() and 1 <= int(value) <= 8 else 1


def copyright_text(exif_bytes: bytes) -> bytes | None:
    """The Copyright notice's bytes as written (kept byte for byte when the policy keeps it)."""
    entry, _order = _ifd0_entry(exif_bytes, 0x8298)
    value = entry[2].split(b"\x00")[0].strip() if entry else b""
    return value or None


def capture_date(exif_bytes: bytes) -> bytes | None:
    """DateTimeOriginal from the Exif IFD, as written ('YYYY:MM:DD HH:MM:SS'), or None."""
    pointer_entry, order = _ifd0_entry(exif_bytes, 0x8769)
    at = tiffifd.pointer(pointer_entry, order) if pointer_entry else None
    if at is None:
        return None
    raw = exif_bytes[6:] if exif_bytes.startswith(b"Exif\x00\x00") else exif_bytes
    entry = tiffifd.entry(raw, at, order, 0x9003)
    value = entry[2].split(b"\x00")[0].strip() if entry else b""
    return value if len(value) >= 10 and value[:4].isdigit() else None


@functools.lru_cache(maxsize=64)  # each clean pass asks again, mostly for the same Orientation
def minimal(orientation_value: int = 1, copyright_value: bytes | None = None,
            taken: bytes | None = None) -> bytes | None:
    """A TIFF-structured EXIF body (no 'Exif\\0\\0' header) with only what the policy keeps, or None."""
    import piexif

    ifd0: dict[int, int | bytes] = {}
    if 2 <= orientation_value <= 8:
        ifd0[piexif.ImageIFD.Orientation] = orientation_value
    if copyright_value:
        ifd0[piexif.ImageIFD.Copyright] = copyright_value
    if not ifd0 and not taken:
        return None
    exif_ifd = {piexif.ExifIFD.DateTimeOriginal: taken} if taken else {}
    return piexif.dump({"0th": ifd0, "Exif": exif_ifd})[6:]
