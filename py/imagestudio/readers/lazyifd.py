"""EXIF directories read the way Pillow reads them, without Pillow's cost.

Pillow's ImageFileDirectory_v2.load() names, formats and logs every entry, and Exif.get_ifd() then decodes
every value: that was most of a JPEG clean's time, for a report that reads a few dozen tags. Here the entries
are located directly, with Pillow's rules for what is skipped and where reading stops, and each value is still
decoded by Pillow (10.2, pinned by the browser build), only when the report reads it. So the values are
exactly the ones Pillow gives; tests/test_lazyifd.py compares both on the corpus and on damaged blocks.
"""

import struct
from collections.abc import Mapping

from PIL.TiffImagePlugin import ImageFileDirectory_v2

# Headers read here; the others Pillow accepts (BigTIFF, swapped magic numbers) go through Pillow itself.
STANDARD = (b"II*\x00", b"MM\x00*")
_UNIT = {kind: size for kind, (size, _load) in ImageFileDirectory_v2._load_dispatch.items()}
EXIF_IFD, GPS_IFD = 0x8769, 0x8825


def handles(raw: bytes) -> bool:
    return raw[:4] in STANDARD and len(raw) >= 8


class Directory(Mapping):
    """One IFD as {tag: value}, each value as Pillow's Exif.get_ifd() gives it, decoded on first read."""

    def __init__(self, raw: bytes, at: int):
        self._info = ImageFileDirectory_v2(raw[:8])
        self.next = _load(self._info, raw, at)

    def __getitem__(self, tag):
        value = self._info[tag]  # KeyError when absent, as a Mapping needs
        return value[0] if isinstance(value, tuple) and len(value) == 1 else value  # Exif._fixup

    def __iter__(self):
        return iter(self._info)

    def __len__(self):
        return len(self._info)

    def __contains__(self, tag):
        return tag in self._info


def _load(info: ImageFileDirectory_v2, raw: bytes, at: int) -> int:
    """Put the raw entries of the IFD at `at` into `info` as ImageFileDirectory_v2.load() does; return the
    offset of the next IFD. Where Pillow stops early (truncated table, a value outside the data) it keeps
    the entries read so far and leaves the next offset at the header's, and so does this."""
    order = "<" if raw[:2] == b"II" else ">"
    if at + 2 > len(raw):
        return info.next
    (count,) = struct.unpack_from(order + "H", raw, at)
    table = at + 2
    whole = table + 12 * count <= len(raw)
    fits = count if whole else (len(raw) - table) // 12
    for tag, kind, number, value in struct.iter_unpack(order + "HHL4s", raw[table:table + 12 * fits]):
        unit = _UNIT.get(kind)
        if unit is None:  # a type Pillow cannot read is skipped
            continue
        size = unit * number
        if size > 4:
            (offset,) = struct.unpack(order + "L", value)
            value = raw[offset:offset + size]
            if len(value) < size:
                return info.next
        else:
            value = value[:size]
        if value:  # Pillow drops empty values
            info._tagdata[tag] = value
            info.tagtype[tag] = kind
    end = table + 12 * count
    if not whole or end + 4 > len(raw):
        return info.next
    return struct.unpack_from(order + "L", raw, end)[0]


def directories(raw: bytes, with_ifd1: bool = True) -> tuple:
    """(IFD0, Exif IFD, GPS IFD, IFD1) of a TIFF structure with a standard header (see handles())."""
    ifd0 = Directory(raw, int.from_bytes(raw[4:8], "little" if raw[:2] == b"II" else "big"))
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
