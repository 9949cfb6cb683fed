"""EXIF directories read the way Pillow reads them, without Pillow's cost.

Pillow's ImageFileDirectory_v2.load() names, formats and logs every entry, and Exif.get_ifd() then decodes
every value through its generic tag machinery: that was most of a JPEG clean's time, for a report that reads a
few dozen tags. Here the entries are located directly, with Pillow's rules for what is skipped and where
reading stops, and a value is decoded only when the report reads it, into exactly what Pillow 10.2 (pinned by
the browser build) gives. tests/test_lazyifd.py compares both on the corpus and on damaged blocks.
"""

import struct
from collections.abc import Mapping

from PIL import TiffTags
from PIL.TiffImagePlugin import IFDRational

# Headers read here; the others Pillow accepts (BigTIFF, swapped magic numbers) go through Pillow itself.
STANDARD = (b"II*\x00", b"MM\x00*")
EXIF_IFD, GPS_IFD = 0x8769, 0x8825
BYTE, ASCII, RATIONAL, UNDEFINED, SIGNED_RATIONAL = 1, 2, 5, 7, 10
# The types Pillow reads, as (bytes per value, struct code); the others are skipped, as Pillow does.
TYPES = {1: (1, ""), 2: (1, ""), 3: (2, "H"), 4: (4, "L"), 5: (8, "L"), 6: (1, "b"), 7: (1, ""), 8: (2, "h"),
         9: (4, "l"), 10: (8, "l"), 11: (4, "f"), 12: (8, "d"), 13: (4, "L"), 16: (8, "Q")}
# Pillow's tag table: tags that hold one value (it keeps the first of several), and names it turns into numbers.
SINGLE = {tag for tag, info in TiffTags.TAGS_V2.items() if info.length == 1}
ENUMS = {tag: info.enum for tag, info in TiffTags.TAGS_V2.items() if info.enum}


def handles(raw: bytes) -> bool:
    return raw[:4] in STANDARD and len(raw) >= 8


class Directory(Mapping):
    """One IFD as {tag: value}, each value as Pillow's Exif.get_ifd() gives it, decoded on first read."""

    def __init__(self, raw: bytes, at: int):
        self._order = "<" if raw[:2] == b"II" else ">"
        self._entries, self.next = _load(raw, at, self._order)
        self._values: dict = {}

    def __getitem__(self, tag):
        if tag not in self._values:
            kind, data = self._entries[tag]  # KeyError when absent, as a Mapping needs
            self._values[tag] = decode(tag, kind, data, self._order)
        return self._values[tag]

    def get(self, tag, default=None):  # Mapping.get goes through a KeyError for each absent tag: slow in Pyodide
        return self[tag] if tag in self._entries else default

    def __iter__(self):
        return iter(self._entries)

    def __len__(self):
        return len(self._entries)

    def __contains__(self, tag):
        return tag in self._entries


def decode(tag: int, kind: int, data: bytes, order: str):
    """One value as Pillow 10.2 gives it: ImageFileDirectory_v2's loader and _setitem, then Exif._fixup."""
    values: tuple
    if kind in (BYTE, UNDEFINED):
        values = (data,)
    elif kind == ASCII:
        values = ((data[:-1] if data.endswith(b"\x00") else data).decode("latin-1", "replace"),)
    else:
        unit, code = TYPES[kind]
        rational = kind in (RATIONAL, SIGNED_RATIONAL)  # two numbers per value
        numbers = struct.unpack(f"{order}{len(data) // unit * (2 if rational else 1)}{code}", data)
        if rational:
            numbers = tuple(IFDRational(a, b) for a, b in zip(numbers[::2], numbers[1::2]))
        values = numbers
    if tag in ENUMS:
        values = tuple(ENUMS[tag].get(v, v) for v in values)
    return values[0] if len(values) == 1 or tag in SINGLE else values


def _load(raw: bytes, at: int, order: str) -> tuple[dict, int]:
    """({tag: (type, value bytes)}, offset of the next IFD) as ImageFileDirectory_v2.load() reads them. Where
    Pillow stops early (truncated table, a value outside the data) it keeps the entries read so far and leaves
    the next offset at the header's, and so does this."""
    entries: dict = {}
    header_next = struct.unpack_from(order + "L", raw, 4)[0]
    if at + 2 > len(raw):
        return entries, header_next
    (count,) = struct.unpack_from(order + "H", raw, at)
    table = at + 2
    whole = table + 12 * count <= len(raw)
    fits = count if whole else (len(raw) - table) // 12
    for tag, kind, number, value in struct.iter_unpack(order + "HHL4s", raw[table:table + 12 * fits]):
        if kind not in TYPES:
            continue
        size = TYPES[kind][0] * number
        if size > 4:
            (offset,) = struct.unpack(order + "L", value)
            value = raw[offset:offset + size]
            if len(value) < size:
                return entries, header_next
        else:
            value = value[:size]
        if value:  # Pillow drops empty values
            entries[tag] = (kind, value)
    end = table + 12 * count
    if not whole or end + 4 > len(raw):
        return entries, header_next
    return entries, struct.unpack_from(order + "L", raw, end)[0]


def directories(raw: bytes, with_ifd1: bool = True) -> tuple:
    """(IFD0, Exif IFD, GPS IFD, IFD1) of a TIFF structure with a standard header (see handles())."""
    ifd0 = Directory(raw, struct.unpack_from("<L" if raw[:2] == b"II" else ">L", raw, 4)[0])
    sub = _pointed(raw, ifd0, EXIF_IFD)
    gps = _pointed(raw, ifd0, GPS_IFD)
    ifd1 = Directory(raw, ifd0.next) if with_ifd1 and ifd0.next != 0 else {}
    return ifd0, sub, gps, ifd1


def _pointed(raw: bytes, ifd0: Directory, tag: int):
    """The sub-IFD a pointer tag names; Pillow gives {} for a pointer that is not a usable offset."""
    if tag not in ifd0:
        return {}
    offset = ifd0[tag]
    if not isinstance(offset, int) or offset < 0:
        return {}
    return Directory(raw, offset)
