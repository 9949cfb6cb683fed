"""Crop: a box in upright source pixels, or the largest box of an aspect ratio placed at an anchor; then an
optional clockwise quarter turn."""

from PIL import Image

from ..errors import BadOptions
from ..recipe import Crop, parse_aspect

# clockwise degrees -> Pillow transpose (Pillow's ROTATE_* names turn counter-clockwise)
TURNS = {90: Image.Transpose.ROTATE_270, 180: Image.Transpose.ROTATE_180, 270: Image.Transpose.ROTATE_90}

# anchor -> (horizontal, vertical) placement of the box in the leftover space: 0 start, 0.5 centre, 1 end
ANCHOR_SHARE = {
    "top-left": (0, 0), "top": (0.5, 0), "top-right": (1, 0),
    "left": (0, 0.5), "center": (0.5, 0.5), "right": (1, 0.5),
    "bottom-left": (0, 1), "bottom": (0.5, 1), "bottom-right": (1, 1),
}


def region(size: tuple, crop: Crop, name: str = "", scale: int = 1) -> tuple | None:
    """The (left, top, right, bottom) box to keep for a picture of `size`, or None for no crop.

    `scale` > 1 when the picture was decoded at 1/scale size (an explicit box is then scaled down).
    """
    width, height = size
    if crop.box is not None:
        left, top, right, bottom = crop.box
        full_w, full_h = width * scale, height * scale
        if right > full_w or bottom > full_h:
            raise BadOptions(f"{name or 'this file'}: crop box {list(crop.box)} reaches outside the picture, "
                             f"which is {full_w}x{full_h} pixels (upright)")
        return (left // scale, top // scale, max(right // scale, left // scale + 1),
                max(bottom // scale, top // scale + 1))
    ratio = parse_aspect(crop.aspect)
    if not ratio:
        return None
    aw, ah = ratio
    if width * ah > height * aw:       # too wide: keep full height
        box_w, box_h = max(1, round(height * aw / ah)), height
    else:                              # too tall: keep full width
        box_w, box_h = width, max(1, round(width * ah / aw))
    share_x, share_y = ANCHOR_SHARE[crop.anchor]
    left, top = round((width - box_w) * share_x), round((height - box_h) * share_y)
    return left, top, left + box_w, top + box_h


def cropped_size(size: tuple, crop: Crop, name: str = "") -> tuple:
    box = region(size, crop, name)
    width, height = size if box is None else (box[2] - box[0], box[3] - box[1])
    return (height, width) if crop.rotate in (90, 270) else (width, height)


def apply(image: Image.Image, crop: Crop, name: str = "", scale: int = 1) -> Image.Image:
    box = region(image.size, crop, name, scale)
    if box is not None and box != (0, 0, *image.size):
        image = image.crop(box)
    return image.transpose(TURNS[crop.rotate]) if crop.rotate else image
