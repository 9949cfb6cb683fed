"""Maker notes: camera-specific data inside EXIF. Removed whole by a clean; here we only name the few
fields that identify a person or a camera body (owner name, serial numbers), for the report.

Each brand lays its notes out differently; the table says where the directory starts and what its
offsets count from, so adding a brand is adding a row.
"""

from ..report import Finding
from . import tiffifd

SERIAL = ("serial", "device", "Body serial number (maker notes)")
OWNER = ("owner", "people", "Camera owner (maker notes)")
IMAGE_ID = ("image_id", "device", "Unique image ID (maker notes)")

# (Make starts with, note starts with, directory offset in the note,
#  offsets count from: "tiff" = the EXIF TIFF header, "note" = the note itself, "header" = a TIFF header
#  inside the note at the directory offset, {tag: field, or tag: {tag: field} for a sub-directory})
BRANDS = (
    ("Canon", b"", 0, "tiff", {0x0009: OWNER, 0x000C: SERIAL, 0x0028: IMAGE_ID}),
    ("NIKON", b"Nikon\x00\x02", 10, "header", {0x001D: SERIAL, 0x00A0: SERIAL}),
    ("Panasonic", b"Panasonic\x00", 12, "tiff", {0x0025: SERIAL}),
    ("OLYMPUS", b"OLYMP\x00", 8, "tiff", {0x0404: SERIAL}),
    ("OLYMPUS", b"OLYMPUS\x00", 12, "note", {0x2010: {0x0101: SERIAL, 0x0102: SERIAL}}),
    ("FUJIFILM", b"FUJIFILM", None, "note", {0x0010: SERIAL}),
)


def _note_entry(raw: bytes, order: tiffifd.ByteOrder) -> tuple | None:
    """The MakerNote entry of the Exif IFD (only the two entries needed are read)."""
    pointer = tiffifd.entry(raw, int.from_bytes(raw[4:8], order), order, 0x8769)
    at = tiffifd.pointer(pointer or (0, 0, b""), order)
    return tiffifd.entry(raw, at, order, 0x927C) if at else None


def _directory(raw: bytes, order: tiffifd.ByteOrder, note: bytes, start: int, ifd_at, base: str):
    """(buffer, offset of the directory in it, byte order) for one brand's layout."""
    if base == "header":
        inner = note[ifd_at:]
        inner_order = tiffifd.byte_order(inner)
        return (inner, int.from_bytes(inner[4:8], inner_order), inner_order) if inner_order else (b"", 0, order)
    if base == "note":
        note_order = tiffifd.byte_order(note[8:10]) or "little"
        return note, (int.from_bytes(note[8:12], "little") if ifd_at is None else ifd_at), note_order
    return raw, start + ifd_at, order


def _fields(buf: bytes, at: int, order: tiffifd.ByteOrder, tags: dict, where: str) -> list[Finding]:
    found, entries = [], tiffifd.entries(buf, at, order)
    for tag, field in tags.items():
        if tag not in entries:
            continue
        if isinstance(field, dict):  # a sub-directory, e.g. Olympus "Equipment"
            sub = tiffifd.pointer(entries[tag], order)
            found += _fields(buf, sub, order, field, where) if sub else []
        elif (value := tiffifd.text(entries[tag], order)) and value.strip("0 "):
            key, kind, label = field
            found.append(Finding(kind, key, label, value, where))
    return found


def read(raw: bytes, make: str, where: str) -> list[Finding]:
    """Named fields in the maker notes of one EXIF block (TIFF bytes without the 'Exif' header)."""
    order = tiffifd.byte_order(raw)
    if order is None:
        return []
    note_entry = _note_entry(raw, order)
    if not note_entry or not note_entry[2]:
        return []
    note = note_entry[2]
    start = raw.find(note)  # where the note sits in the TIFF: offsets inside may count from there
    if start < 0:
        return []
    for brand, signature, ifd_at, base, tags in BRANDS:
        if make.upper().startswith(brand.upper()) and note.startswith(signature):
            buf, at, buf_order = _directory(raw, order, note, start, ifd_at, base)
            return _fields(buf, at, buf_order, tags, where)
    return []
