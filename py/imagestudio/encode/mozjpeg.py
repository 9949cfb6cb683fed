"""JPEG in the page: MozJPEG (trellis quantisation, optimised progressive scans) as a WebAssembly encoder.

At equal RGB-SSIM Pillow's libjpeg 9 needs 1.06-1.12x MozJPEG's bytes (benchmarks/compression.py), so the page writes
JPEG with MozJPEG; natively Pillow writes it (no MozJPEG encoder is packaged for Python). The encoder gets pixels
only: the metadata the recipe keeps (a colour profile, the minimal EXIF block) is added here, by Python, as the same
APP1/APP2 segments Pillow writes, and the output is verified like every other.
"""

from PIL import Image

from . import page_codecs
from ..containers.jpeg_markers import ICC_ID

# recipe subsampling -> MozJPEG's chroma_subsample (the same factor across and down: it cannot write 4:2:2)
CHROMA_SUBSAMPLE = {"4:2:0": 2, "4:4:4": 1}
JCS_GRAYSCALE, JCS_YCBCR = 1, 3
ICC_CHUNK = 65519  # an APP2 segment's room for profile bytes (65535 - length - "ICC_PROFILE\0" - 2 counters)


def writes(subsampling: str) -> bool:
    """MozJPEG writes this JPEG: in the page, for the subsamplings it can do (4:2:2 stays with Pillow)."""
    return page_codecs.IN_PAGE and subsampling in CHROMA_SUBSAMPLE


def options(quality: int, subsampling: str, grey: bool) -> dict:
    """Squoosh's MozJPEG defaults (progressive, optimised coding, trellis) with the quality and subsampling given."""
    return {"quality": quality, "baseline": False, "arithmetic": False, "progressive": True,
            "optimize_coding": True, "smoothing": 0, "color_space": JCS_GRAYSCALE if grey else JCS_YCBCR,
            "quant_table": 3, "trellis_multipass": False, "trellis_opt_zero": False, "trellis_opt_table": False,
            "trellis_loops": 1, "auto_subsample": False, "chroma_subsample": CHROMA_SUBSAMPLE[subsampling],
            "separate_chroma_quality": False, "chroma_quality": quality}


def save(image: Image.Image, quality: int, subsampling: str, icc: bytes | None, exif: bytes | None,
         label: str) -> bytes:
    grey = image.mode == "L"
    data = page_codecs.encode("mozjpeg", image, options(quality, subsampling, grey), label)
    return with_segments(data, icc, exif)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes((0xFF, marker)) + (len(payload) + 2).to_bytes(2, "big") + payload


def with_segments(jpeg: bytes, icc: bytes | None, exif: bytes | None) -> bytes:
    """The JPEG with an EXIF APP1 (`exif` starts with "Exif\\0\\0") and the profile in APP2 chunks, placed after the
    encoder's JFIF APP0 as Pillow places them."""
    if jpeg[:2] != b"\xff\xd8":
        raise ValueError("the encoder's output is not a JPEG")
    at = 2
    if jpeg[2:4] == b"\xff\xe0":
        at = 4 + int.from_bytes(jpeg[4:6], "big")
    added = b""
    if exif:
        added += _segment(0xE1, exif)
    if icc:
        chunks = [icc[i:i + ICC_CHUNK] for i in range(0, len(icc), ICC_CHUNK)]
        added += b"".join(_segment(0xE2, ICC_ID + bytes((n, len(chunks))) + chunk)
                          for n, chunk in enumerate(chunks, 1))
    return jpeg[:at] + added + jpeg[at:]
