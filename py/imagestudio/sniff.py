"""Format detection from magic bytes, never from the file name."""

from dataclasses import dataclass

from .errors import NotAnImage, UnsupportedFormat


@dataclass(frozen=True)
class Format:
    name: str          # short id used across the engine: "jpeg", "png", ...
    mime: str
    extension: str     # for output names
    supported: bool = True


JPEG = Format("jpeg", "image/jpeg", "jpg")
PNG = Format("png", "image/png", "png")
GIF = Format("gif", "image/gif", "gif")
WEBP = Format("webp", "image/webp", "webp")
TIFF = Format("tiff", "image/tiff", "tif")
BMP = Format("bmp", "image/bmp", "bmp")
HEIF = Format("heif", "image/heif", "heic")
AVIF = Format("avif", "image/avif", "avif")
JPEG2000 = Format("jpeg2000", "image/jp2", "jp2", supported=False)

FORMATS = {f.name: f for f in (JPEG, PNG, GIF, WEBP, TIFF, BMP, HEIF, AVIF, JPEG2000)}

# ISO base media brands (major, or compatible within the first 32 bytes) of still pictures.
AVIF_BRANDS = {b"avif", b"avis"}
HEIF_BRANDS = {b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"mif2", b"mif3", b"msf1", b"miaf",
               b"avci", b"avcs", b"j2ki", b"vvic", b"vvis", b"jpeg"}
GENERIC_BRANDS = {b"mif1", b"mif2", b"mif3", b"msf1", b"miaf"}


def _isobmff_brand(head: bytes) -> str | None:
    """'avif', 'heif' or None, from an 'ftyp' box's brands."""
    if head[4:8] != b"ftyp":
        return None
    major, compatible = head[8:12], [head[i:i + 4] for i in range(16, min(len(head), 32) - 3, 4)]
    if major in AVIF_BRANDS or (major in GENERIC_BRANDS and b"avif" in compatible and b"heic" not in compatible):
        return "avif"
    return "heif" if major in HEIF_BRANDS or HEIF_BRANDS.intersection(compatible) else None


# (prefix test, format) in order; each test looks only at the first bytes.
_SIGNATURES = (
    (lambda b: b[:3] == b"\xff\xd8\xff", JPEG),
    (lambda b: b[:8] == b"\x89PNG\r\n\x1a\n", PNG),
    (lambda b: b[:6] in (b"GIF87a", b"GIF89a"), GIF),
    (lambda b: b[:4] == b"RIFF" and b[8:12] == b"WEBP", WEBP),
    (lambda b: b[:4] in (b"II*\x00", b"MM\x00*"), TIFF),
    (lambda b: b[:2] == b"BM" and len(b) >= 26, BMP),
    (lambda b: _isobmff_brand(b) == "avif", AVIF),
    (lambda b: _isobmff_brand(b) == "heif", HEIF),
    (lambda b: b[:12] == b"\x00\x00\x00\x0cjP  \r\n\x87\n" or b[:4] == b"\xff\x4f\xff\x51", JPEG2000),
)


# Text formats people mistake for pictures: named so the refusal says what the file is. They are never shown
# or offered for download (the page makes thumbnails and downloads only with image types), since an SVG or
# HTML file opened on the site's origin would run its scripts there.
_MARKUP = (  # (marker in the first bytes, lower-cased; what the file is), first match wins
    (b"<svg", "an SVG drawing"),
    (b"<!doctype html", "a web page (HTML)"),
    (b"<html", "a web page (HTML)"),
    (b"<?xml", "an XML document"),
)


def markup_kind(data: bytes) -> str | None:
    """What kind of markup `data` is (SVG, HTML, XML or other tags), or None when it does not start like markup."""
    head = bytes(data[:1024]).lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if not head.startswith(b"<"):
        return None
    return next((kind for marker, kind in _MARKUP if marker in head), "a markup document (HTML or XML)")


def identify(data: bytes) -> Format | None:
    """The format whose signature `data` starts with (supported or not), or None."""
    head = bytes(data[:32])
    return next((fmt for test, fmt in _SIGNATURES if test(head)), None)


def recognise(data: bytes, name: str = "") -> Format:
    """The format of `data`, supported or not (a container may still inspect it); raise NotAnImage if none."""
    label = name or "this file"
    if not data:
        raise NotAnImage(f"{label}: the file is empty (0 bytes)")
    fmt = identify(data)
    kind = markup_kind(data) if fmt is None else None
    if kind:
        photos = ", ".join(f.name.upper() for f in FORMATS.values() if f.supported)
        raise NotAnImage(f"{label}: {kind}, not a photo (Image Studio reads {photos}); it is not shown or saved")
    if fmt is None:
        raise NotAnImage(f"{label}: not an image Image Studio can read (unrecognised file signature)")
    return fmt


def unsupported(fmt: Format, name: str = "") -> UnsupportedFormat:
    """The refusal for a format this engine cannot decode (or clean)."""
    return UnsupportedFormat(f"{name or 'this file'}: {fmt.name.upper()} images are not supported yet "
                             "(the browser build of Pillow cannot decode them); nothing was produced")


def sniff(data: bytes, name: str = "") -> Format:
    """Return the format of `data` or raise NotAnImage / UnsupportedFormat (Pillow cannot decode it)."""
    fmt = recognise(data, name)
    if not fmt.supported:
        raise unsupported(fmt, name)
    return fmt
