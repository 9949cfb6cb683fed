"""Write pixels to JPEG, PNG, WebP, AVIF (or GIF for animations kept as GIF) with no metadata but an ICC profile.

Images reaching here carry an empty .info (decode.py clears it): Pillow's savers would otherwise copy
comments, EXIF or XMP from it. The only metadata written is the ICC profile the caller passes.
"""

import io
import math
from dataclasses import dataclass

from PIL import Image

from ..decode import ICC_SPACES
from ..errors import CodecFailed
from ..readers import exif as exif_reader
from ..recipe import DEFAULT_QUALITY, Encode
from ..containers import CONTAINERS
from . import avif, mozjpeg, page_codecs
from .jpeg_tables import JPEG_DEFAULT_TABLES, jpeg_qtables


@dataclass(frozen=True)
class Writer:
    """What the engine knows about one output format."""
    pillow_format: str
    mime: str
    extension: str
    keeps_alpha: bool
    lossy: bool
    animated: bool   # can hold an animation (APNG, animated WebP, GIF); JPEG holds one picture
    exif: bool       # can carry an EXIF block (GIF cannot; our AVIF writer writes none)
    page_codec: str | None = None  # the WebAssembly encoder (page_codecs.CODECS) that writes it in the page


WRITERS = {
    "jpeg": Writer("JPEG", "image/jpeg", "jpg", keeps_alpha=False, lossy=True, animated=False, exif=True,
                   page_codec="mozjpeg"),
    "png": Writer("PNG", "image/png", "png", keeps_alpha=True, lossy=False, animated=True, exif=True),
    "webp": Writer("WEBP", "image/webp", "webp", keeps_alpha=True, lossy=True, animated=True, exif=True),
    "gif": Writer("GIF", "image/gif", "gif", keeps_alpha=True, lossy=False, animated=True, exif=False),
    "avif": Writer("AVIF", "image/avif", "avif", keeps_alpha=True, lossy=True, animated=False, exif=False,
                   page_codec="avif"),
}
# input format -> output format for encode.format = "keep"
KEEP_AS = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif", "bmp": "png", "tiff": "png",
           "heif": "jpeg", "avif": "jpeg"}  # no HEIF/AVIF writer here: a converted HEIC becomes a JPEG
# Palette formats: Pillow pads their colour tables with colours no pixel uses (the container blanks them).
BLANKS_UNUSED_COLOURS = {"gif", "png"}
WEBP_METHOD = 6          # libwebp effort 0-6: 6 was 1-8% smaller than the default 4 for +20% time in wasm (measured)
PALETTE_SAMPLE_PIXELS = 1_000_000
# zlib level per PNG pixel mode. Truecolour: the default 6 (9 was 0.6-1.7% smaller for 3x the time, measured).
# Palette and 1-bit: 9, 52% smaller than 6 on the corpus's large few-colour graphic and faster there (long runs
# leave level 9 little to search); benchmarks/png_size.py measures it.
PNG_COMPRESS_LEVEL = 6
PNG_COMPRESS_LEVEL_BY_MODE = {"P": 9, "1": 9}


@dataclass(frozen=True)
class Settings:
    """One concrete encoding: the recipe's encode section with the quality decided."""
    format: str
    quality: int = DEFAULT_QUALITY
    progressive: bool = False
    subsampling: str = "4:2:0"
    optimize: bool = True
    lossless: bool = False
    colors: int | None = None
    dither: bool = True
    background: str = "#ffffff"
    tables: str = JPEG_DEFAULT_TABLES   # JPEG quantisation tables: a key of JPEG_TABLES
    speed: int | None = None            # AVIF: libaom's speed, set from the full picture's size (avif.speed_for)

    @classmethod
    def from_recipe(cls, enc: Encode, output_format: str, quality: int | None = None) -> "Settings":
        return cls(format=output_format, quality=quality or enc.quality or DEFAULT_QUALITY,
                   progressive=enc.progressive, subsampling=enc.subsampling, optimize=enc.optimize,
                   lossless=enc.lossless, colors=enc.colors, dither=enc.dither, background=enc.background)

    @property
    def lossy(self) -> bool:
        return WRITERS[self.format].lossy and not (self.format == "webp" and self.lossless)


def output_format(input_format: str, enc: Encode) -> str:
    return KEEP_AS.get(input_format, "png") if enc.format == "keep" else enc.format


def encoder(settings: Settings) -> str:
    """Which encoder writes these settings here: said in the report, so no encoder is ever swapped in unsaid."""
    if settings.format == "jpeg" and mozjpeg.writes(settings.subsampling):
        return "MozJPEG"
    if settings.format == "avif":
        return "libavif" if page_codecs.IN_PAGE else "libheif"
    return "Pillow"


def decode_output(data: bytes, label: str = "this file") -> Image.Image:
    """A file the engine wrote, decoded (for the quality search's SSIM and the check that it decodes)."""
    if data[4:12] == b"ftypavif":
        return avif.decode(data, label)
    image = Image.open(io.BytesIO(data))
    image.load()
    return image


def check_decodes(data: bytes, settings: Settings, size: tuple[int, int], label: str) -> None:
    """Proof that a file written by a WebAssembly encoder (or libheif) holds the picture: it decodes to its size.
    Pillow's own files are read back by the verification's parse already."""
    if encoder(settings) == "Pillow":
        return
    if settings.format == "avif":
        decoded_size = decode_output(data, label).size
    else:
        with Image.open(io.BytesIO(data)) as image:  # MozJPEG: the frame header Pillow reads
            decoded_size = image.size
    if decoded_size != size:
        raise CodecFailed(f"{label}: the {settings.format.upper()} written decodes to {decoded_size[0]}x"
                          f"{decoded_size[1]} pixels, not {size[0]}x{size[1]}: not returned")


def require_encoder(settings: Settings, label: str) -> None:
    """Before any decoding: the page loads a missing WebAssembly encoder (NeedsCodec), natively an encoder that is
    in the page only says so."""
    if settings.format == "avif":
        avif.require(label)
    elif encoder(settings) == "MozJPEG":
        page_codecs.require("mozjpeg", label)


def icc_for(icc: bytes | None, mode: str) -> bytes | None:
    """The ICC profile only when it describes the pixels written (a CMYK profile on RGB would be wrong)."""
    if not icc or len(icc) < 20:
        return None
    return icc if mode in ICC_SPACES.get(icc[16:20], ()) else None


def flatten(image: Image.Image, background: str) -> Image.Image:
    """Composite transparency onto an opaque colour (for JPEG)."""
    if image.mode not in ("RGBA", "LA"):
        return image
    rgba = image.convert("RGBA")
    color = tuple(int(background[i:i + 2], 16) for i in (1, 3, 5))
    base = Image.new("RGB", image.size, color)
    base.paste(rgba, (0, 0), rgba.getchannel("A"))
    return base if image.mode == "RGBA" else base.convert("L")


def prepare(image: Image.Image, settings: Settings) -> Image.Image:
    """Convert a working-mode image into what the writer accepts."""
    keeps_alpha = WRITERS[settings.format].keeps_alpha
    if not keeps_alpha:
        image = flatten(image, settings.background)
        return image if image.mode in ("RGB", "L", "YCbCr") else image.convert("RGB")
    if image.mode == "YCbCr":
        image = image.convert("RGB")
    if settings.format == "png":
        return _png_pixels(image, settings)
    if settings.format == "webp" and image.mode in ("L", "LA"):
        return image.convert("RGBA" if image.mode == "LA" else "RGB")
    return image


def _png_pixels(image: Image.Image, settings: Settings) -> Image.Image:
    """Lossless reductions first (drop an opaque alpha, palette when <= 256 colours), then the lossy palette."""
    if image.mode in ("RGBA", "LA") and image.getchannel("A").getextrema()[0] == 255:
        image = image.convert(image.mode[:-1])
    if settings.colors:
        if image.mode in ("RGBA", "LA"):
            # Pillow quantizes RGBA only with FASTOCTREE and without dithering.
            return image.convert("RGBA").quantize(settings.colors, Image.Quantize.FASTOCTREE)
        rgb = image.convert("RGB")
        # MEDIANCUT picks better colours than FASTOCTREE (SSIM 0.96 vs 0.92 at 64 colours on a photo) but
        # costs ~0.2 s per megapixel: choose the palette on a copy of at most PALETTE_SAMPLE_PIXELS.
        factor = max(1, math.ceil(math.sqrt(rgb.width * rgb.height / PALETTE_SAMPLE_PIXELS)))
        palette = (rgb.reduce(factor) if factor > 1 else rgb).quantize(settings.colors, Image.Quantize.MEDIANCUT)
        dither = Image.Dither.FLOYDSTEINBERG if settings.dither else Image.Dither.NONE
        return rgb.quantize(palette=palette, dither=dither)
    if image.mode in ("RGB", "RGBA") and image.getcolors(256) is not None:
        # At most 256 colours: a palette is lossless when the quantizer kept every colour (check it).
        method = Image.Quantize.FASTOCTREE if image.mode == "RGBA" else Image.Quantize.MEDIANCUT
        paletted = image.quantize(256, method, dither=Image.Dither.NONE)
        if paletted.convert(image.mode).tobytes() == image.tobytes():
            return paletted
    return image


def png_compress_level(mode: str) -> int:
    return PNG_COMPRESS_LEVEL_BY_MODE.get(mode, PNG_COMPRESS_LEVEL)


def save(frames: list, settings: Settings, icc: bytes | None = None, durations=None, loop=None,
         copyright: str | None = None, taken: bytes | None = None, label: str = "this file") -> bytes:
    """Encode one picture or an animation; returns the file bytes. `copyright` (kept by the policy) is
    written as an EXIF block holding that one tag."""
    pillow_format = WRITERS[settings.format].pillow_format
    pictures = [prepare(frame, settings) for frame in frames]
    if len(pictures) > 1 and settings.format == "png" and any(p.mode == "P" for p in pictures):
        # Pillow's APNG writer cannot mix per-frame palettes (ValueError: conversion not supported): one true-colour
        # mode.
        common = "RGBA" if any(f.mode in ("RGBA", "LA") for f in frames) else "RGB"
        pictures = [frame.convert(common) for frame in frames]
    first = pictures[0]
    options: dict[str, object] = {}
    profile = icc_for(icc, first.mode if first.mode != "P" else "RGB")
    if profile:
        options["icc_profile"] = profile
    exif_block = None
    if (copyright or taken) and WRITERS[settings.format].exif:  # taken: the capture date the policy keeps
        exif = exif_reader.minimal(1, copyright.encode("utf-8") if copyright else None, taken)
        if exif:
            exif_block = options["exif"] = b"Exif\x00\x00" + exif
    if settings.format == "avif":
        return avif.save(first, settings.quality, label, settings.speed)
    if settings.format == "jpeg" and encoder(settings) == "MozJPEG":
        return mozjpeg.save(first, settings.quality, settings.subsampling, profile, exif_block, label)
    if settings.format == "jpeg":
        # Pillow scales given qtables by `quality` as a plain percentage, not libjpeg's quality curve: pass
        # the tables already scaled and no quality.
        options.update(qtables=jpeg_qtables(settings.tables, settings.quality, len(first.getbands())),
                       optimize=settings.optimize, progressive=settings.progressive, subsampling=settings.subsampling)
    elif settings.format == "webp":
        options.update(quality=settings.quality, method=WEBP_METHOD, lossless=settings.lossless)
    elif settings.format == "png":
        options.update(optimize=False, compress_level=png_compress_level(first.mode))
    if len(pictures) > 1:
        options.update(save_all=True, append_images=pictures[1:], duration=list(durations or []),
                       loop=0 if loop is None else loop)
        if settings.format == "gif":
            options.update(disposal=2)
    buffer = io.BytesIO()
    first.save(buffer, pillow_format, **options)
    if settings.format in BLANKS_UNUSED_COLOURS:  # else the verification would take them for hidden data
        return CONTAINERS[settings.format].blank_unused_colours(buffer.getvalue())  # type: ignore[attr-defined]
    return buffer.getvalue()
