"""ISO base media file format (HEIF, AVIF): read and write boxes, with every size checked against its parent.

A box is 32-bit size + 4-char type (+ 64-bit size when the first is 1; size 0 means "to the end").
A full box starts its body with a version byte and 24 bits of flags.
"""

from typing import NamedTuple

from ..errors import CorruptImage

MAX_BOXES = 200_000  # per parent: a real file has a few dozen; 100,000 items each have an 'infe'


class Box(NamedTuple):
    kind: bytes
    start: int   # first byte of the body
    end: int     # one past the last byte of the body


def read_boxes(data: bytes, start: int, end: int, where: str = "file") -> list[Box]:
    """The boxes in data[start:end]; a box that runs past its parent is an error, never skipped silently."""
    out, pos = [], start
    while pos < end:
        if end - pos < 8:
            raise CorruptImage(f"{end - pos} stray bytes at the end of the {where}")
        size, kind, head = int.from_bytes(data[pos:pos + 4], "big"), bytes(data[pos + 4:pos + 8]), 8
        if size == 1:
            if end - pos < 16:
                raise CorruptImage(f"box '{printable(kind)}' in the {where} is cut short")
            size, head = int.from_bytes(data[pos + 8:pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            if size >= head and where == "file":  # most often a download that stopped early
                raise CorruptImage(f"the file is cut short: box '{printable(kind)}' at byte {pos} declares {size} "
                                   f"bytes, {end - pos} are left")
            raise CorruptImage(f"box '{printable(kind)}' in the {where} runs past its end ({size} bytes declared "
                               f"at byte {pos}, {end - pos} left)")
        out.append(Box(kind, pos + head, pos + size))
        pos += size
        if len(out) > MAX_BOXES:
            raise CorruptImage(f"more than {MAX_BOXES} boxes in the {where}")
    return out


def printable(kind: bytes) -> str:
    return kind.decode("latin-1") if all(32 <= c < 127 for c in kind) else kind.hex()


def box(kind: bytes, body: bytes) -> bytes:
    size = 8 + len(body)
    if size < 2 ** 32:
        return size.to_bytes(4, "big") + kind + body
    return (1).to_bytes(4, "big") + kind + (size + 8).to_bytes(8, "big") + body


def full_box(kind: bytes, version: int, flags: int, body: bytes) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + body)


class Reader:
    """Big-endian fields from data[pos:end]; reading past end raises CorruptImage naming the box."""

    def __init__(self, data: bytes, pos: int, end: int, where: str):
        self.data, self.pos, self.end, self.where = data, pos, end, where

    def uint(self, size: int) -> int:
        if self.pos + size > self.end:
            raise CorruptImage(f"'{self.where}' box is cut short")
        value = int.from_bytes(self.data[self.pos:self.pos + size], "big")
        self.pos += size
        return value

    def raw(self, size: int) -> bytes:
        if self.pos + size > self.end:
            raise CorruptImage(f"'{self.where}' box is cut short")
        self.pos += size
        return bytes(self.data[self.pos - size:self.pos])

    def cstring(self) -> bytes:
        """A NUL-terminated string (a missing NUL at the box's end is tolerated, as libheif does)."""
        stop = self.data.find(b"\x00", self.pos, self.end)
        stop = self.end if stop < 0 else stop
        text = bytes(self.data[self.pos:stop])
        self.pos = min(stop + 1, self.end)
        return text

    def left(self) -> int:
        return self.end - self.pos
