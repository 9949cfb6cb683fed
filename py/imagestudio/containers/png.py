"""PNG (and APNG): keep only the chunks that draw the picture; copy them byte for byte."""

import zlib

from ..errors import CorruptImage
from ..readers import exif as exif_reader
from ..readers import icc, pngtext
from ..report import Finding, damaged
from . import kept

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks needed to draw the picture (critical, colour, transparency, density, animation): always kept.
RENDERING = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs",
             b"hIST", b"cICP", b"mDCv", b"cLLi", b"acTL", b"fcTL", b"fdAT"}
COLOUR_PROFILE = b"iCCP"   # kept when the policy keeps colour profiles
TEXT = {b"tEXt", b"zTXt", b"iTXt"}
MAX_CHUNK = 1 << 31        # the PNG limit; larger lengths are corrupt


def chunks(data: bytes, name: str = ""):
    """Yield (type, start, end, body) for each chunk up to IEND; end of the last one is where IEND ends."""
    label = name or "this file"
    if not data.startswith(SIGNATURE):
        raise CorruptImage(f"{label}: not a PNG signature")
    pos, first = len(SIGNATURE), True
    while True:
        if pos + 8 > len(data):
            raise CorruptImage(f"{label}: PNG is truncated (no IEND chunk)")
        length = int.from_bytes(data[pos:pos + 4], "big")
        kind = bytes(data[pos + 4:pos + 8])
        end = pos + 12 + length
        if first and kind != b"IHDR":
            raise CorruptImage(f"{label}: PNG is corrupt (it does not start with an IHDR chunk)")
        if length >= MAX_CHUNK or end > len(data):
            raise CorruptImage(f"{label}: PNG is truncated (chunk {kind.decode('latin-1', 'replace')!r} at byte {pos} "
                               "runs past the end of the file)")
        first = False
        yield kind, pos, end, data[pos + 8:pos + 8 + length]
        if kind == b"IEND":
            return
        pos = end


def _describe(kind: bytes, body: bytes) -> list[Finding]:
    where = f"PNG {kind.decode('latin-1', 'replace')} chunk"
    if kind in RENDERING:
        return []
    if kind in TEXT:
        return pngtext.read(kind, body)
    if kind == b"eXIf":
        return exif_reader.read(body, where)
    if kind == COLOUR_PROFILE:
        profile = pngtext.inflate(body.partition(b"\x00")[2][1:])
        return icc.read(profile or b"", where)
    if kind == b"tIME" and len(body) == 7:
        y, mo, d, h, mi, s = int.from_bytes(body[:2], "big"), *body[2:]
        return [Finding("time", "datetime", "Modified", f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d} UTC", where)]
    if kind == b"caBX":
        return [Finding("other", "c2pa", "C2PA / JUMBF provenance (edit history, may name people and tools)",
                        f"{len(body)} bytes", where)]
    return [Finding("other", "unknown_chunk", f"Extra chunk {kind.decode('latin-1', 'replace')!r}",
                    f"{len(body)} bytes", where)]


def inspect(data: bytes, name: str = "") -> list[Finding]:
    found, end = [], len(SIGNATURE)
    try:
        for kind, _start, end, body in chunks(data, name):
            found += _describe(kind, body)
    except CorruptImage as err:
        if not found:
            raise
        # A damaged file cannot be cleaned, but what it reveals before the damage is still worth showing.
        return [*found, damaged(err.message)]
    if end < len(data):
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image (can hold the uncropped "
                             "original: the 'aCropalypse' leak)", f"{len(data) - end} bytes", "after PNG IEND"))
    return found


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def clean(data: bytes, policy, name: str = "") -> bytes:
    label = name or "this file"
    out, findings, view = [SIGNATURE], [], memoryview(data)
    for kind, start, end, body in chunks(data, name):
        if kind in RENDERING or (kind == COLOUR_PROFILE and policy.keep_icc):
            out.append(view[start:end])
        elif kind[0:1].isupper():
            raise CorruptImage(f"{label}: PNG has an unknown critical chunk {kind.decode('latin-1', 'replace')!r}; "
                               "it cannot be cleaned safely")
        else:
            findings += _describe(kind, body)
    body = kept.minimal_exif(findings, policy)
    if body:
        # eXIf must come before the image data for readers to honour it.
        at = next(i for i, b in enumerate(out) if bytes(b[4:8]) in (b"IDAT", b"acTL", b"fdAT"))
        out.insert(at, _chunk(b"eXIf", body))
    return b"".join(out)
