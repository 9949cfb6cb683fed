"""TIFF: no lossless surgery (metadata and pixel layout share one IFD), so re-encode every page with Pillow
into a TIFF that holds only the pixel-layout tags, then prove the pixels identical."""

import io
import warnings

from PIL import Image

from ..readers import exif as exif_reader
from ..report import Finding
from . import kept, reencode

LOSSLESS = False  # the report says "re-encoded": pixels identical, compressed bytes not
# Compressions that are kept as they are; anything else (JPEG in TIFF ...) is rewritten with LZW.
LOSSLESS_COMPRESSIONS = {"raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"}
REDUCED_RESOLUTION = 1  # NewSubfileType bit: this page is a thumbnail/preview of another


def _pages(im) -> list[tuple[int, dict]]:
    """(index, tags) of every page, without decoding pixels."""
    pages = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd but harmless tags
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            pages.append((i, dict(im.tag_v2)))
    return pages


def inspect(data: bytes, name: str = "") -> list[Finding]:
    found = exif_reader.read(data, "TIFF IFD0", tiff_file=True)
    im = reencode.open_image(data, name, load=False)
    for i, tags in _pages(im)[1:]:
        where = f"TIFF page {i + 1}"
        if tags.get(254, 0) & REDUCED_RESOLUTION:
            found.append(Finding("hidden", "preview", "Preview picture (smaller copy)", f"{im.size[0]}×{im.size[1]}",
                                 where))
        extra = [t for t in tags if t not in exif_reader.TIFF_STRUCTURE]
        if extra:
            found.append(Finding("other", "exif_other", "Metadata tags on another page", f"{len(extra)} tag(s)", where))
    im.seek(0)
    if 0x014A in getattr(im, "tag_v2", {}):
        found.append(Finding("hidden", "preview", "Sub-images (previews)", "present", "TIFF SubIFDs"))
    return found


def clean(data: bytes, policy, name: str = "") -> bytes:
    im = reencode.open_image(data, name)
    findings = exif_reader.read(data, "TIFF IFD0", tiff_file=True)
    icc_profile = im.info.get("icc_profile") if policy.keep_icc else None
    compression = im.info.get("compression")
    frames = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, tags in _pages(im):
            if i and tags.get(254, 0) & REDUCED_RESOLUTION:
                continue  # a preview of the picture is a hidden picture: dropped
            im.seek(i)
            im.load()
            frames.append(reencode.bare_copy(im))
    options = {"compression": compression if compression in LOSSLESS_COMPRESSIONS else "tiff_lzw"}
    turn = kept.orientation(findings) if policy.keep_orientation else 1
    if turn != 1:
        options["tiffinfo"] = {0x0112: turn}
    notice = next((f.value for f in findings if f.key == "copyright"), None) if policy.keep_copyright else None
    if notice:
        options["copyright"] = notice
    if icc_profile:
        options["icc_profile"] = icc_profile
    buf = io.BytesIO()
    frames[0].save(buf, "TIFF", save_all=True, append_images=frames[1:], **options)
    out = buf.getvalue()
    reencode.same_pixels(frames, out, name)
    return out


def notes(data: bytes, name: str = "") -> list[str]:
    return ["TIFF is cleaned by re-encoding every page without metadata: the pixels are identical, the file bytes "
            "are new (compression may change)"]
