"""TIFF: no lossless surgery (metadata and pixel layout share one IFD), so re-encode every page with Pillow
into a TIFF that holds only the pixel-layout tags, then prove the pixels identical.

Pillow applies a TIFF's Orientation to the pixels when it decodes them, so the clean file is stored upright
and needs no Orientation tag (writing one would turn it twice)."""

import io
import warnings

from .. import icc_profile as canonical_icc
from ..decode import MAX_ANIMATION_PIXELS, check_size, open_image
from ..errors import CorruptImage, EngineError, TooLarge, plain
from ..readers import exif as exif_reader
from ..report import Finding
from . import kept, reencode

CLEANABLE = True
LOSSLESS = False  # the report says "re-encoded": pixels identical, compressed bytes not
# Compressions that are kept as they are; anything else (JPEG in TIFF ...) is rewritten with LZW.
LOSSLESS_COMPRESSIONS = {"raw", "tiff_lzw", "tiff_adobe_deflate", "packbits"}
REDUCED_RESOLUTION = 1  # NewSubfileType bit: this page is a thumbnail/preview of another


def _pages(im, name: str = "") -> list[tuple[int, dict]]:
    """(index, tags) of every page, without decoding pixels; a page Pillow cannot read is a CorruptImage."""
    pages = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # Pillow warns about odd but harmless tags
        try:
            for i in range(getattr(im, "n_frames", 1)):
                im.seek(i)
                pages.append((i, dict(im.tag_v2)))
        except Exception as err:  # noqa: BLE001 - e.g. a later page without ImageWidth: TypeError in Pillow
            raise CorruptImage(f"{name or 'this file'}: a TIFF page (IFD) cannot be read ({plain(err)})") from None
    return pages


def inspect(data: bytes, name: str = "") -> list[Finding]:
    found = exif_reader.read(data, "TIFF IFD0", tiff_file=True)
    im = open_image(data, name)
    for i, tags in _pages(im, name)[1:]:
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
    im = reencode.load_image(data, name)
    findings = exif_reader.read(data, "TIFF IFD0", tiff_file=True)
    icc_profile = canonical_icc.kept_form(im.info["icc_profile"])[0] if policy.keep_icc and im.info.get(
        "icc_profile") else None
    compression = im.info.get("compression")
    frames, pixels = [], 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for i, tags in _pages(im, name):
            if i and tags.get(254, 0) & REDUCED_RESOLUTION:
                continue  # a preview of the picture is a hidden picture: dropped
            try:
                im.seek(i)
                # Every page, not only the first, before its pixels are allocated; all pages stay in memory.
                pixels += im.width * im.height
                check_size(im.width, im.height, 1, name)
                if pixels > MAX_ANIMATION_PIXELS:
                    raise TooLarge(f"{name or 'this file'}: its pages hold {pixels / 1e6:.1f} megapixels in all, "
                                   f"over the limit of {MAX_ANIMATION_PIXELS / 1e6:.0f} megapixels; "
                                   "nothing was produced")
                im.load()
            except EngineError:
                raise
            except Exception as err:  # noqa: BLE001 - a later page that does not decode
                raise CorruptImage(f"{name or 'this file'}: TIFF page {i + 1} cannot be decoded "
                                   f"({plain(err)})") from None
            frames.append(reencode.bare_copy(im))
    options = {"compression": compression if compression in LOSSLESS_COMPRESSIONS else "tiff_lzw"}
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
    out = ["TIFF is cleaned by re-encoding every page without metadata: the pixels are identical, the file bytes "
           "are new (compression may change)"]
    if kept.orientation(exif_reader.read(data, "TIFF IFD0", tiff_file=True)) != 1:
        out.append("the picture's orientation was applied to its pixels, so it stays upright without the tag")
    return out
