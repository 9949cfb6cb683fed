"""PNG text chunks (tEXt, zTXt, iTXt) -> Findings, including ImageMagick raw profiles and generator prompts."""

import binascii
import zlib

from ..report import Finding, iso_datetime, shorten

# Decompressed text is capped: a 1 KB zTXt must not become gigabytes.
INFLATE_MAX_BYTES = 8 * 1024 * 1024

# keyword (case-insensitive) -> (key, kind, label)
KEYWORDS = {
    "author": ("artist", "people", "Author"),
    "artist": ("artist", "people", "Artist"),
    "copyright": ("copyright", "people", "Copyright"),
    "creation time": ("datetime_original", "time", "Created"),
    "date:create": ("datetime_digitized", "time", "Created"),
    "date:modify": ("datetime", "time", "Modified"),
    "date:timestamp": ("datetime", "time", "Timestamp"),
    "software": ("software", "device", "Software"),
    "source": ("model", "device", "Source device"),
    "comment": ("comment", "text", "Comment"),
    "description": ("description", "text", "Description"),
    "title": ("title", "text", "Title"),
    "disclaimer": ("comment", "text", "Disclaimer"),
    "warning": ("comment", "text", "Warning"),
    # Image generators write their whole recipe: prompt, seed, model, sometimes file paths.
    "parameters": ("prompt", "text", "Image-generator prompt and settings"),
    "prompt": ("prompt", "text", "Image-generator prompt"),
    "workflow": ("prompt", "text", "Image-generator workflow"),
    "dream": ("prompt", "text", "Image-generator prompt"),
    "sd-metadata": ("prompt", "text", "Image-generator settings"),
    "invokeai_metadata": ("prompt", "text", "Image-generator settings"),
    "generation_data": ("prompt", "text", "Image-generator settings"),
}


def inflate(data: bytes) -> bytes | None:
    try:
        return zlib.decompressobj().decompress(data, INFLATE_MAX_BYTES)
    except zlib.error:
        return None


def decode(chunk_type: bytes, body: bytes) -> tuple[str, bytes | None]:
    """(keyword, text bytes) of one text chunk; text is None when it cannot be decoded."""
    raw_keyword, _, rest = body.partition(b"\x00")
    keyword = raw_keyword.decode("latin-1", "replace")
    if chunk_type == b"tEXt":
        return keyword, rest
    if chunk_type == b"zTXt":
        return keyword, inflate(rest[1:])
    # iTXt: compression flag, method, language\0, translated keyword\0, text
    if len(rest) < 2:
        return keyword, None
    flag, rest = rest[0], rest[2:]
    _lang, _, rest = rest.partition(b"\x00")
    _translated, _, text = rest.partition(b"\x00")
    return keyword, inflate(text) if flag else text


def _raw_profile(kind: str, text: bytes, where: str) -> list[Finding] | None:
    """ImageMagick 'Raw profile type X': '\\nX\\n   length\\nhex...'."""
    from . import exif, icc, iptc, xmp

    parts = text.split(None, 2)
    if len(parts) < 3:
        return None
    try:
        blob = binascii.unhexlify(b"".join(parts[2].split()))
    except (binascii.Error, ValueError):
        return None
    if kind in ("exif", "app1"):
        return exif.read(blob, where)
    if kind == "xmp":
        return xmp.read(blob, where)
    if kind == "iptc":
        return iptc.read_irb(blob, where) if blob.startswith(b"8BIM") else iptc.read_iim(blob, where)
    if kind == "8bim":
        return iptc.read_irb(blob, where)
    if kind in ("icc", "icm"):
        return icc.read(blob, where)
    return None


def read(chunk_type: bytes, body: bytes) -> list[Finding]:
    from . import xmp

    where = f"PNG {chunk_type.decode('latin-1')} chunk"
    keyword, text = decode(chunk_type, body)
    if text is None:
        return [Finding("text", "text_chunk", f"Text '{shorten(keyword, 40)}' (unreadable)", f"{len(body)} bytes",
                        where)]
    lower = keyword.lower()
    if lower == "xml:com.adobe.xmp":
        return xmp.read(text, where)
    if lower.startswith("raw profile type "):
        found = _raw_profile(lower[len("raw profile type "):], text, where)
        if found is not None:
            return found
    value = shorten(text.decode("utf-8", "replace")) or f"{len(text)} bytes"
    if lower in KEYWORDS:
        key, kind, label = KEYWORDS[lower]
        return [Finding(kind, key, label, value, where, None, iso_datetime(value) if kind == "time" else None)]
    if "gps" in lower:
        return [Finding("location", "gps_other", f"Location text '{shorten(keyword, 40)}'", value, where)]
    return [Finding("text", "text_chunk", f"Text '{shorten(keyword, 40)}'", value, where)]
