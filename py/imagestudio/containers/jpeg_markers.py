"""JPEG markers as one table: (marker, payload prefix) -> what the segment reveals and what a clean keeps of it.

jpeg.py splits a file into Segments and asks rule() about each one; nothing else decides about a marker.
"""

from collections.abc import Callable
from typing import NamedTuple

from ..policy import CleanPolicy
from ..readers import exif as exif_reader
from ..readers import icc, iptc, xmp
from ..report import Finding, jpeg_preview, shorten

SOI, EOI, SOS, APP0, APP1, APP2, APP11, APP13, APP14, COM = 0xD8, 0xD9, 0xDA, 0xE0, 0xE1, 0xE2, 0xEB, 0xED, 0xEE, 0xFE
DNL, DRI = 0xDC, 0xDD
STANDALONE = {0x01, *range(0xD0, 0xD8)}  # TEM and RSTn carry no length
# Markers that decoding needs (SOFn, DHT, DAC, DQT, DNL, DRI, SOS): always kept. JPG (0xC8), DHP and EXP
# (hierarchical mode, which no browser decodes) are not: kept whole they could carry anything, so they are
# reported as unknown markers and dropped.
STRUCTURAL = {*range(0xC0, 0xD0), 0xDB, DNL, DRI, SOS} - {0xC8}
FIELD_SIZES = {DNL: 2, DRI: 2}  # DNL and DRI payloads; longer ones hide data after their fields
JFIF_ID, JFXX_ID, ADOBE_ID = b"JFIF\x00", b"JFXX\x00", b"Adobe"
JFIF_HEADER, ADOBE_HEADER = 14, 12  # payload bytes of those headers' fields; anything longer hides data
EXIF_ID = b"Exif\x00\x00"
XMP_ID = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_ID = b"http://ns.adobe.com/xmp/extension/\x00"
ICC_ID = b"ICC_PROFILE\x00"
MPF_ID = b"MPF\x00"
PHOTOSHOP_ID = b"Photoshop 3.0\x00"


class Segment(NamedTuple):  # a tuple, not a frozen dataclass: a clean makes thousands and those are 3x slower
    marker: int
    start: int       # offset of the 0xFF
    end: int         # offset just past the segment (and past its scan data for SOS)
    payload: bytes   # bytes after the length field (empty for standalone markers)


Kept = Segment | bytes | None  # copied as it is, these bytes written instead, or dropped


class Rule(NamedTuple):
    reveals: Callable[[Segment], list[Finding]]   # findings of this one segment
    keep: Callable[[Segment, CleanPolicy], Kept]  # what a clean writes for it
    gather: str | None = None  # read together with the other pieces of its kind (GATHERED), not alone


# --- what a segment reveals -------------------------------------------------------------------------------------

def _nothing(seg: Segment) -> list[Finding]:
    return []


def _jfif_thumbnail(payload: bytes) -> int:
    """Bytes of the uncompressed thumbnail inside a JFIF APP0 (0 when none)."""
    if len(payload) < 14:
        return 0
    return 3 * payload[12] * payload[13]


def _jfif(seg: Segment) -> list[Finding]:
    p = seg.payload
    thumb = _jfif_thumbnail(p)
    if thumb:
        return [Finding("hidden", "thumbnail", "JFIF thumbnail picture", f"{thumb} bytes", "JFIF (APP0)")]
    if len(p) > JFIF_HEADER:  # bytes after the header fields: room to hide anything
        return [Finding("hidden", "extra_data", "Extra data inside the JFIF header", f"{len(p) - JFIF_HEADER} bytes",
                        "JFIF (APP0)")]
    return []


def _jfxx(seg: Segment) -> list[Finding]:
    p = seg.payload
    return [Finding("hidden", "thumbnail", "JFIF extension thumbnail picture", f"{len(p)} bytes", "JFXX (APP0)",
                    jpeg_preview(p[6:]) if p[5:6] == b"\x10" else None)]


def _exif(seg: Segment) -> list[Finding]:
    return exif_reader.read(seg.payload, "EXIF (APP1)")


def _xmp(seg: Segment) -> list[Finding]:
    return xmp.read(seg.payload[len(XMP_ID):], "XMP (APP1)")


def _mpf_images(payload: bytes) -> str:
    from PIL import Image
    info = Image.Exif()
    try:
        info.load(payload[len(MPF_ID):])
        return f"{int(info.get(0xB001))} images"
    except Exception:  # noqa: BLE001 - an unreadable index is still reported
        return f"{len(payload)} bytes"


def _mpf(seg: Segment) -> list[Finding]:
    return [Finding("hidden", "mpf", "Multi-picture index (extra pictures in this file)", _mpf_images(seg.payload),
                    "MPF (APP2)")]


def _adobe(seg: Segment) -> list[Finding]:
    p = seg.payload
    if len(p) > ADOBE_HEADER:
        return [Finding("hidden", "extra_data", "Extra data inside the Adobe header",
                        f"{len(p) - ADOBE_HEADER} bytes", "Adobe (APP14)")]
    return []


def _comment(seg: Segment) -> list[Finding]:
    text = seg.payload.decode("utf-8", "replace").strip("\x00 ")
    return [Finding("text", "comment", "Comment", shorten(text) or f"{len(seg.payload)} bytes", "JPEG comment (COM)")]


def _field_extra(seg: Segment) -> list[Finding]:
    m, p = seg.marker, seg.payload
    if len(p) > FIELD_SIZES[m]:
        return [Finding("hidden", "extra_data", f"Extra data inside marker 0xFF{m:02X}",
                        f"{len(p) - FIELD_SIZES[m]} bytes", f"JPEG marker 0xFF{m:02X}")]
    return []


def _unknown_app(seg: Segment) -> list[Finding]:
    m, p = seg.marker, seg.payload
    ident = p[:16].split(b"\x00")[0].decode("latin-1", "replace")
    ident = "".join(c for c in ident if c.isprintable())
    return [Finding("other", f"app{m - 0xE0}", f"APP{m - 0xE0} segment" + (f" ({ident})" if ident else ""),
                    f"{len(p)} bytes", f"JPEG APP{m - 0xE0}")]


def _unknown_marker(seg: Segment) -> list[Finding]:
    m = seg.marker
    return [Finding("other", f"marker_{m:02x}", f"Unknown marker 0xFF{m:02X}", f"{len(seg.payload)} bytes",
                    f"JPEG marker 0xFF{m:02X}")]


# Segments whose meaning needs their siblings: read once every piece is in, in this order.
def _icc_profile(payloads: list[bytes]) -> list[Finding]:
    profile = b"".join(c[14:] for c in sorted(payloads, key=lambda c: c[12:13]))
    where = "ICC profile (APP2)" if len(payloads) == 1 else f"ICC profile ({len(payloads)} APP2 segments)"
    return icc.read(profile, where)


def _extended_xmp(payloads: list[bytes]) -> list[Finding]:
    # Extended XMP: GUID (32) + full length (4) + offset (4) + a piece of one packet.
    pieces = sorted(payloads, key=lambda p: int.from_bytes(p[len(XMP_EXT_ID) + 36:len(XMP_EXT_ID) + 40], "big"))
    return xmp.read(b"".join(p[len(XMP_EXT_ID) + 40:] for p in pieces), "Extended XMP (APP1)")


def _photoshop(payloads: list[bytes]) -> list[Finding]:
    return iptc.read_irb(b"".join(p[len(PHOTOSHOP_ID):] for p in payloads), "Photoshop (APP13)")


def _c2pa(payloads: list[bytes]) -> list[Finding]:
    size = sum(len(p) for p in payloads)
    if not size:
        return []
    return [Finding("other", "c2pa", "C2PA / JUMBF provenance (edit history, may name people and tools)",
                    f"{size} bytes", "JUMBF (APP11)")]


GATHERED: dict[str, Callable[[list[bytes]], list[Finding]]] = {
    "icc": _icc_profile, "xmp_ext": _extended_xmp, "irb": _photoshop, "c2pa": _c2pa,
}


# --- what a clean keeps -----------------------------------------------------------------------------------------

def _copy(seg: Segment, policy: CleanPolicy) -> Kept:
    return seg


def _drop(seg: Segment, policy: CleanPolicy) -> Kept:
    return None


def _jfif_kept(seg: Segment, policy: CleanPolicy) -> Kept:
    p = seg.payload
    if _jfif_thumbnail(p) or len(p) > JFIF_HEADER:  # keep the JFIF header fields, drop thumbnail and extra bytes
        return b"\xff\xe0\x00\x10" + p[:12] + b"\x00\x00"
    return seg


def _adobe_kept(seg: Segment, policy: CleanPolicy) -> Kept:
    if len(seg.payload) > ADOBE_HEADER:  # the 12 bytes decoders read (colour transform), nothing after
        return b"\xff\xee\x00\x0e" + seg.payload[:ADOBE_HEADER]
    return seg


def _fields_kept(seg: Segment, policy: CleanPolicy) -> Kept:
    m, p = seg.marker, seg.payload
    if len(p) > FIELD_SIZES[m]:
        return bytes([0xFF, m]) + (FIELD_SIZES[m] + 2).to_bytes(2, "big") + p[:FIELD_SIZES[m]]
    return seg


DECODING = Rule(_nothing, _copy)
UNKNOWN_APP = Rule(_unknown_app, _drop)
UNKNOWN_MARKER = Rule(_unknown_marker, _drop)

# (marker, payload prefix) -> rule; b"" matches any payload. Markers not listed: UNKNOWN_APP or UNKNOWN_MARKER.
SEGMENTS: dict[tuple[int, bytes], Rule] = {
    **{(m, b""): DECODING for m in sorted(STRUCTURAL | STANDALONE | {SOI, EOI})},
    (DNL, b""): Rule(_field_extra, _fields_kept),
    (DRI, b""): Rule(_field_extra, _fields_kept),
    (APP0, JFIF_ID): Rule(_jfif, _jfif_kept),
    (APP0, JFXX_ID): Rule(_jfxx, _drop),
    (APP1, EXIF_ID): Rule(_exif, _drop),
    (APP1, XMP_ID): Rule(_xmp, _drop),
    (APP1, XMP_EXT_ID): Rule(_nothing, _drop, gather="xmp_ext"),
    (APP2, ICC_ID): Rule(_nothing, _drop, gather="icc"),  # kept: jpeg._kept_pieces writes its canonical form
    (APP2, MPF_ID): Rule(_mpf, _drop),
    (APP11, b""): Rule(_nothing, _drop, gather="c2pa"),
    (APP13, PHOTOSHOP_ID): Rule(_nothing, _drop, gather="irb"),
    (APP14, ADOBE_ID): Rule(_adobe, _adobe_kept),
    (COM, b""): Rule(_comment, _drop),
}
_BY_MARKER: dict[int, list[tuple[bytes, Rule]]] = {}
for (_marker, _prefix), _rule in SEGMENTS.items():
    _BY_MARKER.setdefault(_marker, []).append((_prefix, _rule))


def rule(marker: int, payload: bytes) -> Rule:
    for prefix, found in _BY_MARKER.get(marker, ()):
        if payload.startswith(prefix):
            return found
    return UNKNOWN_APP if 0xE0 <= marker <= 0xEF else UNKNOWN_MARKER
