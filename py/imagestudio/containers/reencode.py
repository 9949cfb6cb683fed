"""Shared steps for formats cleaned by re-encoding with Pillow: decode every page, save with no metadata,
and prove the pictures are pixel-identical before handing the bytes on."""

import io
import warnings

from PIL import Image

from ..decode import check_size, open_image
from ..errors import CorruptImage, EngineError, plain


def load_image(data: bytes, name: str) -> Image.Image:
    """Open (decode.open_image) and decode a picture; any failure is a typed error naming the file.

    The size guard runs before any pixel is allocated, with the same limits as the image operations.
    """
    label = name or "this file"
    im = open_image(data, name)
    try:
        frames = getattr(im, "n_frames", 1)  # Pillow reads every page header to count them
    except Exception as err:  # noqa: BLE001 - e.g. TypeError for a TIFF IFD without ImageWidth
        raise CorruptImage(f"{label}: a page of the picture cannot be read ({plain(err)})") from None
    check_size(im.width, im.height, frames, name)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            im.load()
    except Exception as err:  # noqa: BLE001 - whatever the decoder raises, these pixels cannot be re-encoded
        # The header was fine, the pixels were not: a damaged file, or a compression this build lacks
        # (the browser's Pillow cannot decode JPEG inside TIFF, for one).
        compression = im.info.get("compression")
        how = f"compression {compression!r}, " if compression else ""
        raise CorruptImage(f"{label}: the picture cannot be decoded ({how}{plain(err)}); it was not re-encoded, "
                           "nothing was produced") from None
    return im


def bare_copy(im) -> Image.Image:
    """A copy of the current frame with no metadata attached (Pillow re-writes im.info on save)."""
    frame = im.copy()
    frame.info = {}
    return frame


def same_pixels(frames: list, output: bytes, name: str) -> None:
    """Raise unless `output` decodes to exactly `frames` (mode, size and every pixel)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = Image.open(io.BytesIO(output))
        count = getattr(out, "n_frames", 1)
        if count != len(frames):
            raise EngineError(f"{name or 'this file'}: re-encoding lost pages ({len(frames)} -> {count})")
        for i, frame in enumerate(frames):
            out.seek(i)
            out.load()
            if (out.mode, out.size) != (frame.mode, frame.size) or out.tobytes() != frame.tobytes():
                raise EngineError(f"{name or 'this file'}: re-encoding changed the pixels of page {i + 1}; "
                                  "nothing was produced")
