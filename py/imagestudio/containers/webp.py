"""WebP (RIFF): keep the image and animation chunks byte for byte, fix the VP8X flags and the RIFF size."""

from .. import icc_profile
from ..errors import CorruptImage
from ..readers import exif as exif_reader
from ..readers import icc, xmp
from ..report import Finding
from . import kept, webp_tails
from .webp_tails import chunk as _chunk

LOSSLESS = True   # the compressed picture is copied byte for byte
CLEANABLE = True

# Chunks that draw the picture (still or animated): always kept.
IMAGE_CHUNKS = {b"VP8 ", b"VP8L", b"VP8X", b"ALPH", b"ANIM", b"ANMF"}
COLOUR_PROFILE = b"ICCP"  # kept when the policy keeps colour profiles
FRAME_CHUNKS = {b"ALPH", b"VP8 ", b"VP8L"}  # what an ANMF frame needs after its header
ANMF_HEADER = 16
HEADER_SIZES = {b"VP8X": 10, b"ANIM": 6}  # chunks that are only fields: a clean keeps just these bytes
# VP8X feature flags
FLAG_ICC, FLAG_ALPHA, FLAG_EXIF, FLAG_XMP, FLAG_ANIMATION = 0x20, 0x10, 0x08, 0x04, 0x02


def chunks(data: bytes, name: str = "") -> tuple[list, int]:
    """([(fourcc, start, end, body)], end of the RIFF data)."""
    label = name or "this file"
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WEBP":
        raise CorruptImage(f"{label}: not a RIFF WebP file")
    riff_end = 8 + int.from_bytes(data[4:8], "little")
    if riff_end > len(data):
        raise CorruptImage(f"{label}: WebP is truncated (RIFF claims {riff_end} bytes, the file has {len(data)})")
    out, pos = [], 12
    while pos + 8 <= riff_end:
        fourcc = bytes(data[pos:pos + 4])
        size = int.from_bytes(data[pos + 4:pos + 8], "little")
        end = pos + 8 + size + (size & 1)
        if pos + 8 + size > riff_end:
            raise CorruptImage(f"{label}: WebP chunk {fourcc!r} at byte {pos} runs past the end of the file")
        out.append((fourcc, pos, min(end, riff_end), data[pos + 8:pos + 8 + size]))
        pos = end
    if not any(c[0] in (b"VP8 ", b"VP8L", b"ANMF") for c in out):
        raise CorruptImage(f"{label}: WebP has no image data")
    return out, riff_end


def frame_parts(body: bytes) -> list[tuple[bytes, int, int]]:
    """(fourcc, start, end) of the chunks inside an ANMF frame, after its 16-byte header."""
    parts, pos = [], ANMF_HEADER
    while pos + 8 <= len(body):
        size = int.from_bytes(body[pos + 4:pos + 8], "little")
        end = min(pos + 8 + size + (size & 1), len(body))
        parts.append((bytes(body[pos:pos + 4]), pos, end))
        pos = end
    return parts


def _describe(fourcc: bytes, body: bytes) -> list[Finding]:
    where = f"WebP {fourcc.decode('latin-1', 'replace').strip()} chunk"
    if fourcc == b"ANMF":  # a frame may carry unknown chunks of its own
        extra = [p for p in frame_parts(body) if p[0] not in FRAME_CHUNKS]
        return [Finding("other", "unknown_chunk", "Extra data inside an animation frame",
                        f"{sum(e - s for _f, s, e in extra)} bytes", where)] if extra else []
    if fourcc in HEADER_SIZES and len(body) > HEADER_SIZES[fourcc]:  # fields, then room to hide anything
        return [Finding("hidden", "extra_data", f"Extra data inside the {fourcc.decode('latin-1')} chunk",
                        f"{len(body) - HEADER_SIZES[fourcc]} bytes", where)]
    if fourcc in IMAGE_CHUNKS:
        return []
    if fourcc == b"EXIF":
        return exif_reader.read(body, where)
    if fourcc == b"XMP ":
        return xmp.read(body, where)
    if fourcc == COLOUR_PROFILE:
        return icc.read(body, where)
    return [Finding("other", "unknown_chunk", f"Extra chunk {fourcc.decode('latin-1', 'replace')!r}",
                    f"{len(body)} bytes", where)]


def inspect(data: bytes, name: str = "") -> list[Finding]:
    parts, riff_end = chunks(data, name)
    found = [f for fourcc, _s, _e, body in parts for f in _describe(fourcc, body)]
    unread = sum(_tails(parts)[0].values())
    if unread:
        found.append(Finding("hidden", "extra_data", "Data after the end of a picture's coded data", f"{unread} bytes",
                             "WebP VP8, VP8L or ALPH chunk"))
    if riff_end < len(data):
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image",
                             f"{len(data) - riff_end} bytes", "after the WebP RIFF data"))
    return found


def _sub_payload(body: bytes, start: int) -> bytes:
    """The payload of the chunk at `start` inside an ANMF frame's body."""
    return bytes(body[start + 8:start + 8 + int.from_bytes(body[start + 4:start + 8], "little")])


def _cut(payload: bytes, tail: int) -> bytes:
    return payload[:len(payload) - tail]


def _tails(parts: list) -> tuple[dict, bool]:
    """({(index of the chunk, offset inside an ANMF frame or None): bytes after its coded data}, whether every
    picture was checked). A still picture is its top-level ALPH/VP8/VP8L chunks, an animation frame its own."""
    pictures: list[list[tuple[int, int | None, bytes, bytes]]] = [
        [(i, None, fourcc, bytes(body)) for i, (fourcc, _s, _e, body) in enumerate(parts) if fourcc in FRAME_CHUNKS]]
    pictures += [[(i, at, fourcc, _sub_payload(body, at)) for fourcc, at, _end in frame_parts(body)
                  if fourcc in FRAME_CHUNKS] for i, (kind, _s, _e, body) in enumerate(parts) if kind == b"ANMF"]
    tails: dict[tuple[int, int | None], int] = {}
    budget = webp_tails.MAX_CHECK_PIXELS
    for picture in pictures:
        chunks = [(fourcc, payload) for _i, _at, fourcc, payload in picture]
        size = next((webp_tails.size_of(*c) for c in chunks if webp_tails.size_of(*c)), None)
        if size is None:
            continue  # no picture that decodes: nothing to compare with
        budget -= size[0] * size[1]
        if budget < 0:
            return tails, False
        for n, (i, at, _fourcc, _payload) in enumerate(picture):
            tail = webp_tails.unread_tail(chunks, n, size)
            if tail:
                tails[(i, at)] = tail
    return tails, True


def clean(data: bytes, policy, name: str = "") -> bytes:
    parts, _riff_end = chunks(data, name)
    view = memoryview(data)
    profile = next((body for fourcc, _s, _e, body in parts if fourcc == COLOUR_PROFILE), None)
    canonical_icc = icc_profile.kept_form(bytes(profile))[0] if policy.keep_icc and profile is not None else None
    keep_icc = canonical_icc is not None
    removed = [f for fourcc, _s, _e, body in parts if fourcc not in IMAGE_CHUNKS for f in _describe(fourcc, body)]
    exif_body = kept.minimal_exif(removed, policy)
    has_vp8x = any(p[0] == b"VP8X" for p in parts)
    tails, _complete = _tails(parts)
    out: list[bytes | memoryview] = []
    for index, (fourcc, start, end, body) in enumerate(parts):
        if fourcc == b"VP8X" and len(body) >= 10:
            flags = body[0] & (FLAG_ALPHA | FLAG_ANIMATION)
            flags |= (FLAG_ICC if keep_icc else 0) | (FLAG_EXIF if exif_body else 0)
            out.append(_chunk(b"VP8X", bytes([flags]) + bytes(body[1:10])))
        elif fourcc == b"ANIM" and len(body) > HEADER_SIZES[b"ANIM"]:
            out.append(_chunk(b"ANIM", bytes(body[:HEADER_SIZES[b"ANIM"]])))
        elif fourcc == b"ANMF" and (_describe(fourcc, body) or any(i == index for i, _at in tails)):
            # the frame again: its picture's chunks only, each without the bytes after its coded data
            kept_parts = [_chunk(f, _cut(_sub_payload(body, at), tails.get((index, at), 0)))
                          for f, at, _e in frame_parts(body) if f in FRAME_CHUNKS]
            out.append(_chunk(b"ANMF", bytes(body[:ANMF_HEADER]) + b"".join(kept_parts)))
        elif (index, None) in tails:
            out.append(_chunk(fourcc, _cut(bytes(body), tails[(index, None)])))
        elif fourcc == COLOUR_PROFILE and canonical_icc is not None:
            out.append(_chunk(COLOUR_PROFILE, canonical_icc))
            canonical_icc = None  # one profile only
        elif fourcc in IMAGE_CHUNKS:
            out.append(view[start:end])
    if exif_body and has_vp8x:  # a simple (VP8/VP8L-only) WebP cannot carry EXIF
        out.append(_chunk(b"EXIF", exif_body))
    payload = b"".join(out)
    return b"RIFF" + (len(payload) + 4).to_bytes(4, "little") + b"WEBP" + payload


def notes(data: bytes, name: str = "") -> list[str]:
    if not _tails(chunks(data, name)[0])[1]:
        return [f"only the first {webp_tails.MAX_CHECK_PIXELS // 1_000_000} megapixels of pictures were checked for "
                "data hidden after their coded data"]
    return []
