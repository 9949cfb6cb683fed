"""BMP: the only metadata is a colour profile (or a linked profile's file path) and data after the image;
re-encode with Pillow, which writes a plain header, and prove the pixels identical."""

import io

from ..readers import icc
from ..report import Finding
from . import reencode

CLEANABLE = True
LOSSLESS = False
V5_HEADER = 124
PROFILE_LINKED, PROFILE_EMBEDDED = b"KNIL", b"DEBM"  # 'LINK' / 'MBED' stored little-endian


def _profile(data: bytes) -> tuple[bytes, bytes]:
    """(profile kind, profile bytes) of a BITMAPV5HEADER, or (b"", b"")."""
    if int.from_bytes(data[14:18], "little") != V5_HEADER or len(data) < 14 + V5_HEADER:
        return b"", b""
    kind = bytes(data[14 + 56:14 + 60])
    offset = 14 + int.from_bytes(data[14 + 112:14 + 116], "little")
    size = int.from_bytes(data[14 + 116:14 + 120], "little")
    return kind, bytes(data[offset:offset + size])


def inspect(data: bytes, name: str = "") -> list[Finding]:
    found = []
    kind, profile = _profile(data)
    if kind == PROFILE_LINKED and profile:
        path = profile.split(b"\x00")[0].decode("latin-1", "replace")
        found.append(Finding("people", "linked_profile", "Linked colour profile (a file path on the author's computer)",
                             path, "BMP V5 header"))
    elif kind == PROFILE_EMBEDDED and profile:
        found += icc.read(profile, "BMP V5 header")
    declared = int.from_bytes(data[2:6], "little")
    if 0 < declared < len(data):
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image",
                             f"{len(data) - declared} bytes", "after the BMP pixel data"))
    return found


def clean(data: bytes, policy, name: str = "") -> bytes:
    im = reencode.load_image(data, name)
    frame = reencode.bare_copy(im)
    buf = io.BytesIO()
    frame.save(buf, "BMP")
    out = buf.getvalue()
    reencode.same_pixels([frame], out, name)
    return out


def notes(data: bytes, name: str = "") -> list[str]:
    out = ["BMP is cleaned by re-encoding: the pixels are identical, the file bytes are new"]
    if _profile(data)[0] == PROFILE_EMBEDDED:
        out.append("the embedded colour profile cannot be written back into BMP and was dropped")
    return out
