"""HEIC/AVIF pixels for the recipes that need them (resize, crop, convert). The container work (clean, report) never
decodes; this module is only reached when pixels are asked for.

Natively the decoder is pillow-heif (libheif); in the browser it is the page's own decoder, which the worker
registers as the JS module `imagestudio_heif` before handing such a file to Python: its decode(bytes) returns
{width, height, data} with upright RGBA pixels. Either way the picture comes back upright (libheif and the
browser apply 'irot'/'imir'), with its colour profile when the file has one.
"""

import io
import sys

from PIL import Image

from .errors import CorruptImage, UnsupportedFormat

INSTALL_HINT = "install pillow-heif (pip install pillow-heif==0.22.0) to convert HEIC/AVIF here"


def open_image(data: bytes, name: str = "") -> Image.Image:
    """The primary picture, upright, as a Pillow image (icc_profile in .info when the file has one)."""
    label = name or "this file"
    browser = _browser_decoder()
    if browser is not None:
        return _from_browser(browser, data, label)
    try:
        import pillow_heif
    except ImportError:
        where = "the page's HEIC/AVIF decoder is not loaded" if sys.platform == "emscripten" else INSTALL_HINT
        raise UnsupportedFormat(f"{label}: HEIC/AVIF pixels need a decoder: {where} "
                                "(a lossless clean works without it)") from None
    try:
        heif = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True)
        image = heif.to_pillow()
    except (ValueError, RuntimeError, SyntaxError, OSError, IndexError) as err:
        raise CorruptImage(f"{label}: the picture cannot be decoded ({err})") from None
    image.info.pop("exif", None)  # the container's metadata is the clean's business, not the pixels'
    image.info.pop("xmp", None)
    return image


def _browser_decoder():
    try:
        import imagestudio_heif  # registered by the web worker (app/worker.js) when the page's decoder is loaded
    except ImportError:
        return None
    return imagestudio_heif


def _from_browser(decoder, data: bytes, label: str) -> Image.Image:
    from pyodide.ffi import JsException, to_js  # only in the browser

    try:
        result = decoder.decode(to_js(data))
    except JsException as err:
        raise CorruptImage(f"{label}: the picture cannot be decoded ({err})") from None
    width, height = int(result.width), int(result.height)
    pixels = result.data.to_bytes()
    if len(pixels) != width * height * 4:
        raise CorruptImage(f"{label}: the decoder returned {len(pixels)} bytes for {width}x{height} pixels")
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    if image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    profile = getattr(result, "icc", None)
    if profile is not None:
        image.info["icc_profile"] = profile.to_bytes()
    return image
