"""Watermark: text (bundled DejaVu Sans Bold) or a PNG logo, at one of nine places or tiled diagonally.

The stamp is built once per picture size (so all frames of an animation share it) as an RGB layer plus
an L mask that already holds the opacity; Image.paste(layer, mask) then blends it into RGB pictures
without converting them to RGBA and back.
"""

import base64
import binascii
import io
import os
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from ..encode import page_codecs
from ..errors import BadOptions, EngineError, NeedsFile
from ..recipe import Watermark
from .crop import ANCHOR_SHARE

FONT_FILE = "DejaVuSans-Bold.woff"  # WOFF: FreeType reads it natively and in Pyodide (not WOFF2)
PACKAGE_FONTS = Path(__file__).resolve().parent.parent / "fonts"
# Where the font may be: $IMAGESTUDIO_FONTS, beside the package (in the page the worker writes it there on the
# first text watermark), or the repository's static/fonts.
FONT_DIRS: list[str | Path] = [os.environ.get("IMAGESTUDIO_FONTS", ""), PACKAGE_FONTS,
                               Path(__file__).resolve().parents[3] / "static" / "fonts"]
SITE_FONT = f"static/fonts/{FONT_FILE}"  # the page's copy (its CSS draws the preview with it)
DEFAULT_ROTATION = {"single": 0.0, "tiled": 30.0}
TILE_GAP = 1.0          # empty space between tiled stamps, in stamp sizes
MIN_FONT_PX = 6
MAX_LOGO_PIXELS = 25_000_000
_fonts: dict = {}


def require_font(name: str) -> None:
    """Before decoding anything: in the page, ask the worker for the site's font file the first time."""
    if page_codecs.IN_PAGE and not _found_font():
        raise NeedsFile(f"{name}: the text watermark needs its font", SITE_FONT, str(PACKAGE_FONTS / FONT_FILE))


def _found_font() -> Path | None:
    for folder in FONT_DIRS:
        if folder and (Path(folder) / FONT_FILE).is_file():
            return Path(folder) / FONT_FILE
    return None


def font_path(name: str = "") -> Path:
    found = _found_font()
    if found:
        return found
    raise EngineError(f"{name or 'this file'}: cannot draw the text watermark, the font {FONT_FILE} is missing "
                      "(looked beside the package, in static/fonts and in $IMAGESTUDIO_FONTS)")


def _font(px: int, name: str = "") -> ImageFont.FreeTypeFont:
    if px not in _fonts:
        # BASIC layout: the browser build of Pillow has no libraqm, so native output matches it.
        _fonts[px] = ImageFont.truetype(str(font_path(name)), px, layout_engine=ImageFont.Layout.BASIC)
    return _fonts[px]


def _rgb(color: str) -> tuple:
    return tuple(int(color[i:i + 2], 16) for i in (1, 3, 5))


def _text_stamp(size: tuple, wm: Watermark, name: str = "") -> tuple:
    """(RGB layer, L mask at full strength) holding the text, shrunk to fit inside the margins."""
    short = min(size)
    px = max(MIN_FONT_PX, round(wm.font_size * short))
    room = max(1, size[0] - 2 * round(wm.margin * short))
    draw = ImageDraw.Draw(Image.new("L", (1, 1)))
    bbox = draw.multiline_textbbox((0, 0), wm.text, font=_font(px, name))
    if bbox[2] - bbox[0] > room and px > MIN_FONT_PX:
        px = max(MIN_FONT_PX, int(px * room / (bbox[2] - bbox[0])))
        bbox = draw.multiline_textbbox((0, 0), wm.text, font=_font(px, name))
    mask = Image.new("L", (max(1, bbox[2] - bbox[0]), max(1, bbox[3] - bbox[1])), 0)
    ImageDraw.Draw(mask).multiline_text((-bbox[0], -bbox[1]), wm.text, fill=255, font=_font(px))
    return Image.new("RGB", mask.size, _rgb(wm.color)), mask


def load_logo(logo: str, name: str = "") -> Image.Image:
    payload = logo.split(",", 1)[1] if logo.startswith("data:") else logo
    try:
        raw = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError):
        raise BadOptions(f"{name or 'this file'}: watermark.logo is not valid base64") from None
    if raw[:8] != b"\x89PNG\r\n\x1a\n":
        raise BadOptions(f"{name or 'this file'}: watermark.logo must be a PNG image")
    try:
        logo_image = Image.open(io.BytesIO(raw))
        if logo_image.width * logo_image.height > MAX_LOGO_PIXELS:
            raise BadOptions(f"{name or 'this file'}: the watermark logo is too large "
                             f"({logo_image.width}x{logo_image.height})")
        return logo_image.convert("RGBA")
    except (OSError, SyntaxError, ValueError) as err:
        raise BadOptions(f"{name or 'this file'}: the watermark logo cannot be read ({err})") from None


def _logo_stamp(size: tuple, wm: Watermark, logo: Image.Image) -> tuple:
    longest = max(1, round(wm.logo_scale * min(size)))
    scale = longest / max(logo.size)
    fitted = logo.resize((max(1, round(logo.width * scale)), max(1, round(logo.height * scale))),
                         Image.Resampling.LANCZOS)
    return fitted.convert("RGB"), fitted.getchannel("A")


def build(size: tuple, wm: Watermark, logo: Image.Image | None = None, name: str = "") -> tuple:
    """(RGB layer, L mask) the size of the picture: the watermark ready to paste."""
    layer, mask = _logo_stamp(size, wm, logo) if logo is not None else _text_stamp(size, wm, name)
    tiled = wm.position == "tiled"
    rotation = wm.rotation if wm.rotation is not None else DEFAULT_ROTATION["tiled" if tiled else "single"]
    if rotation % 360:
        layer = layer.rotate(rotation, Image.Resampling.BICUBIC, expand=True)
        mask = mask.rotate(rotation, Image.Resampling.BICUBIC, expand=True)
    if wm.opacity < 1:
        mask = mask.point(lambda v: round(v * wm.opacity))
    full_layer = Image.new("RGB", size)
    full_mask = Image.new("L", size, 0)
    for x, y in (_tile_spots(size, mask.size) if tiled else [_spot(size, mask.size, wm)]):
        full_layer.paste(layer, (x, y))
        full_mask.paste(mask, (x, y))
    return full_layer, full_mask


def _spot(size: tuple, stamp: tuple, wm: Watermark) -> tuple:
    margin = round(wm.margin * min(size))
    share_x, share_y = ANCHOR_SHARE[wm.position]
    x = margin + round((size[0] - 2 * margin - stamp[0]) * share_x)
    y = margin + round((size[1] - 2 * margin - stamp[1]) * share_y)
    return x, y


def _tile_spots(size: tuple, stamp: tuple) -> list:
    """A grid whose every other row is shifted by half a step, so the stamps run diagonally."""
    step_x = max(1, round(stamp[0] * (1 + TILE_GAP)))
    step_y = max(1, round(stamp[1] * (1 + TILE_GAP)))
    spots = []
    for row, y in enumerate(range(-stamp[1] // 2, size[1], step_y)):
        offset = (step_x // 2) * (row % 2)
        for x in range(-stamp[0] + offset, size[0], step_x):
            spots.append((x, y))
    return spots


def apply(image: Image.Image, wm: Watermark, stamp: tuple) -> Image.Image:
    """Blend a prepared (layer, mask) into `image` (any working mode); returns a new image."""
    layer, mask = stamp
    if image.mode == "RGBA":
        overlay = layer.convert("RGBA")
        overlay.putalpha(mask)
        return Image.alpha_composite(image, overlay)
    if image.mode == "LA":
        return apply(image.convert("RGBA"), wm, stamp)
    base = image.convert("RGB") if image.mode != "RGB" else image.copy()
    base.paste(layer, (0, 0), mask)
    return base
