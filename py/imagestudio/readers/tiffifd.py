"""A tiny raw reader for TIFF image file directories, for the places Pillow does not go
(blob tags written with the wrong type, maker notes). Every read is bounded by the buffer."""

import struct
from typing import Literal

ByteOrder = Literal["little", "big"]

TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8, 13: 4}
MAX_ENTRIES = 1000


def byte_order(header: bytes) -> ByteOrder | None:
    orders: dict[bytes, ByteOrder] = {b"II": "little", b"MM": "big"}
    return orders.get(bytes(header[:2]))


def _table(buf: bytes, at: int, order: ByteOrder):
    """(tag, type, count, 4 value-or-offset bytes) of each whole entry of the IFD at `at`."""
    if at < 0 or at + 2 > len(buf):
        return ()
    count = int.from_bytes(buf[at:at + 2], order)
    whole = min(count, MAX_ENTRIES, (len(buf) - at - 2) // 12)  # a table cut short ends at its last whole entry
    return struct.iter_unpack(("<" if order == "little" else ">") + "HHL4s", buf[at + 2:at + 2 + 12 * whole])


def _value(buf: bytes, kind: int, number: int, inline: bytes, order: ByteOrder, base: int) -> bytes:
    size = TYPE_SIZES.get(kind, 1) * number
    if size <= 4:
        return inline[:size]
    offset = base + int.from_bytes(inline, order)
    return bytes(buf[offset:offset + size]) if 0 <= offset < len(buf) else b""


def entries(buf: bytes, at: int, order: ByteOrder, base: int = 0) -> dict:
    """{tag: (type, count, value bytes)} of the IFD at `at`; value offsets count from `base`."""
    return {tag: (kind, number, _value(buf, kind, number, inline, order, base))
            for tag, kind, number, inline in _table(buf, at, order)}


def entry(buf: bytes, at: int, order: ByteOrder, tag: int, base: int = 0) -> tuple | None:
    """entries(...).get(tag) without reading the other values (the last of duplicate tags wins there too)."""
    found = None
    for this, kind, number, inline in _table(buf, at, order):
        if this == tag:
            found = kind, number, inline
    return (found[0], found[1], _value(buf, *found, order, base)) if found else None


def text(value: tuple, order: ByteOrder) -> str:
    """An entry's value as text: ASCII strings as they are, integers as numbers."""
    kind, count, raw = value
    if kind in (3, 4) and count == 1 and len(raw) >= TYPE_SIZES[kind]:
        return str(int.from_bytes(raw[:TYPE_SIZES[kind]], order))
    raw = raw.strip(b"\x00 ")
    if kind in (1, 7) and raw and not all(32 <= b < 127 or b == 0 for b in raw):
        return raw.hex()  # binary IDs read as hex, as exiftool shows them
    return raw.split(b"\x00")[0].decode("latin-1").strip()


def pointer(value: tuple, order: ByteOrder) -> int | None:
    kind, count, raw = value
    return int.from_bytes(raw[:4], order) if kind in (4, 13) and len(raw) >= 4 else None
