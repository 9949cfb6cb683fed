"""JPEG quantisation tables by name, scaled by quality exactly as libjpeg scales them."""


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


def jpeg_quality_scaling(quality: int) -> int:
    """libjpeg's quality (1-100) -> percentage applied to the base tables (50 -> 100%, 75 -> 50%)."""
    quality = min(max(quality, 1), 100)
    return 5000 // quality if quality < 50 else 200 - 2 * quality


def jpeg_qtables(name: str, quality: int, planes: int = 3) -> list[list[int]]:
    """The named tables at this quality, rounded and clamped to 1-255 (baseline) the way libjpeg does."""
    scale = jpeg_quality_scaling(quality)
    luma, chroma = JPEG_TABLES[name]
    return [[min(max((v * scale + 50) // 100, 1), 255) for v in table] for table in (luma, chroma)[:min(planes, 2)]]
