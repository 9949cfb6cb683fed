"""GIF: keep header, colour tables, frames, frame timing and the loop count; drop comments and other extensions."""

from .. import icc_profile
from . import gif_lzw
from ..errors import CorruptImage
from ..readers import icc, xmp
from ..report import Finding, shorten

LOSSLESS = True   # the compressed picture is copied byte for byte
CLEANABLE = True

IMAGE, EXTENSION, TRAILER = 0x2C, 0x21, 0x3B
GRAPHIC_CONTROL, COMMENT, PLAIN_TEXT, APPLICATION = 0xF9, 0xFE, 0x01, 0xFF
# Application extensions that only say how to play the animation: kept.
ANIMATION_APPS = (b"NETSCAPE2.0", b"ANIMEXTS1.0")
ICC_APP = b"ICCRGBG1012"  # kept when the policy keeps colour profiles
XMP_APP = b"XMP DataXMP"


def _colour_table(packed: int) -> int:
    return 3 * (2 << (packed & 7)) if packed & 0x80 else 0


def _sub_blocks(data: bytes, pos: int, label: str) -> int:
    """Offset just past a run of data sub-blocks (and its zero terminator)."""
    size = len(data)
    while pos < size:
        length = data[pos]
        pos += 1 + length
        if length == 0:
            return pos
    raise CorruptImage(f"{label}: GIF is truncated (image data runs past the end of the file)")


def blocks(data: bytes, name: str = "") -> tuple[list, int]:
    """([(kind, label byte or None, start, end)] after the header, offset just past the trailer)."""
    label = name or "this file"
    if len(data) < 13 or data[:6] not in (b"GIF87a", b"GIF89a"):
        raise CorruptImage(f"{label}: not a GIF header")
    pos = 13 + _colour_table(data[10])
    out: list[tuple[str, int | None, int, int]] = [("header", None, 0, pos)]
    while True:
        if pos >= len(data):
            raise CorruptImage(f"{label}: GIF is truncated (no trailer)")
        kind, start = data[pos], pos
        if kind == TRAILER:
            out.append(("trailer", None, pos, pos + 1))
            return out, pos + 1
        if kind == IMAGE:
            if pos + 11 > len(data):
                raise CorruptImage(f"{label}: GIF is truncated inside a frame header")
            pos = _sub_blocks(data, pos + 10 + _colour_table(data[pos + 9]) + 1, label)
            out.append(("image", None, start, pos))
        elif kind == EXTENSION and pos + 2 <= len(data):
            pos = _sub_blocks(data, pos + 2, label)
            out.append(("extension", data[start + 1], start, pos))
        else:
            raise CorruptImage(f"{label}: GIF is corrupt (unknown block 0x{kind:02X} at byte {pos})")


def _joined(data: bytes, start: int, end: int) -> bytes:
    """The data of a run of sub-blocks without their length bytes."""
    out, pos = [], start
    while pos < end and data[pos]:
        out.append(data[pos + 1:pos + 1 + data[pos]])
        pos += 1 + data[pos]
    return b"".join(out)


def _app_id(data: bytes, start: int) -> bytes:
    return bytes(data[start + 3:start + 14]) if data[start + 2] == 11 else b""


def _playback(data: bytes, label_byte: int, start: int, end: int) -> bytes | None:
    """The bytes a kept timing or loop extension needs, without anything after its fields (None: malformed).

    A graphic control extension is one 4-byte sub-block; NETSCAPE2.0/ANIMEXTS1.0 one 3-byte sub-block. More
    sub-blocks are room to hide anything, so a clean writes only these."""
    if label_byte == GRAPHIC_CONTROL:
        fields = bytes(data[start:start + 7])
        return fields + b"\x00" if len(fields) == 7 and fields[2] == 4 else None
    fields = bytes(data[start:start + 18])
    return fields + b"\x00" if len(fields) == 18 and fields[14] == 3 else None


def _extra(data: bytes, label_byte: int, start: int, end: int) -> list[Finding]:
    kept = _playback(data, label_byte, start, end)
    if kept is not None and len(kept) == end - start:
        return []
    what = "graphic control" if label_byte == GRAPHIC_CONTROL else "animation"
    return [Finding("hidden", "extra_data", f"Extra data inside a {what} extension",
                    f"{end - start - len(kept or b'')} bytes", "GIF extension")]


def _describe(data: bytes, label_byte: int, start: int, end: int) -> list[Finding]:
    if label_byte == GRAPHIC_CONTROL:
        return _extra(data, label_byte, start, end)
    if label_byte == COMMENT:
        text = _joined(data, start + 2, end).decode("utf-8", "replace").strip("\x00 ")
        return [Finding("text", "comment", "Comment", shorten(text) or "empty", "GIF comment extension")]
    if label_byte == PLAIN_TEXT:
        return [Finding("text", "plain_text", "Plain-text overlay", f"{end - start} bytes", "GIF plain-text extension")]
    if label_byte == APPLICATION:
        app = _app_id(data, start)
        where = f"GIF application extension {app.decode('latin-1', 'replace')!r}"
        if app in ANIMATION_APPS:
            return _extra(data, label_byte, start, end)
        if app == XMP_APP:  # XMP is stored raw, followed by a 258-byte "magic trailer"
            raw = bytes(data[start + 14:end])
            close = raw.find(b"?>", raw.rfind(b"<?xpacket end"))
            return xmp.read(raw[:close + 2] if close >= 0 else raw, where)
        if app == ICC_APP:
            return icc.read(_joined(data, start + 14, end), where)
        return [Finding("other", "application_extension", "Application data", f"{end - start} bytes", where)]
    return [Finding("other", "unknown_extension", f"Extension 0x{label_byte:02X}", f"{end - start} bytes",
                    "GIF extension")]


def inspect(data: bytes, name: str = "") -> list[Finding]:
    parts, end = blocks(data, name)
    found = [f for kind, lb, s, e in parts if kind == "extension" for f in _describe(data, lb, s, e)]
    scans = _scans(data, parts)
    extra = sum(stop - cut for cut, stop in _frame_data_ends(parts, scans).values())
    if extra:
        found.append(Finding("hidden", "extra_data", "Data after the end of a frame's picture data", f"{extra} bytes",
                             "GIF image data sub-blocks"))
    unused = sum(len(spare) for _at, spare in _unused_colours(data, parts, scans))
    if unused:
        found.append(Finding("hidden", "unused_colours", "Colours no pixel uses (a colour table can hold any data "
                             "there)", f"{unused} entries", "GIF colour table"))
    if end < len(data):
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image",
                             f"{len(data) - end} bytes", "after the GIF trailer"))
    return found


def _scans(data: bytes, parts: list) -> dict:
    """image block start -> gif_lzw.Scan of its data, for the frames within the first gif_lzw.MAX_WALK bytes."""
    out, walked = {}, 0
    for kind, _lb, s, e in parts:
        if kind != "image" or walked + (e - s) > gif_lzw.MAX_WALK:
            continue
        walked += e - s
        pixels = int.from_bytes(data[s + 5:s + 7], "little") * int.from_bytes(data[s + 7:s + 9], "little")
        out[s] = gif_lzw.scan(data, s + 10 + _colour_table(data[s + 9]), pixels)
    return out


def _frame_data_ends(parts: list, scans: dict) -> dict:
    """image block start -> (offset just past the sub-block with the end code, offset of the terminator), for the
    frames whose data goes on past their end code."""
    return {s: (scans[s].end, e - 1) for kind, _lb, s, e in parts
            if s in scans and scans[s].end is not None and scans[s].end < e - 1}


def _unused_colours(data: bytes, parts: list, scans: dict) -> list[tuple[int, list[int]]]:
    """[(offset of a colour table, its entries that no pixel uses and that are not black)]. A table is checked
    only when every frame drawing with it was walked; the background (global table) and each frame's
    transparent index count as used."""
    tables: dict[int, tuple[int, set | None]] = {}  # table offset -> (entries, indices used; None: unknown)
    if data[10] & 0x80:
        tables[13] = (_colour_table(data[10]) // 3, {data[11]})
    transparent = None
    for kind, lb, s, e in parts:
        if kind == "extension" and lb == GRAPHIC_CONTROL and e - s >= 7 and data[s + 3] & 1:
            transparent = data[s + 6]
        if kind != "image":
            continue
        at = s + 10 if data[s + 9] & 0x80 else 13
        if at != 13:
            tables[at] = (_colour_table(data[s + 9]) // 3, set())
        if at in tables:
            count, used = tables[at]
            tables[at] = (count, used | scans[s].used | {transparent} if used is not None and s in scans else None)
        transparent = None
    out = []
    for at, (count, used) in tables.items():
        spare = [i for i in range(count)
                 if used is not None and i not in used and any(data[at + 3 * i:at + 3 * i + 3])]
        if spare:
            out.append((at, spare))
    return out


def _keep(data: bytes, kind: str, label_byte, start: int, policy) -> bool:
    if kind != "extension" or label_byte == GRAPHIC_CONTROL:
        return True
    if label_byte == APPLICATION:
        app = _app_id(data, start)
        return app in ANIMATION_APPS or (app == ICC_APP and policy.keep_icc)
    return False


def _icc_extension(profile: bytes) -> bytes:
    """The colour profile extension again, holding the canonical profile (empty when the profile is invalid)."""
    canonical, _note = icc_profile.kept_form(profile)
    if canonical is None:
        return b""
    blocks = b"".join(bytes([len(canonical[i:i + 255])]) + canonical[i:i + 255] for i in range(0, len(canonical), 255))
    return bytes([EXTENSION, APPLICATION, 11]) + ICC_APP + blocks + b"\x00"


def _blanked(data: bytes, parts: list, scans: dict) -> bytearray:
    """The file with every colour no pixel uses made black in place: tables and pictures keep their sizes."""
    view = bytearray(data)
    for at, spare in _unused_colours(data, parts, scans):
        for index in spare:
            view[at + 3 * index:at + 3 * index + 3] = bytes(3)
    return view


def blank_unused_colours(data: bytes) -> bytes:
    """For a GIF the engine wrote: Pillow pads its colour tables with colours no pixel uses."""
    parts, _end = blocks(data)
    return bytes(_blanked(data, parts, _scans(data, parts)))


def clean(data: bytes, policy, name: str = "") -> bytes:
    parts, _end = blocks(data, name)
    scans = _scans(data, parts)
    cuts = _frame_data_ends(parts, scans)
    view = _blanked(data, parts, scans)
    out: list[bytes | bytearray] = []
    for kind, lb, s, e in parts:
        if not _keep(data, kind, lb, s, policy):
            continue
        if kind == "extension" and (lb == GRAPHIC_CONTROL or _app_id(data, s) in ANIMATION_APPS):
            out.append(_playback(data, lb, s, e) or b"")  # only the fields; a malformed one is dropped
        elif kind == "extension" and lb == APPLICATION and _app_id(data, s) == ICC_APP:
            out.append(_icc_extension(_joined(data, s + 14, e)))
        elif s in cuts:  # the frame's data up to the sub-block with its end code, then the terminator
            out.append(view[s:cuts[s][0]])
            out.append(b"\x00")
        else:
            out.append(view[s:e])
    return b"".join(out)


def notes(data: bytes, name: str = "") -> list[str]:
    """Facts about the file that are not metadata but the user should know."""
    parts, _end = blocks(data, name)
    if sum(e - s for kind, _lb, s, e in parts if kind == "image") > gif_lzw.MAX_WALK:
        return [f"only the first {gif_lzw.MAX_WALK >> 20} MB of picture data were checked for data hidden after "
                "a frame's end or in unused colours"]
    return []
