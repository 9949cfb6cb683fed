"""OxiPNG after Pillow's PNG (recipe encode.oxipng): smaller files, the same pixels, proven by decoding both.

In the page: @jsquash/oxipng 2.3.0 (single-threaded wasm, loaded by app/codecs.js only when a recipe asks for it);
natively: PyPI pyoxipng 9.1.1. Both at OxiPNG's preset level 2 (Squoosh's default), keeping every chunk Pillow wrote
(the kept colour profile or EXIF): the verify step after the encode still checks the result.
"""

import importlib.util
import io

from PIL import Image

from ..errors import CodecFailed, UnsupportedFormat
from . import page_codecs  # the page's codec loader (app/codecs.js)

CODEC = "oxipng"
LEVEL = 2
NATIVE_PACKAGE = "pyoxipng==9.1.1"


def require(label: str) -> None:
    """In the page: load OxiPNG before the picture is decoded and encoded, not after (the job runs again)."""
    if page_codecs.IN_PAGE:
        page_codecs.require(CODEC, label)


def _optimised(data: bytes, label: str) -> bytes:
    if page_codecs.IN_PAGE:
        return page_codecs.transcode(CODEC, data, label, {"level": LEVEL, "interlace": False,
                                                          "optimiseAlpha": False})
    if importlib.util.find_spec("oxipng") is None:
        raise UnsupportedFormat(f"{label}: OxiPNG natively needs pip install {NATIVE_PACKAGE} (the web page has it "
                                "built in)")
    import oxipng
    try:
        return bytes(oxipng.optimize_from_memory(data, level=LEVEL))
    except (oxipng.PngError, ValueError, MemoryError) as err:
        raise CodecFailed(f"{label}: OxiPNG failed ({err})") from None


def _frames(data: bytes) -> list[bytes]:
    with Image.open(io.BytesIO(data)) as im:
        out = []
        for index in range(getattr(im, "n_frames", 1)):
            im.seek(index)
            out.append(im.convert("RGBA").tobytes())
        return out


def optimise(data: bytes, label: str) -> tuple[bytes, str]:
    """(the smaller of Pillow's PNG and OxiPNG's, what happened in words)."""
    smaller = _optimised(data, label)
    if _frames(smaller) != _frames(data):
        raise CodecFailed(f"{label}: OxiPNG changed the pixels; the file was not written")
    if len(smaller) >= len(data):
        return data, "OxiPNG found nothing smaller"
    return smaller, f"OxiPNG level {LEVEL}: {1 - len(smaller) / len(data):.1%} smaller, pixels identical"
