"""JPEG: lossless container surgery on markers; the entropy-coded data is copied untouched."""

import re
from dataclasses import dataclass

import piexif

from ..errors import CorruptImage
from ..readers import exif as exif_reader
from ..report import Finding

SOI, EOI, SOS = 0xD8, 0xD9, 0xDA
_STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
# Markers that decoding needs; everything else (APPn, COM, APP11 JUMBF ...) is metadata.
_STRUCTURAL = {*range(0xC0, 0xD0), 0xDB, 0xDD, 0xDC, SOS}
# Inside scan data a real marker is 0xFF followed by anything but 0x00 (stuffing), RSTn or 0xFF (fill).
_NEXT_MARKER = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")


@dataclass(frozen=True)
class Segment:
    marker: int
    start: int       # offset of the 0xFF
    end: int         # offset just past the segment (and past its scan data for SOS)
    payload: bytes   # bytes after the length field (empty for standalone markers)

    def app_id(self) -> bytes:
        return self.payload[:32]


def segments(data: bytes, name: str = "") -> tuple[list[Segment], int]:
    """Split a JPEG into segments up to EOI. Returns (segments, offset after EOI)."""
    label = name or "this file"
    if data[:2] != b"\xff\xd8":
        raise CorruptImage(f"{label}: JPEG does not start with a start-of-image marker")
    out = [Segment(SOI, 0, 2, b"")]
    pos, size = 2, len(data)
    while True:
        while pos < size and data[pos] == 0xFF and pos + 1 < size and data[pos + 1] == 0xFF:
            pos += 1  # fill bytes before a marker
        if pos + 2 > size:
            raise CorruptImage(f"{label}: JPEG is truncated (no end-of-image marker)")
        if data[pos] != 0xFF:
            raise CorruptImage(f"{label}: JPEG is corrupt (expected a marker at byte {pos})")
        marker = data[pos + 1]
        if marker == EOI:
            out.append(Segment(EOI, pos, pos + 2, b""))
            return out, pos + 2
        if marker in _STANDALONE:
            out.append(Segment(marker, pos, pos + 2, b""))
            pos += 2
            continue
        if pos + 4 > size:
            raise CorruptImage(f"{label}: JPEG is truncated inside a segment header")
        length = int.from_bytes(data[pos + 2:pos + 4], "big")
        end = pos + 2 + length
        if length < 2 or end > size:
            raise CorruptImage(f"{label}: JPEG segment at byte {pos} claims {length} bytes, past the end of the file")
        payload = data[pos + 4:end]
        if marker == SOS:
            found = _NEXT_MARKER.search(data, end)
            if not found:
                raise CorruptImage(f"{label}: JPEG is truncated (image data has no end-of-image marker)")
            end = found.start()
        out.append(Segment(marker, pos, end, payload))
        pos = end


def describe(seg: Segment) -> list[Finding]:
    """Findings for one metadata segment (an empty list for structural ones)."""
    m, p = seg.marker, seg.payload
    size = f"{len(p)} bytes"
    if m in _STRUCTURAL or m in (SOI, EOI) or m in _STANDALONE:
        return []
    if m == 0xE0 and p.startswith(b"JFIF\x00"):
        return []
    if m == 0xE1 and p.startswith(b"Exif\x00\x00"):
        return exif_reader.read(p, "EXIF (APP1)")
    if m == 0xE1 and p.startswith(b"http://ns.adobe.com/xap/1.0/\x00"):
        return [Finding("other", "xmp", "XMP metadata", size, "XMP (APP1)")]
    if m == 0xE2 and p.startswith(b"ICC_PROFILE\x00"):
        return [Finding("other", "icc_profile", "Colour profile", size, "ICC profile (APP2)")]
    if m == 0xE2 and p.startswith(b"MPF\x00"):
        return [Finding("hidden", "mpf", "Multi-picture index (extra images)", size, "MPF (APP2)")]
    if m == 0xED:
        return [Finding("people", "iptc", "IPTC / Photoshop data", size, "Photoshop IRB (APP13)")]
    if m == 0xEE and p.startswith(b"Adobe"):
        return []
    if m == 0xEB:
        return [Finding("other", "c2pa", "C2PA/JUMBF provenance", size, "APP11")]
    if m == 0xFE:
        text = p[:80].decode("utf-8", "replace").strip("\x00 ")
        return [Finding("text", "comment", "Comment", text or size, "JPEG comment (COM)")]
    return [Finding("other", f"app{m - 0xE0}" if 0xE0 <= m <= 0xEF else f"marker_{m:02x}",
                    f"APP{m - 0xE0} segment" if 0xE0 <= m <= 0xEF else f"Marker 0x{m:02X}", size,
                    f"JPEG marker 0xFF{m:02X}")]


def inspect(data: bytes, name: str = "") -> list[Finding]:
    segs, after = segments(data, name)
    found = [f for seg in segs for f in describe(seg)]
    trailing = len(data) - after
    if trailing > 0:
        found.append(Finding("hidden", "trailing_data", "Data after the end of the image",
                             f"{trailing} bytes", "after JPEG end-of-image marker"))
    return found


def orientation_of(segs: list[Segment]) -> int:
    for seg in segs:
        if seg.marker == 0xE1 and seg.payload.startswith(b"Exif\x00\x00"):
            for f in exif_reader.read(seg.payload):
                if f.key == "orientation" and f.value.isdigit():
                    return int(f.value)
    return 1


def minimal_exif(orientation: int) -> bytes:
    """An APP1 segment holding only the Orientation tag."""
    body = piexif.dump({"0th": {piexif.ImageIFD.Orientation: orientation}})
    return b"\xff\xe1" + (len(body) + 2).to_bytes(2, "big") + body


def _keep(seg: Segment, policy) -> bool:
    m, p = seg.marker, seg.payload
    if m in _STRUCTURAL or m in _STANDALONE or m in (SOI, EOI):
        return True
    if m == 0xE0:
        return p.startswith(b"JFIF\x00")  # JFXX extension thumbnails are dropped
    if m == 0xEE:
        return p.startswith(b"Adobe")    # tells the decoder the colour transform (CMYK/YCCK)
    if m == 0xE2 and p.startswith(b"ICC_PROFILE\x00"):
        return policy.keep_icc
    return False


def clean(data: bytes, policy, name: str = "") -> bytes:
    segs, _after = segments(data, name)
    kept = [data[seg.start:seg.end] for seg in segs if _keep(seg, policy)]
    orientation = orientation_of(segs) if policy.keep_orientation else 1
    if 2 <= orientation <= 8:
        # EXIF goes right after SOI and a JFIF APP0, where every reader looks for it.
        at = 2 if len(kept) > 1 and kept[1][:2] == b"\xff\xe0" else 1
        kept.insert(at, minimal_exif(orientation))
    return b"".join(kept)
