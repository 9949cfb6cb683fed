"""HEIC/AVIF pixels for the recipes that need them (resize, crop, convert). The container work (clean, report) never
decodes; this module is only reached when pixels are asked for.

Natively the decoder is pillow-heif (libheif). In the browser the page decodes: the first time Python asks, it
raises NeedsDecoder naming the decoder to use (libheif in WebAssembly for HEIC, the browser's own for AVIF);
the worker (app/worker.js) loads app/heif-decoder.js, decodes the file, leaves the picture in the JS module
`imagestudio_heif` and runs the job again, and this module takes it. Either way the picture comes back upright
(libheif and browsers apply 'irot'/'imir'); libheif's pixels are in the file's colour space, so its profile
(Display P3 on iPhones) goes with them, the browser's are already sRGB.
"""

import io
import sys

from PIL import Image

from .containers.heif import MAX_DEPTH, item_size, parse, property_at
from .errors import CorruptImage, NeedsDecoder, UnsupportedFormat

INSTALL_HINT = "install pillow-heif (pip install pillow-heif==0.22.0) to convert HEIC/AVIF here"


def open_image(data: bytes, name: str = "") -> Image.Image:
    """The primary picture, upright, as a Pillow image (icc_profile in .info when its pixels need it)."""
    label = name or "this file"
    if sys.platform == "emscripten":
        return _from_page(data, label)
    try:
        import pillow_heif  # type: ignore[import-untyped]
    except ImportError:
        raise UnsupportedFormat(f"{label}: HEIC/AVIF pixels need a decoder: {INSTALL_HINT} "
                                "(a lossless clean works without it)") from None
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        image = heif.to_pillow()
    except (ValueError, RuntimeError, SyntaxError, OSError, IndexError) as err:
        raise CorruptImage(f"{label}: the picture cannot be decoded ({err})") from None
    image.info.pop("exif", None)  # the container's metadata is the clean's business, not the pixels'
    image.info.pop("xmp", None)
    return image


def _from_page(data: bytes, label: str) -> Image.Image:
    try:
        # the worker's module (app/worker.js), registered once the decoder is needed
        import imagestudio_heif  # type: ignore[import-not-found]
        picture = imagestudio_heif.take()
    except ImportError:
        picture = None
    if picture is None:
        decoder = "browser" if picture_codec(data, label) == b"av01" else "libheif"
        raise NeedsDecoder(f"{label}: HEIC/AVIF pixels need the page's decoder", decoder)
    if getattr(picture, "error", None):
        raise CorruptImage(f"{label}: the picture cannot be decoded ({picture.error})")
    width, height = int(picture.width), int(picture.height)
    pixels = picture.data.to_bytes()
    if width * height * 4 != len(pixels):
        raise CorruptImage(f"{label}: the decoder returned {len(pixels)} bytes for {width}x{height} pixels")
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    profile = picture_icc(data, label) if picture.colour == "stored" else None
    if profile:
        image.info["icc_profile"] = profile
    return image


def picture_size(data: bytes, name: str = "") -> tuple[int, int]:
    """The primary picture's stored width and height ('ispe'), known before decoding."""
    parsed = parse(data, name)
    size = item_size(data, parsed.meta, parsed.meta.primary or 0)
    if not size:
        raise CorruptImage(f"{name or 'this file'}: the picture's size is not recorded ('ispe' missing)")
    width, height = size.split("×")
    return int(width), int(height)


def picture_codec(data: bytes, name: str = "") -> bytes:
    """The item type of the primary picture's coded data ('hvc1', 'av01' ...; a grid's is its tiles')."""
    parsed = parse(data, name)
    item_id, parts = parsed.meta.primary or 0, {s: t for kind, s, t in parsed.meta.refs if kind == b"dimg"}
    for _ in range(MAX_DEPTH):
        if parsed.meta.items[item_id].type not in (b"grid", b"iovl", b"iden") or not parts.get(item_id):
            break
        item_id = parts[item_id][0]
    return parsed.meta.items[item_id].type


def picture_icc(data: bytes, name: str = "") -> bytes | None:
    """The primary picture's ICC profile ('colr' of type prof/rICC), if it has one."""
    parsed = parse(data, name)
    for _essential, index in parsed.meta.assoc.get(parsed.meta.primary or 0, []):
        prop = property_at(parsed.meta, index) if index else None
        if prop and prop.kind == b"colr" and bytes(data[prop.start:prop.start + 4]) in (b"prof", b"rICC"):
            return bytes(data[prop.start + 4:prop.end])
    return None


def pixel_notes(data: bytes, name: str = "") -> list[str]:
    """What a conversion to pixels leaves behind (said in the report of process)."""
    parsed = parse(data, name)
    if "HDR gain map" in parsed.kept.values():
        return ["HDR gain map dropped: the picture was converted in standard dynamic range"]
    return []
