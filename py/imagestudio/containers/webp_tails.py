"""Where a WebP picture's coded data really ends inside its chunk.

A VP8 frame's last partition, a VP8L stream and an alpha stream carry no length of their own: they run to the end
of their chunk, and a decoder stops where its data stops, so bytes after that are never read and can hold
anything. No length field says where that is, so it is found by decoding: libwebp refuses a picture when it
needs a byte its chunk lacks, so the shortest chunk that still decodes to the same pixels is where the data ends.
An encoder's final flush leaves a few bytes decoding does not need (1-3 on the corpus photos): a tail shorter
than FLUSH is not looked for, so one check is a single decode of the picture with FLUSH bytes less.
"""

import hashlib
import io

from PIL import Image

from .recent import RecentAnswers

FLUSH = 4
MAX_CHECK_PIXELS = 64_000_000   # per file; beyond it the rest is not checked (notes say so)
_known: RecentAnswers[int] = RecentAnswers()   # picture digest -> unread tail


def size_of(fourcc: bytes, payload: bytes) -> tuple[int, int] | None:
    """Width and height from a VP8 key frame or VP8L header (None: not one)."""
    if fourcc == b"VP8 " and len(payload) >= 10 and payload[3:6] == b"\x9d\x01\x2a":
        return int.from_bytes(payload[6:8], "little") & 0x3FFF, int.from_bytes(payload[8:10], "little") & 0x3FFF
    if fourcc == b"VP8L" and len(payload) >= 5 and payload[0] == 0x2F:
        bits = int.from_bytes(payload[1:5], "little")
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    return None


def chunk(fourcc: bytes, body: bytes) -> bytes:
    """One RIFF chunk: fourcc, little-endian size, body, a pad byte to an even length."""
    return fourcc + len(body).to_bytes(4, "little") + body + (b"\x00" if len(body) & 1 else b"")


def standalone(chunks: list[tuple[bytes, bytes]], size: tuple[int, int]) -> bytes:
    """A still WebP file of one picture's chunks (ALPH, then VP8; or VP8L)."""
    body = b"".join(chunk(fourcc, payload) for fourcc, payload in chunks)
    if any(fourcc == b"ALPH" for fourcc, _p in chunks):
        canvas = (size[0] - 1).to_bytes(3, "little") + (size[1] - 1).to_bytes(3, "little")
        body = chunk(b"VP8X", b"\x10\x00\x00\x00" + canvas) + body
    return b"RIFF" + (len(body) + 4).to_bytes(4, "little") + b"WEBP" + body


def _pixels(chunks: list[tuple[bytes, bytes]], size: tuple[int, int]) -> bytes | None:
    try:
        with Image.open(io.BytesIO(standalone(chunks, size)), formats=["WEBP"]) as image:
            image.load()
            return image.tobytes()
    except (OSError, ValueError, SyntaxError):
        return None


def unread_tail(chunks: list[tuple[bytes, bytes]], index: int, size: tuple[int, int]) -> int:
    """How many bytes at the end of chunks[index] decoding never reads (0 when under FLUSH or not decodable)."""
    key = _digest(chunks, index, size)
    if key in _known:
        return _known[key]
    tail = _known.remember(key, _search(chunks, index, size))
    if tail:  # the clean's output holds the picture without it: its verification need not search again
        fourcc, payload = chunks[index]
        _known.remember(_digest([*chunks[:index], (fourcc, payload[:-tail]), *chunks[index + 1:]], index, size), 0)
    return tail


def _digest(chunks: list[tuple[bytes, bytes]], index: int, size: tuple[int, int]) -> bytes:
    return hashlib.sha256(repr(index).encode() + standalone(chunks, size)).digest()


def _search(chunks: list[tuple[bytes, bytes]], index: int, size: tuple[int, int]) -> int:
    fourcc, payload = chunks[index]

    def cut(length: int) -> list[tuple[bytes, bytes]]:
        return [*chunks[:index], (fourcc, payload[:length]), *chunks[index + 1:]]

    if len(payload) <= FLUSH or _pixels(cut(len(payload) - FLUSH), size) is None:
        return 0
    whole = _pixels(chunks, size)
    low, high = 0, len(payload) - FLUSH  # decodes the same at high; find the shortest length that does
    while whole is not None and low < high:
        middle = (low + high) // 2
        if _pixels(cut(middle), size) == whole:
            high = middle
        else:
            low = middle + 1
    return len(payload) - high if whole is not None and _pixels(cut(high), size) == whole else 0
