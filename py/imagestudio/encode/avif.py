"""AVIF output: libavif with libaom in the page (@jsquash/avif, WebAssembly), libheif with libaom natively
(pillow-heif, pinned in requirements-test.txt). Python picks the quality; the encoder gets the pixels only, so an AVIF
carries no EXIF and no ICC profile: its pixels are sRGB (colour.plan converts them), said as nclx sRGB by the encoder.
"""

import io
import warnings

from PIL import Image

from . import page_codecs
from ..errors import CodecFailed

# libaom's speed (0 slowest .. 10), by the picture's size: a slower speed reaches the same quality in fewer bytes
# (six corpus photos of 0.3-3 MP at equal RGB-SSIM against MozJPEG q75, medians: speed 9 0.82x, 8 0.77x, 7 0.74x)
# and costs time (one encode in the page's wasm, relative to speed 9: 8 about 2x, 7 5x, 6 7.5x). Each picture
# gets the slowest speed whose encode stays near a second on a 2-core VM: (up to this many pixels, speed).
SPEED_BY_PIXELS = ((600_000, 6), (1_100_000, 7), (3_000_000, 8))  # the Web preset's 1920 x 1440 gets 8
FASTEST = 9
SUBSAMPLE_420 = 1          # @jsquash/avif: 0 = 4:0:0, 1 = 4:2:0, 2 = 4:2:2, 3 = 4:4:4
NATIVE_HINT = "install pillow-heif (pip install pillow-heif==0.22.0) to write AVIF here"


def speed_for(size: tuple[int, int]) -> int:
    pixels = size[0] * size[1]
    return next((speed for most, speed in SPEED_BY_PIXELS if pixels <= most), FASTEST)


def page_options(quality: int, speed: int) -> dict:
    return {"quality": quality, "qualityAlpha": -1, "speed": speed, "subsample": SUBSAMPLE_420, "bitDepth": 8,
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


def save(image: Image.Image, quality: int, label: str, speed: int | None = None) -> bytes:
    """speed: libaom's, when the caller chose it for a larger picture (a quality search on a proxy must encode
    the proxy as the full picture will be); else the one for this picture's size."""
    speed = speed or speed_for(image.size)
    if image.mode not in ("RGB", "RGBA"):
        image = image.convert("RGBA" if "A" in image.getbands() or "transparency" in image.info else "RGB")
    if page_codecs.IN_PAGE:
        return page_codecs.encode("avif", image, page_options(quality, speed), label)
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
                                         enc_params={"speed": str(speed)})
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
