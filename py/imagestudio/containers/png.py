"""PNG (and APNG): keep only the chunks that draw the picture; copy them byte for byte."""

import hashlib
import io
import zlib

from PIL import Image

from .. import decode, icc_profile
from ..errors import CorruptImage, EngineError
from ..readers import exif as exif_reader
from ..readers import icc, pngtext
from ..report import Finding, damaged
from . import kept
from .recent import RecentAnswers

LOSSLESS = True   # the compressed picture is copied byte for byte
CLEANABLE = True

SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks needed to draw the picture (critical, colour, transparency, density, animation): always kept.
# hIST (how often each palette colour is used) is not among them: it draws nothing and its numbers can be anything.
RENDERING = {b"IHDR", b"PLTE", b"IDAT", b"IEND", b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs",
             b"cICP", b"mDCv", b"cLLi", b"acTL", b"fcTL", b"fdAT"}
COLOUR_PROFILE = b"iCCP"   # kept when the policy keeps colour profiles
# Bytes the fields of a rendering chunk need: a longer one has room to hide anything, so clean keeps only
# these bytes and inspect reports the rest. Where the size depends on the colour type, by colour type.
FIELD_SIZES = {b"IHDR": 13, b"IEND": 0, b"gAMA": 4, b"cHRM": 32, b"sRGB": 1, b"pHYs": 9, b"cICP": 4,
               b"mDCv": 24, b"cLLi": 8, b"acTL": 8, b"fcTL": 26}
BY_COLOUR = {b"bKGD": {0: 2, 4: 2, 2: 6, 6: 6, 3: 1}, b"sBIT": {0: 1, 2: 3, 3: 3, 4: 2, 6: 4},
             b"tRNS": {0: 2, 2: 6}}  # any other colour type: no valid bytes at all
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
INFLATE_STEP = 1 << 20
TEXT = {b"tEXt", b"zTXt", b"iTXt"}
MAX_CHUNK = 1 << 31        # the PNG limit; larger lengths are corrupt
# pictures' digest -> palette indices they draw (None: not decodable): inspect, clean, notes and the verify of
# the clean's output decode a palette PNG once between them, not four times.
_drawn_known: RecentAnswers[frozenset[int] | None] = RecentAnswers()


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
        return [Finding("time", "datetime", "Modified", f"{y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}:{s:02d} UTC", where,
                        None, f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}Z")]
    if kind == b"caBX":
        return [Finding("other", "c2pa", "C2PA / JUMBF provenance (edit history, may name people and tools)",
                        f"{len(body)} bytes", where)]
    return [Finding("other", "unknown_chunk", f"Extra chunk {kind.decode('latin-1', 'replace')!r}",
                    f"{len(body)} bytes", where)]


def _needed(kind: bytes, body: bytes, ihdr: bytes, palette: int) -> int | None:
    """How many bytes of a rendering chunk its fields use (None: image data, checked by _stream_end)."""
    colour = ihdr[9] if len(ihdr) >= 13 else None
    if kind in FIELD_SIZES:
        return FIELD_SIZES[kind]
    if kind == b"tRNS" and colour == 3:
        return min(len(body), palette)
    if kind in BY_COLOUR:
        return BY_COLOUR[kind].get(colour, 0) if colour is not None else 0
    if kind == b"PLTE":
        return min(len(body), 768) // 3 * 3
    return None


def _stream_end(bodies: list, ihdr: bytes, label: str) -> tuple[int, int] | None:
    """Where the zlib stream spread over these chunk bodies ends: (index, bytes of that body used), or None
    when it never ends (a truncated file, kept as it is). Data after that end is hidden data."""
    width, height = int.from_bytes(ihdr[0:4], "big"), int.from_bytes(ihdr[4:8], "big")
    stride = (width * CHANNELS.get(ihdr[9], 4) * max(ihdr[8], 1) + 7) // 8
    limit = height * (stride + 1) + 7 * height + 64  # every row with its filter byte, interlace passes included
    stream, produced = zlib.decompressobj(), 0
    try:
        for i, body in enumerate(bodies):
            piece = stream.decompress(body, INFLATE_STEP)
            while True:
                produced += len(piece)
                if produced > limit:
                    raise CorruptImage(f"{label}: PNG image data inflates past the size of the picture; "
                                       "it cannot be cleaned safely")
                if stream.eof or not stream.unconsumed_tail:
                    break
                piece = stream.decompress(stream.unconsumed_tail, INFLATE_STEP)
            if stream.eof:
                return i, len(body) - len(stream.unused_data)
    except zlib.error as err:
        raise CorruptImage(f"{label}: PNG image data is damaged ({err}); it cannot be cleaned safely") from None
    return None


def _image_data(parsed: list, label: str) -> dict:
    """chunk index -> bytes of its body to keep, for IDAT/fdAT chunks that hold data after their stream ends."""
    ihdr = parsed[0][3] if parsed and len(parsed[0][3]) >= 13 else b"\x00" * 13
    keep: dict[int, int | None] = {}
    runs: list[list[int]] = []
    run: list[int] = []
    for index, (kind, _s, _e, _b) in enumerate(parsed):
        if kind in (b"IDAT", b"fdAT") and (not run or parsed[run[-1]][0] == kind and run[-1] == index - 1):
            run.append(index)
        else:
            if run:
                runs.append(run)
            run = [index] if kind in (b"IDAT", b"fdAT") else []
    if run:
        runs.append(run)
    for run in runs:
        skip = 4 if parsed[run[0]][0] == b"fdAT" else 0  # fdAT: sequence number, then data
        end = _stream_end([parsed[i][3][skip:] for i in run], ihdr, label)
        if end is None:
            continue
        last, used = end
        if skip and last < len(run) - 1:
            raise CorruptImage(f"{label}: an APNG frame holds chunks after its image data; it cannot be cleaned "
                               "safely")
        if used + skip < len(parsed[run[last]][3]):
            keep[run[last]] = used + skip
        for i in run[last + 1:]:
            keep[i] = 0
    return keep


def _rendering_extra(parsed: list, label: str) -> dict:
    """chunk index -> bytes to keep (None: drop it), for rendering chunks longer than their fields (hidden data)
    or too short to hold them (then it is not that chunk at all, just data under its name)."""
    ihdr = parsed[0][3] if parsed else b""
    palette = next((len(b) // 3 for k, _s, _e, b in parsed if k == b"PLTE"), 0)
    keep: dict[int, int | None] = {}
    for index, (kind, _start, _end, body) in enumerate(parsed):
        needed = _needed(kind, body, ihdr, palette) if kind in RENDERING else None
        if needed is not None and len(body) > needed:
            keep[index] = needed
        elif needed is not None and len(body) < needed and kind in FIELD_SIZES.keys() | BY_COLOUR.keys():
            if not kind[:1].islower():
                raise CorruptImage(f"{label}: PNG {kind.decode('latin-1')} chunk is too short ({len(body)} bytes)")
            keep[index] = None
    keep.update(_image_data(parsed, label))
    return keep


def inspect(data: bytes, name: str = "") -> list[Finding]:
    found, end, parsed = [], len(SIGNATURE), []
    try:
        for kind, _start, end, body in chunks(data, name):
            parsed.append((kind, _start, end, body))
            found += _describe(kind, body)
        for index, size in _rendering_extra(parsed, name or "this file").items():
            kind, _s, _e, body = parsed[index]
            found.append(Finding("hidden", "extra_data", f"Extra data inside a {kind.decode('latin-1')} chunk",
                                 f"{len(body) - (size or 0)} bytes", f"PNG {kind.decode('latin-1')} chunk"))
        spare = _unused_palette(parsed, name)
        if spare:
            found.append(Finding("hidden", "unused_colours", "Colours no pixel uses (a palette can hold any data "
                                 "there)", f"{len(spare)} entries", "PNG PLTE and tRNS chunks"))
    except CorruptImage as err:
        if not found:
            raise
        # A damaged file cannot be cleaned, but what it reveals before the damage is still worth showing.
        return [*found, damaged(err.message)]
    if end < len(data):
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image (can hold the uncropped "
                             "original: the 'aCropalypse' leak)", f"{len(data) - end} bytes", "after PNG IEND"))
    return found


def _pictures(parsed: list) -> list[tuple[bytes, bytes]]:
    """(width and height as IHDR writes them, zlib data) of the still picture and of each APNG frame."""
    out: list[tuple[bytes, bytes]] = []
    size, previous = bytes(parsed[0][3][:8]), b""
    for kind, _s, _e, body in parsed:
        if kind == b"fcTL":
            size = bytes(body[4:12])
        if kind == b"IDAT" or kind == b"fdAT":
            data = bytes(body[4:] if kind == b"fdAT" else body)
            if kind == previous:  # the next chunk of the same picture
                out[-1] = (out[-1][0], out[-1][1] + data)
            else:
                out.append((bytes(parsed[0][3][:8]) if kind == b"IDAT" else size, data))
        previous = kind
    return out


def _used_indices(parsed: list, name: str) -> set[int] | None:
    """The palette indices that the still picture and every APNG frame draw, plus the background colour; None
    when a picture cannot be decoded here (its palette is then left as it is, and notes() says so)."""
    ihdr, plte = parsed[0][3], next((b for k, _s, _e, b in parsed if k == b"PLTE"), b"")
    pictures = _pictures(parsed)
    try:  # the size limit is checked each time, outside the cache: it is not part of the file
        for size, _data in pictures:
            decode.check_size(int.from_bytes(size[:4], "big"), int.from_bytes(size[4:], "big"), 1, name)
    except EngineError:
        return None
    # Which indices a picture draws does not depend on the palette's colours, only on how many there are: the
    # clean's output, its unused colours blanked, finds the original's entry.
    digest = hashlib.sha256(bytes(ihdr[8:13]) + len(plte).to_bytes(4, "big"))
    for size, data in pictures:
        digest.update(size + len(data).to_bytes(4, "big") + data)
    key = digest.digest()
    drawn = _drawn_known[key] if key in _drawn_known else _drawn_known.remember(
        key, _drawn(bytes(ihdr[8:13]), bytes(plte), pictures))
    return None if drawn is None else set(drawn) | {b[0] for k, _s, _e, b in parsed if k == b"bKGD" and len(b) == 1}


def _drawn(fields: bytes, plte: bytes, pictures: list[tuple[bytes, bytes]]) -> frozenset[int] | None:
    """Decode each picture on its own (Pillow) and collect the palette indices its pixels use."""
    used: set[int] = set()
    for size, data in pictures:
        alone = SIGNATURE + _chunk(b"IHDR", size + fields) + _chunk(b"PLTE", plte)
        try:
            with Image.open(io.BytesIO(alone + _chunk(b"IDAT", data) + _chunk(b"IEND", b"")), formats=["PNG"]) as im:
                im.load()
                used |= {index for index, count in enumerate(im.histogram()) if count}
        except (OSError, ValueError, SyntaxError):
            return None
    return frozenset(used)


def _unused_palette(parsed: list, name: str) -> list[int]:
    """Palette entries that no pixel uses and that hold anything but zeros (colour or tRNS transparency)."""
    ihdr = parsed[0][3]
    if len(ihdr) < 13 or ihdr[9] != 3:
        return []
    plte = next((b for k, _s, _e, b in parsed if k == b"PLTE"), b"")
    trns = next((b for k, _s, _e, b in parsed if k == b"tRNS"), b"")
    entries = min(len(plte), 768) // 3
    maybe = [i for i in range(entries) if any(plte[3 * i:3 * i + 3]) or (i < len(trns) and trns[i])]
    used = _used_indices(parsed, name) if maybe else set()
    return [] if used is None else [i for i in maybe if i not in used]


def _chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


ICCP_NAME = b"ICC Profile"  # the name Pillow writes; the original one is free text ("Alice MacBook Pro")


def _canonical_iccp(body: bytes) -> bytes:
    """The iCCP chunk again with a fixed name and the canonical profile; empty when the profile is invalid."""
    profile, _note = icc_profile.kept_form(pngtext.inflate(body.partition(b"\x00")[2][1:]) or b"")
    return _chunk(COLOUR_PROFILE, ICCP_NAME + b"\x00\x00" + zlib.compress(profile, 9)) if profile else b""


def _blanked_chunk(kind: bytes, fields: bytes, entries: list[int]) -> bytes:
    """The PLTE or tRNS chunk again with these entries black (3 bytes each) or transparent (1 byte each)."""
    width = 3 if kind == b"PLTE" else 1
    out = bytearray(fields)
    for i in entries:
        out[i * width:(i + 1) * width] = bytes(len(out[i * width:(i + 1) * width]))
    return _chunk(kind, bytes(out))


def blank_unused_colours(data: bytes) -> bytes:
    """For a PNG the engine wrote: Pillow may pad its palette with colours no pixel uses."""
    parsed = list(chunks(data))
    spare = _unused_palette(parsed, "")
    if not spare:
        return data
    return SIGNATURE + b"".join(_blanked_chunk(kind, bytes(body), spare)
                                if kind in (b"PLTE", b"tRNS") else bytes(data[start:end])
                                for kind, start, end, body in parsed)


def clean(data: bytes, policy, name: str = "") -> bytes:
    label = name or "this file"
    out: list[bytes | memoryview] = [SIGNATURE]
    findings, view = [], memoryview(data)
    parsed = list(chunks(data, name))
    trim = _rendering_extra(parsed, label)  # rendering chunks cut to their fields: nothing hides in them
    spare = _unused_palette(parsed, name)
    for index, (kind, start, end, body) in enumerate(parsed):
        if spare and kind in (b"PLTE", b"tRNS") and trim.get(index, 1) is not None:
            fields = bytes(body[:trim[index]] if index in trim else body)
            out.append(_blanked_chunk(kind, fields, spare))
        elif index in trim:
            if trim[index] or (trim[index] == 0 and kind not in (b"IDAT", b"fdAT")):
                out.append(_chunk(kind, bytes(body[:trim[index]])))
        elif kind == COLOUR_PROFILE:
            out.append(_canonical_iccp(body) if policy.keep_icc else b"")
        elif kind in RENDERING:
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


def notes(data: bytes, name: str = "") -> list[str]:
    parsed = list(chunks(data, name))
    if len(parsed[0][3]) >= 13 and parsed[0][3][9] == 3 and _used_indices(parsed, name) is None:
        return ["the palette was not checked for colours no pixel uses: the picture could not be decoded"]
    return []
