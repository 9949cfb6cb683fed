"""AVIF output: libavif with libaom in the page (@jsquash/avif, WebAssembly), libheif with libaom natively
(pillow-heif, pinned in requirements-test.txt). Python picks the quality; the encoder gets the pixels only, so an AVIF
carries no EXIF and no ICC profile: its pixels are sRGB (colour.plan converts them), said as nclx sRGB by the encoder.
"""

import io
import warnings

from PIL import Image

from . import page_codecs
from ..errors import CodecFailed

# libaom's speed (0 slowest .. 10): the Web preset's 12 MP photo must be done in 3 s in the worker
# (benchmarks: avif_web_preset_s); 6 (libavif's default) took 27 s for 12 MP, 9 about 3.4 s (issue 17).
SPEED = 9
SUBSAMPLE_420 = 1          # @jsquash/avif: 0 = 4:0:0, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4
NATIVE_HINT = "install pillow-heif (pip install pillow-heif==0.22.0) to write AVIF here"


def page_options(quality: int) -> dict:
    return {"quality": quality, "qualityAlpha": -1, "speed": SPEED, "subsample": SUBSAMPLE_420, "bitDepth": 8,
            "lossless": False, "tileColsLog2": 0, "tileRowsLog2": 0, "denoiseLevel": 0, "chromaDeltaQ": False,
            "sharpness": 0, "tune": 0, "enableSharpYUV": False}


def _pillow_heif():
    try:
        import pillow_heif  # type: ignore[import-untyped]
    except ImportError:
        return None
    return pillow_heif


def require(label: str) -> None:
    if page_codecs.IN_PAGE:
        page_codecs.require("avif", label)
    elif _pillow_heif() is None:
        raise page_codecs.page_only("avif", label, NATIVE_HINT)


def save(image: Image.Image, quality: int, label: str) -> bytes:
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if page_codecs.IN_PAGE:
        return page_codecs.encode("avif", image, page_options(quality), label)
    heif = _pillow_heif()
    if heif is None:
        raise page_codecs.page_only("avif", label, NATIVE_HINT)
    # Pixels alone: pillow-heif would copy EXIF it finds on the picture (its Exif object outlives .info)
    pixels = Image.frombytes(image.mode, image.size, image.tobytes())
    out = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)  # pillow-heif 0.22 marks its AVIF side deprecated
            heif.from_pillow(pixels).save(out, format="AVIF", quality=quality, chroma=420, save_to_12bit=False,
                                         enc_params={"speed": str(SPEED)})
    except (ValueError, RuntimeError, OSError) as err:
        raise CodecFailed(f"{label}: the AVIF encoder (libheif) failed ({err})") from None
    return out.getvalue()


def decode(data: bytes, label: str) -> Image.Image:
    """An AVIF the engine wrote, as RGB(A) pixels: for the quality search and to prove the output decodes."""
    if page_codecs.IN_PAGE:
        image = page_codecs.decode("avif", data, label)
        return image.convert("RGB") if image.getchannel("A").getextrema() == (255, 255) else image
    heif = _pillow_heif()
    if heif is None:
        raise page_codecs.page_only("avif", label, NATIVE_HINT)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True).to_pillow()
    except (ValueError, RuntimeError, OSError) as err:
        raise CodecFailed(f"{label}: the AVIF written cannot be decoded ({err})") from None
