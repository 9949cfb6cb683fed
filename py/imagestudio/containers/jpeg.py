"""JPEG: lossless container surgery on markers; the entropy-coded data is copied untouched."""

import re
from dataclasses import dataclass

from .. import icc_profile
from ..errors import CorruptImage
from ..policy import CleanPolicy
from ..report import Finding, damaged, jpeg_preview
from . import jpeg_tables, kept
from .jpeg_markers import APP0, APP1, APP2, COM, EOI, EXIF_ID, GATHERED, ICC_ID, SOI, SOS, STANDALONE, Segment, rule

LOSSLESS = True   # the compressed picture is copied byte for byte
CLEANABLE = True

# After a scan, only these can start the next segment; any other 0xFF xx is corrupt entropy data.
_NEXT_MARKER = re.compile(rb"\xff[\xc0-\xcf\xd8-\xef\xfe]")
# Inside entropy-coded data 0xFF is followed only by 0x00 (stuffing), RST0-7 or 0xFF (fill): any other pair is a
# marker, and the scan's data ends there.
_SCAN_END = re.compile(rb"\xff[^\x00\xd0-\xd7\xff]")


@dataclass(frozen=True)
class Parsed:
    segments: list
    end: int          # offset just past EOI (or len(data) when the image data is truncated)
    truncated: bool   # the image data stops before an end-of-image marker
    missing_eoi: bool = False  # the picture ended at a marker that is not EOI; what follows is not the picture


def _segment_fits(data: bytes, pos: int) -> bool:
    """Is there a plausible marker segment at pos (used to tell real markers from corrupt scan bytes)?"""
    if data[pos + 1] == EOI:
        return True
    if pos + 4 > len(data):
        return False
    end = pos + 2 + int.from_bytes(data[pos + 2:pos + 4], "big")
    # A segment that ends exactly at the end of the file is not enough: scan bytes can line up with it by chance
    # (then a clean that drops trailing data re-parses differently). The file is then read as truncated.
    # The segment must be followed by another marker (0xFF then anything but a stuffed 0x00).
    return end < len(data) and data[end] == 0xFF and (end + 1 == len(data) or data[end + 1] != 0x00)


def _resync_end(data: bytes, start: int) -> int | None:
    """The next marker that plausibly starts a segment (or EOI) at or after `start`, skipping stray ones."""
    found = _NEXT_MARKER.search(data, start)
    while found and not _segment_fits(data, found.start()):
        found = _NEXT_MARKER.search(data, found.start() + 1)
    return found.start() if found else None


def _next_segment_fits(data: bytes, pos: int) -> bool:
    """Does the marker at pos start a segment that may follow a scan (another scan's header included)?"""
    marker = data[pos + 1]
    if marker == SOS:
        return pos + 5 <= len(data) and int.from_bytes(data[pos + 2:pos + 4], "big") == 6 + 2 * data[pos + 4]
    return bool(_NEXT_MARKER.match(data, pos)) and _segment_fits(data, pos)


def _scan_end(data: bytes, start: int, restarts: bool, label: str) -> tuple[int | None, bool]:
    """(offset of the marker that ends the entropy-coded data starting at `start`, whether the picture ends there
    without an end-of-image marker); (None, False) when the file ends inside the data (a truncated download).

    The data ends at its first marker. When that is a new SOI, or a stray marker, the picture stopped there and
    what follows is trailing data: decoders read nothing past it. Two exceptions: with restart intervals a decoder
    resyncs at the next restart marker (the bytes are damaged picture data), and a later scan header means the
    picture may go on, so where it ends cannot be told and the file is refused.
    """
    found = _SCAN_END.search(data, start)
    if found is None:
        return None, False
    pos = found.start()
    if data[pos + 1] != SOI and _next_segment_fits(data, pos):
        return pos, False
    if data[pos + 1] != SOI and restarts:
        later = _resync_end(data, pos + 1)
        return (later, False) if later is not None else (pos, True)
    scan = data.find(b"\xff\xda", pos + 2)
    while scan >= 0 and not _next_segment_fits(data, scan):
        scan = data.find(b"\xff\xda", scan + 2)
    if scan >= 0 and data.rfind(b"\xff\xd8", pos, scan) < 0:  # another scan, not inside a second picture
        raise CorruptImage(f"{label}: JPEG picture data is interrupted at byte {pos} by bytes that are not picture "
                           f"data, and another scan of it follows at byte {scan}; where the picture really ends "
                           "cannot be told, so it was not cleaned")
    return pos, True


# inspect, clean, notes and verification of one file alternate between the same two byte strings, the input
# and the cleaned output: keep the last two parses (bytes are immutable, and the identity check means a
# different object is never mistaken for one of them). One slot made every clean parse each file twice.
_recent_parses: list = []
_RECENT = 2


def parse(data: bytes, name: str = "") -> Parsed:
    """Split a JPEG into segments up to EOI."""
    if type(data) is not bytes:
        return _parse(data, name)
    for seen, parsed in _recent_parses:
        if seen is data:
            return parsed
    parsed = _parse(data, name)
    _recent_parses.insert(0, (data, parsed))
    del _recent_parses[_RECENT:]
    return parsed


def _parse(data: bytes, name: str) -> Parsed:
    label = name or "this file"
    if data[:2] != b"\xff\xd8":
        raise CorruptImage(f"{label}: JPEG does not start with a start-of-image marker")
    out = [Segment(SOI, 0, 2, b"")]
    try:
        return _segments_after_soi(data, label, out)
    except CorruptImage as err:
        err.partial = out  # what was read before the damage: inspect still reports it
        raise


def _segments_after_soi(data: bytes, label: str, out: list) -> Parsed:
    pos, size, restarts = 2, len(data), False
    while True:
        while pos + 1 < size and data[pos] == 0xFF and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 2 > size:
            raise CorruptImage(f"{label}: JPEG is truncated before its image data")
        if data[pos] != 0xFF:
            raise CorruptImage(f"{label}: JPEG is damaged: a new segment should start at byte {pos}, but the bytes "
                               "there are not a JPEG marker")
        marker = data[pos + 1]
        if marker == 0x00:
            raise CorruptImage(f"{label}: JPEG is corrupt (a stuffed 0xFF00 where a marker belongs, at byte {pos})")
        if marker == EOI:
            out.append(Segment(EOI, pos, pos + 2, b""))
            return Parsed(out, pos + 2, False)
        if marker in STANDALONE:
            out.append(Segment(marker, pos, pos + 2, b""))
            pos += 2
            continue
        if pos + 4 > size:
            raise CorruptImage(f"{label}: JPEG is truncated inside a segment header at byte {pos}")
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > size:
            raise CorruptImage(f"{label}: JPEG is damaged: {_segment_words(marker)} at byte {pos} says it is "
                               f"{length} bytes long, but the file ends {size - pos} bytes after it starts "
                               "(the file is probably cut short)")
        payload = data[pos + 4:end]
        restarts = restarts or (marker == 0xDD and payload[:2] != b"\x00\x00")  # DRI: restart markers in use
        if marker == SOS:
            scan_end, ended = _scan_end(data, end, restarts, label)
            if scan_end is None:  # truncated download: keep the partial image data as it is
                out.append(Segment(marker, pos, size, payload))
                return Parsed(out, size, True)
            if ended:  # no end-of-image marker: the picture stops here, the rest is trailing data
                out.append(Segment(marker, pos, scan_end, payload))
                return Parsed(out, scan_end, False, missing_eoi=True)
            end = scan_end
        out.append(Segment(marker, pos, end, payload))
        pos = end


def _segment_words(marker: int) -> str:
    """A marker named for a person reading an error."""
    if marker == SOI:
        return "a second start-of-image marker"
    if 0xE0 <= marker <= 0xEF:
        return f"the APP{marker - 0xE0} segment (metadata)"
    words = {0xDB: "quantisation table", 0xC4: "Huffman table", SOS: "scan header", COM: "comment",
             0xDD: "restart interval"}.get(marker, "frame header" if 0xC0 <= marker <= 0xCF else None)
    return f"the {words} segment" if words else f"the segment with marker 0xFF{marker:02X}"


def segments(data: bytes, name: str = "") -> tuple[list[Segment], int]:
    parsed = parse(data, name)
    return parsed.segments, parsed.end


def _trailing(rest: bytes) -> list[Finding]:
    if not rest.strip(b"\x00"):
        return [Finding("hidden", "trailing_data", "Data after the end of the image", f"{len(rest)} bytes",
                        "after JPEG end-of-image")]
    findings = []
    first = rest.find(b"\xff\xd8\xff")
    if first >= 0:
        count = rest.count(b"\xff\xd8\xff")
        findings.append(Finding("hidden", "extra_image", "Hidden picture(s) after the image (preview, depth map, "
                                "second view or gain map)", f"{count} embedded JPEG(s), {len(rest)} bytes",
                                "after JPEG end-of-image", jpeg_preview(rest[first:])))
    if re.search(rb"ftyp(mp4|isom|qt  |heic|mif1)", rest[:1 << 20]):
        findings.append(Finding("hidden", "motion_video", "Video clip (motion photo)", f"{len(rest)} bytes",
                                "after JPEG end-of-image"))
    if not findings:
        findings.append(Finding("hidden", "trailing_data", "Data after the end of the image (may be a leftover of "
                                "an uncropped original)", f"{len(rest)} bytes", "after JPEG end-of-image"))
    return findings


def inspect(data: bytes, name: str = "") -> list[Finding]:
    try:
        parsed = parse(data, name)
    except CorruptImage as err:
        # A damaged file cannot be cleaned, but what it reveals before the damage is still worth showing.
        found = _findings(Parsed(err.partial, len(data), True), data)
        if not found:
            raise
        return [*found, damaged(err.message)]
    return _findings(parsed, data)


def _findings(parsed: Parsed, data: bytes) -> list[Finding]:
    found: list[Finding] = []
    gathered: dict[str, list[bytes]] = {}
    for seg in parsed.segments:
        seg_rule = rule(seg.marker, seg.payload)
        if seg_rule.gather:
            gathered.setdefault(seg_rule.gather, []).append(seg.payload)
        else:
            found += seg_rule.reveals(seg)
    for kind, read in GATHERED.items():
        if kind in gathered:
            found += read(gathered[kind])
    found += jpeg_tables.rewrites(parsed.segments).findings
    if parsed.end < len(data):
        found += _trailing(data[parsed.end:])
    return found


def notes(data: bytes, name: str = "") -> list[str]:
    """Facts about the file that are not metadata but the user should know."""
    parsed = parse(data, name)
    if parsed.truncated:
        return ["the image data is incomplete (file truncated); it was cleaned as it is"]
    if parsed.missing_eoi:
        return [f"the JPEG had no end-of-image marker: its picture data ends at byte {parsed.end}, where the clean "
                "adds one; what followed was removed"]
    return []


def clean(data: bytes, policy: CleanPolicy, name: str = "") -> bytes:
    """Lossless clean, repeated until the output reads the same way: dropping segments can turn bytes the first
    parse took for (corrupt) scan data into a real-looking segment, e.g. an EXIF APP1 (found by fuzz/run.py)."""
    out = data
    for _ in range(5):
        pieces = _kept_pieces(out, policy, name)
        if out is not data and _rebuilds(pieces, out):
            return out
        view = memoryview(out)
        out = b"".join(view[p.start:p.end] if isinstance(p, Segment) else p for p in pieces)
    raise CorruptImage(f"{name or 'this file'}: JPEG structure changes each time it is read; it cannot be cleaned "
                       "safely")


def _rebuilds(pieces: list, data: bytes) -> bool:
    """Would cleaning `data` again give `data` byte for byte? Checked without building the copy: a segment kept
    as it is at its own offset is equal by position; anything else is compared."""
    pos = 0
    for piece in pieces:
        if isinstance(piece, Segment):
            size = piece.end - piece.start
            if piece.start != pos and data[pos:pos + size] != data[piece.start:piece.end]:
                return False
        else:
            size = len(piece)
            if data[pos:pos + size] != piece:
                return False
        pos += size
    return pos == len(data)


def _kept_pieces(data: bytes, policy: CleanPolicy, name: str = "") -> list:
    """What one clean pass writes, in order: Segments copied as they are, or bytes."""
    parsed = parse(data, name)
    last = parsed.segments[-1]
    if parsed.truncated and last.end - last.start - len(last.payload) - 4 < 2:
        raise CorruptImage(f"{name or 'this file'}: JPEG is truncated: the file ends where its image data should "
                           "begin, so there is no picture to keep")
    tables = jpeg_tables.rewrites(parsed.segments).payloads
    out = [k for k in (rule(s.marker, s.payload).keep(s, policy) if i not in tables else _rewritten(s.marker, tables[i])
                       for i, s in enumerate(parsed.segments)) if k is not None]
    if parsed.missing_eoi:
        out.append(b"\xff\xd9")
    if policy.keep_icc:
        at = next((i for i, k in enumerate(out) if isinstance(k, Segment) and k.marker not in (SOI, APP0, APP1)), 1)
        out[at:at] = _icc_segments(parsed.segments)
    first_exif = next((s.payload for s in parsed.segments if s.marker == APP1 and s.payload.startswith(EXIF_ID)), b"")
    if policy.keep_copyright:  # the notice may sit in XMP or IPTC only: read the whole report (opt-in, rare)
        body = kept.minimal_exif(_findings(parsed, data), policy)
    else:
        body = kept.minimal_exif_from(first_exif, policy)
    if body:
        segment = EXIF_ID + body
        # EXIF goes right after SOI and a JFIF APP0, where every reader looks for it.
        at = 2 if len(out) > 1 and _is_app0(out[1]) else 1
        out.insert(at, b"\xff\xe1" + (len(segment) + 2).to_bytes(2, "big") + segment)
    return out


ICC_CHUNK = 65519  # the most profile bytes one APP2 segment holds after its 14-byte header


def _icc_segments(segments: list) -> list:
    """The file's colour profile in its canonical form, as APP2 segments (none when absent or invalid)."""
    chunks = sorted((s.payload for s in segments if s.marker == APP2 and s.payload.startswith(ICC_ID)),
                    key=lambda c: c[12:13])
    if not chunks:
        return []
    profile, _note = icc_profile.kept_form(b"".join(c[14:] for c in chunks))
    if profile is None:
        return []
    pieces = [profile[i:i + ICC_CHUNK] for i in range(0, len(profile), ICC_CHUNK)]
    return [b"\xff\xe2" + (len(piece) + 16).to_bytes(2, "big") + ICC_ID + bytes([n + 1, len(pieces)]) + piece
            for n, piece in enumerate(pieces)]


def _rewritten(marker: int, payload: bytes | None) -> bytes | None:
    """A table or header segment holding only what the picture uses (None: nothing is used, drop it)."""
    return None if payload is None else bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _is_app0(piece) -> bool:
    return piece.marker == APP0 if isinstance(piece, Segment) else piece[:2] == b"\xff\xe0"
