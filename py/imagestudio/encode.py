"""Write pixels to JPEG, PNG, WebP (or GIF for animations kept as GIF) with no metadata but an ICC profile.

Images reaching here carry an empty .info (decode.py clears it): Pillow's savers would otherwise copy
comments, EXIF or XMP from it. The only metadata written is the ICC profile the caller passes.
"""

import io
import math
from dataclasses import dataclass

from PIL import Image

from .decode import ICC_SPACES
from .readers import exif as exif_reader
from .recipe import DEFAULT_QUALITY, Encode

# output format -> (Pillow format, mime, extension, keeps alpha, lossy)
ANIMATED_OUTPUTS = {"png", "webp", "gif"}   # APNG, animated WebP, GIF; JPEG holds one picture
WRITERS = {
    "jpeg": ("JPEG", "image/jpeg", "jpg", False, True),
    "png": ("PNG", "image/png", "png", True, False),
    "webp": ("WEBP", "image/webp", "webp", True, True),
    "gif": ("GIF", "image/gif", "gif", True, False),
}
# input format -> output format for encode.format = "keep"
KEEP_AS = {"jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif", "bmp": "png", "tiff": "png"}
WEBP_METHOD = 6          # libwebp effort 0-6: 6 was 1-8% smaller than the default 4 for +20% time in wasm (measured)
PALETTE_SAMPLE_PIXELS = 1_000_000
PNG_COMPRESS_LEVEL = 6   # zlib default: level 9 was 0.6-1.7% smaller for 3x the time (measured), not worth it

# JPEG quantisation tables: name -> (luma, chroma), 64 values each, 8x8 row by row (natural order, as
# libjpeg's jpeg_add_quant_table and Pillow's qtables take them). jpeg_qtables scales them by quality
# exactly as libjpeg's jpeg_set_quality does, so "annex_k" at any quality is what Pillow writes by default.
_ROBIDOUX = (16, 16, 16, 18, 25, 37, 56, 85, 16, 17, 20, 27, 34, 40, 53, 75,
             16, 20, 24, 31, 43, 62, 91, 135, 18, 27, 31, 40, 53, 74, 106, 156,
             25, 34, 43, 53, 69, 94, 131, 189, 37, 40, 62, 74, 94, 124, 169, 238,
             56, 53, 91, 106, 131, 169, 226, 311, 85, 75, 135, 156, 189, 238, 311, 418)
# "tuned": the geometric mean of flat 16 and Robidoux, chroma at 0.7 of luma, all x1.19 so that a quality
# number gives about the SSIM that Annex K gives at it (median over the corpus photos). Bytes at equal
# RGB SSIM against MozJPEG q75 (benchmarks/compression.py, 16 photos, median): Annex K 1.115, Robidoux 1.080,
# flat 1.062, this 1.059. Flat won more on small photos but lost up to 24% on phone photos; this at most 16%.
_TUNED_LUMA = (19, 19, 19, 20, 24, 29, 36, 44, 19, 20, 21, 25, 28, 30, 35, 41,
               19, 21, 23, 27, 31, 37, 45, 55, 20, 25, 27, 30, 35, 41, 49, 59,
               24, 28, 31, 35, 40, 46, 54, 65, 29, 30, 37, 41, 46, 53, 62, 73,
               36, 35, 45, 49, 54, 62, 72, 84, 44, 41, 55, 59, 65, 73, 84, 97)
_TUNED_CHROMA = (13, 13, 13, 14, 17, 20, 25, 31, 13, 14, 15, 17, 19, 21, 24, 29,
                 13, 15, 16, 19, 22, 26, 32, 39, 14, 17, 19, 21, 24, 29, 34, 42,
                 17, 19, 22, 24, 28, 32, 38, 46, 20, 21, 26, 29, 32, 37, 43, 51,
                 25, 24, 32, 34, 38, 43, 50, 59, 31, 29, 39, 42, 46, 51, 59, 68)
JPEG_TABLES = {
    # The JPEG spec's Annex K examples: libjpeg's (and Pillow's) default.
    "annex_k": ((16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55,
                 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
                 18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92,
                 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99),
                (17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99,
                 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99) + (99,) * 32),
    # N. Robidoux's tables for ImageMagick: MozJPEG's default (its quant_table 3), one table for all planes.
    "robidoux": (_ROBIDOUX, _ROBIDOUX),
    # Every frequency alike (MozJPEG's quant_table 1).
    "flat": ((16,) * 64, (16,) * 64),
    "tuned": (_TUNED_LUMA, _TUNED_CHROMA),
}
# A quality number the user gives keeps libjpeg's meaning (Annex K tables: the file any libjpeg tool
# writes at that number). Where the tool picks the quality itself (auto quality, a target size) it also
# picks the tables: the tuned ones reach the same SSIM in ~5% fewer bytes (benchmarks/compression.py).
JPEG_DEFAULT_TABLES = "annex_k"
JPEG_CHOSEN_QUALITY_TABLES = "tuned"


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

    @classmethod
    def from_recipe(cls, enc: Encode, output_format: str, quality: int | None = None) -> "Settings":
        return cls(format=output_format, quality=quality or enc.quality or DEFAULT_QUALITY,
                   progressive=enc.progressive, subsampling=enc.subsampling, optimize=enc.optimize,
                   lossless=enc.lossless, colors=enc.colors, dither=enc.dither, background=enc.background)

    @property
    def lossy(self) -> bool:
        return WRITERS[self.format][4] and not (self.format == "webp" and self.lossless)


def jpeg_quality_scaling(quality: int) -> int:
    """libjpeg's quality (1-100) -> percentage applied to the base tables (50 -> 100%, 75 -> 50%)."""
    quality = min(max(quality, 1), 100)
    return 5000 // quality if quality < 50 else 200 - 2 * quality


def jpeg_qtables(name: str, quality: int, planes: int = 3) -> list[list[int]]:
    """The named tables at this quality, rounded and clamped to 1-255 (baseline) the way libjpeg does."""
    scale = jpeg_quality_scaling(quality)
    luma, chroma = JPEG_TABLES[name]
    return [[min(max((v * scale + 50) // 100, 1), 255) for v in table] for table in (luma, chroma)[:min(planes, 2)]]


def output_format(input_format: str, enc: Encode) -> str:
    return KEEP_AS.get(input_format, "png") if enc.format == "keep" else enc.format


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
    keeps_alpha = WRITERS[settings.format][3]
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


EXIF_OUTPUTS = {"jpeg", "png", "webp"}   # GIF has no EXIF


def save(frames: list, settings: Settings, icc: bytes | None = None, durations=None, loop=None,
         copyright: str | None = None, taken: bytes | None = None) -> bytes:
    """Encode one picture or an animation; returns the file bytes. `copyright` (kept by the policy) is
    written as an EXIF block holding that one tag."""
    pillow_format = WRITERS[settings.format][0]
    pictures = [prepare(frame, settings) for frame in frames]
    if len(pictures) > 1 and settings.format == "png" and any(p.mode == "P" for p in pictures):
        # Pillow's APNG writer cannot mix per-frame palettes (ValueError: conversion not supported): one true-colour mode.
        common = "RGBA" if any(f.mode in ("RGBA", "LA") for f in frames) else "RGB"
        pictures = [frame.convert(common) for frame in frames]
    first = pictures[0]
    options = {}
    profile = icc_for(icc, first.mode if first.mode != "P" else "RGB")
    if profile:
        options["icc_profile"] = profile
    if (copyright or taken) and settings.format in EXIF_OUTPUTS:  # taken: the capture date the policy keeps
        options["exif"] = b"Exif\x00\x00" + exif_reader.minimal(1, copyright.encode("utf-8") if copyright else None,
                                                                taken)
    if settings.format == "jpeg":
        # Pillow scales given qtables by `quality` as a plain percentage, not libjpeg's quality curve: pass
        # the tables already scaled and no quality.
        options.update(qtables=jpeg_qtables(settings.tables, settings.quality, len(first.getbands())),
                       optimize=settings.optimize, progressive=settings.progressive, subsampling=settings.subsampling)
    elif settings.format == "webp":
        options.update(quality=settings.quality, method=WEBP_METHOD, lossless=settings.lossless)
    elif settings.format == "png":
        options.update(optimize=False, compress_level=PNG_COMPRESS_LEVEL)
    if len(pictures) > 1:
        options.update(save_all=True, append_images=pictures[1:], duration=list(durations or []),
                       loop=0 if loop is None else loop)
        if settings.format == "gif":
            options.update(disposal=2)
    buffer = io.BytesIO()
    first.save(buffer, pillow_format, **options)
    return buffer.getvalue()
