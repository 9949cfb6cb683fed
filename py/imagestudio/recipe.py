"""A recipe: what to do to every file, as plain data the page and the command line share.

JSON shape (every section and key optional; defaults below):
    {"crop": {...}, "resize": {...}, "watermark": {...}, "encode": {...}, "policy": {...}}
Steps run in this order: decode -> orient -> crop -> resize -> watermark -> encode -> metadata policy.
A section left at its defaults does nothing; a recipe with every pixel section at its defaults and
`encode` at its defaults only removes metadata, losslessly.
"""

import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any, NoReturn

from . import names
from .errors import BadOptions
from .policy import CleanPolicy

# --- choices, as data (the page builds its menus from these through the "presets" operation) -------------

ASPECTS = {"free": None, "1:1": (1, 1), "4:3": (4, 3), "3:2": (3, 2), "16:9": (16, 9), "9:16": (9, 16),
           "3:4": (3, 4), "2:3": (2, 3)}
ANCHORS = ("top-left", "top", "top-right", "left", "center", "right", "bottom-left", "bottom", "bottom-right")
POSITIONS = ANCHORS + ("tiled",)
FITS = ("contain", "cover", "stretch")
ROTATIONS = (0, 90, 180, 270)  # clockwise quarter turns after the crop
FORMATS = ("keep", "jpeg", "png", "webp", "avif")
SUBSAMPLING = ("4:4:4", "4:2:2", "4:2:0")
# Auto quality: the lowest quality whose SSIM (quality.py: luma, full resolution) stays at or above the level.
# Calibrated on the corpus photos at <= 2048 px: 0.985 lands on q85-95, 0.97 on q60-85, 0.95 on q30-60;
# 0.90 went below q30 on most photos, visibly blocky.
AUTO_QUALITY = {"off": None, "visually_lossless": 0.985, "balanced": 0.97, "small": 0.95}
# Encode options that make a file smaller without changing its pixels: on their own they never ask for a re-encode.
LOSSLESS_ONLY = ("oxipng", "shrink_lossless")
DEFAULT_QUALITY = 80          # used when a lossy re-encode has no quality set
# The Web preset's AVIF quality (libavif's 0-100 scale): on the corpus photos at 1920 px, the lowest that matched the
# former preset's WebP q80 in RGB-SSIM (median +0.0014; q60 was -0.005) with 0.90x its bytes (benchmarks/RESULTS.md).
WEB_AVIF_QUALITY = 65
MAX_EDGE = 30000              # largest output side accepted in a recipe (decode.py guards the pixel count)
MIN_PERCENT, MAX_PERCENT = 0.1, 1000  # resize.percent range
MAX_TARGET_KB = 1_000_000     # largest encode.target_kb
_ASPECT_RE = re.compile(r"^([1-9]\d{0,3}):([1-9]\d{0,3})$")
_COLOR_RE = re.compile(r"^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$")


# --- small validators: each names the field it rejects ---------------------------------------------------

def _fail(where: str, why: str) -> NoReturn:
    raise BadOptions(f"{where} {why}")


def _check_bool(where, value):
    if not isinstance(value, bool):
        _fail(where, f"must be true or false, not {value!r}")


def _check_int(where, value, low, high, optional=False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        _fail(where, f"must be a whole number from {low} to {high}, not {value!r}")


def _check_number(where, value, low, high, optional=False):
    if value is None and optional:
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
        _fail(where, f"must be a number from {low} to {high}, not {value!r}")


def _check_choice(where, value, choices):
    if value not in choices:
        _fail(where, f"must be one of {', '.join(choices)}; got {value!r}")


def normalize_color(where: str, value) -> str:
    """'#abc', 'abc', '#aabbcc' -> '#aabbcc'."""
    match = _COLOR_RE.match(value) if isinstance(value, str) else None
    if not match:
        _fail(where, f"must be a colour like #ffffff, not {value!r}")
    digits = match.group(1).lower()
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    return "#" + digits


def parse_aspect(value: str):
    """'16:9' -> (16, 9); 'free' -> None. Any W:H of whole numbers is accepted, not only the menu."""
    if not isinstance(value, str):
        return False
    if value in ASPECTS:
        return ASPECTS[value]
    match = _ASPECT_RE.match(value)
    if not match:
        return False
    return int(match.group(1)), int(match.group(2))


# --- sections ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Crop:
    aspect: str = "free"          # "free" or W:H such as "16:9"; the largest such box fits inside the picture
    anchor: str = "center"        # where that box sits
    box: tuple | None = None      # [left, top, right, bottom] in pixels of the upright (oriented) source
    rotate: int = 0               # then turn clockwise by 0, 90, 180 or 270 degrees (lossless quarter turns)

    def __post_init__(self):
        if isinstance(self.rotate, bool) or self.rotate not in ROTATIONS:
            _fail("crop.rotate", f"must be one of {', '.join(map(str, ROTATIONS))} (degrees clockwise), "
                                 f"not {self.rotate!r}")
        if parse_aspect(self.aspect) is False:
            _fail("crop.aspect", f"must be free or W:H such as 16:9, not {self.aspect!r}")
        _check_choice("crop.anchor", self.anchor, ANCHORS)
        if self.box is not None:
            box = self.box
            if (not isinstance(box, (list, tuple)) or len(box) != 4
                    or any(isinstance(v, bool) or not isinstance(v, int) for v in box)):
                _fail("crop.box", f"must be four whole numbers [left, top, right, bottom], not {box!r}")
            if box[0] < 0 or box[1] < 0 or box[2] <= box[0] or box[3] <= box[1]:
                _fail("crop.box", f"must have 0 <= left < right and 0 <= top < bottom, not {list(box)!r}")
            if self.aspect != "free":
                _fail("crop.box", "and crop.aspect cannot both be set")
            object.__setattr__(self, "box", tuple(box))

    @property
    def active(self) -> bool:
        return self.box is not None or self.aspect != "free" or self.rotate != 0


@dataclass(frozen=True)
class Resize:
    long_edge: int | None = None  # longest side in pixels
    width: int | None = None      # alone: that width; with height: a box, see fit
    height: int | None = None
    percent: float | None = None  # scale both sides
    fit: str = "contain"          # for a width x height box: contain (inside), cover (fill, then crop), stretch
    upscale: bool = False         # never enlarge unless asked

    def __post_init__(self):
        for key in ("long_edge", "width", "height"):
            _check_int(f"resize.{key}", getattr(self, key), 1, MAX_EDGE, optional=True)
        _check_number("resize.percent", self.percent, MIN_PERCENT, MAX_PERCENT, optional=True)
        _check_choice("resize.fit", self.fit, FITS)
        _check_bool("resize.upscale", self.upscale)
        modes = [self.long_edge is not None, self.percent is not None,
                 self.width is not None or self.height is not None]
        if sum(modes) > 1:
            _fail("resize", "takes one of long_edge, percent, or width/height, not several")

    @property
    def active(self) -> bool:
        return any(v is not None for v in (self.long_edge, self.width, self.height, self.percent))


@dataclass(frozen=True)
class Watermark:
    text: str = ""                # text watermark (DejaVu Sans Bold, static/fonts)
    logo: str = ""                # or an image watermark: a PNG as base64 (a data: URL is accepted)
    font_size: float = 0.05       # text height as a fraction of the picture's shorter side
    logo_scale: float = 0.2       # logo's longer side as a fraction of the picture's shorter side
    color: str = "#ffffff"        # text colour
    opacity: float = 0.5          # 0 transparent .. 1 opaque
    rotation: float | None = None  # degrees counter-clockwise; None = 0, or 30 when tiled
    position: str = "bottom-right"  # one of nine places, or "tiled" (repeated diagonally over the picture)
    margin: float = 0.03          # distance from the edges as a fraction of the shorter side

    def __post_init__(self):
        if not isinstance(self.text, str) or len(self.text) > 200:
            _fail("watermark.text", "must be text of at most 200 characters")
        if not isinstance(self.logo, str):
            _fail("watermark.logo", "must be a base64 PNG (text)")
        if self.text and self.logo:
            _fail("watermark", "takes text or logo, not both")
        _check_number("watermark.font_size", self.font_size, 0.005, 1)
        _check_number("watermark.logo_scale", self.logo_scale, 0.01, 1)
        object.__setattr__(self, "color", normalize_color("watermark.color", self.color))
        _check_number("watermark.opacity", self.opacity, 0, 1)
        _check_number("watermark.rotation", self.rotation, -360, 360, optional=True)
        _check_choice("watermark.position", self.position, POSITIONS)
        _check_number("watermark.margin", self.margin, 0, 0.45)

    @property
    def active(self) -> bool:
        return bool(self.text.strip() or self.logo)


@dataclass(frozen=True)
class Encode:
    format: str = "keep"          # keep | jpeg | png | webp | avif ("keep": GIF as GIF, BMP and TIFF as PNG)
    quality: int | None = None    # JPEG/WebP 1-100; None = DEFAULT_QUALITY when re-encoding
    auto_quality: str = "off"     # off | visually_lossless | balanced | small (see AUTO_QUALITY)
    # "at most N KiB" (1024 bytes): highest quality that fits, then smaller sizes if it must
    target_kb: float | None = None
    progressive: bool = False     # JPEG: ~1% smaller here, but twice the encode time in the browser
    subsampling: str = "4:2:0"    # JPEG chroma subsampling
    optimize: bool = True         # JPEG: optimised Huffman tables (about 3% smaller, almost free)
    lossless: bool = False        # WebP: lossless
    colors: int | None = None     # PNG: reduce to a palette of this many colours (lossy); None = truecolour
    dither: bool = True           # PNG palette: Floyd-Steinberg dithering (opaque pictures)
    background: str = "#ffffff"   # alpha is flattened onto this colour when the output has no alpha
    # Neither asks for a re-encode by itself (see LOSSLESS_ONLY):
    oxipng: bool = False          # PNG output: OxiPNG's lossless optimisation after Pillow (slower, smaller)
    shrink_lossless: bool = False  # lossless clean: JPEGs recoded losslessly (lossless_shrink.py), pixels proven same

    def __post_init__(self):
        _check_choice("encode.format", self.format, FORMATS)
        _check_int("encode.quality", self.quality, 1, 100, optional=True)
        _check_choice("encode.auto_quality", self.auto_quality, tuple(AUTO_QUALITY))
        _check_number("encode.target_kb", self.target_kb, 1, MAX_TARGET_KB, optional=True)
        _check_bool("encode.progressive", self.progressive)
        _check_choice("encode.subsampling", self.subsampling, SUBSAMPLING)
        _check_bool("encode.optimize", self.optimize)
        _check_bool("encode.lossless", self.lossless)
        _check_int("encode.colors", self.colors, 2, 256, optional=True)
        _check_bool("encode.dither", self.dither)
        _check_bool("encode.oxipng", self.oxipng)
        _check_bool("encode.shrink_lossless", self.shrink_lossless)
        object.__setattr__(self, "background", normalize_color("encode.background", self.background))
        if self.quality is not None and self.auto_quality != "off":
            _fail("encode.quality", "and encode.auto_quality cannot both be set")

    @property
    def active(self) -> bool:
        """Any setting away from its default asks for a re-encode, except the lossless optimisations."""
        return any(getattr(self, f.name) != f.default for f in fields(self) if f.name not in LOSSLESS_ONLY)


@dataclass(frozen=True)
class Report:
    """What to measure for the report; never changes the output bytes."""
    ssim: bool = False            # SSIM of a lossy output against its pre-encode pixels (costs one more decode)

    def __post_init__(self):
        _check_bool("report.ssim", self.ssim)


@dataclass(frozen=True)
class Output:
    """What the results are called and which file dates they carry; never changes the file's bytes."""
    naming: str = "suffix"          # names.NAMINGS: NAME-clean.jpg (today), photo-001.jpg, random, pattern
    pattern: str = names.DEFAULT_PATTERN  # for naming "pattern": {n} number, {name} original name, {what} suffix
    index: int = 1                  # this file's number in the batch (the page and the CLI count)
    keep_file_dates: bool = False   # downloads and ZIP entries carry the original's date, not a fixed one

    def __post_init__(self):
        _check_choice("output.naming", self.naming, names.NAMINGS)
        why = names.check_pattern(self.pattern)
        if why:
            _fail("output.pattern", why)
        _check_int("output.index", self.index, 1, 10_000_000)
        _check_bool("output.keep_file_dates", self.keep_file_dates)


SECTIONS = {"crop": Crop, "resize": Resize, "watermark": Watermark, "encode": Encode, "policy": CleanPolicy,
            "report": Report, "output": Output}


@dataclass(frozen=True)
class Recipe:
    crop: Crop = field(default_factory=Crop)
    resize: Resize = field(default_factory=Resize)
    watermark: Watermark = field(default_factory=Watermark)
    encode: Encode = field(default_factory=Encode)
    policy: CleanPolicy = field(default_factory=CleanPolicy)
    report: Report = field(default_factory=Report)
    output: Output = field(default_factory=Output)

    @classmethod
    def from_dict(cls, data: dict | None) -> "Recipe":
        data = {} if data is None else data
        if not isinstance(data, dict):
            raise BadOptions(f"the recipe must be a JSON object, not {type(data).__name__}")
        unknown = sorted(set(data) - set(SECTIONS))
        if unknown:
            raise BadOptions(f"unknown recipe section(s): {', '.join(unknown)} (known: {', '.join(SECTIONS)})")
        built: dict[str, Any] = {}
        for key, section in data.items():
            if section is None:
                continue
            if not isinstance(section, dict):
                raise BadOptions(f"recipe section {key} must be a JSON object")
            if SECTIONS[key] is CleanPolicy:
                built[key] = CleanPolicy.from_dict(section)
                continue
            known = {f.name for f in fields(SECTIONS[key])}
            extra = sorted(set(section) - known)
            if extra:
                raise BadOptions(f"unknown option(s) {', '.join(f'{key}.{e}' for e in extra)} "
                                 f"(known: {', '.join(sorted(known))})")
            built[key] = SECTIONS[key](**section)
        return cls(**built)

    def to_dict(self) -> dict:
        out = asdict(self)
        if out["crop"]["box"] is not None:
            out["crop"]["box"] = list(out["crop"]["box"])
        return out

    def pixel_steps(self) -> list[str]:
        """Names of the pixel operations this recipe runs, in pipeline order."""
        return [name for name in ("crop", "resize", "watermark") if getattr(self, name).active]

    @property
    def reencodes(self) -> bool:
        """False when the recipe only removes metadata (the lossless clean path)."""
        return bool(self.pixel_steps()) or self.encode.active


# Presets: recipes as data. "clean" has no pixel operation, so it takes the lossless path.
PRESETS: dict[str, dict] = {
    "clean": {"label": "Remove private data only",
              "description": "Pixels untouched: location, camera, dates and other metadata removed losslessly.",
              "recipe": {}},
    "share": {"label": "Share safely",
              "description": "Metadata removed, longest side 2048 px, quality chosen per photo (balanced).",
              "recipe": {"resize": {"long_edge": 2048}, "encode": {"auto_quality": "balanced"}}},
    "email": {"label": "Email",
              "description": "JPEG of at most 500 KiB (512,000 bytes), longest side 2048 px, the best quality that "
                             "fits.",
              "recipe": {"resize": {"long_edge": 2048}, "encode": {"format": "jpeg", "target_kb": 500}}},
    "web": {"label": "Web",
            "description": f"AVIF at quality {WEB_AVIF_QUALITY}, longest side 1920 px (every current browser shows "
                           "AVIF).",
            "recipe": {"resize": {"long_edge": 1920}, "encode": {"format": "avif", "quality": WEB_AVIF_QUALITY}}},
}


def preset(name: str) -> Recipe:
    if name not in PRESETS:
        raise BadOptions(f"unknown preset {name!r} (known: {', '.join(PRESETS)})")
    return Recipe.from_dict(PRESETS[name]["recipe"])


def import_op(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Operation "import_recipe": a recipe file's bytes, checked against this module's schema. The page uses
    only the recipe returned here, never the file's own objects (a key like `__proto__` is refused as unknown)."""
    label = name or "this file"
    if options:
        raise BadOptions(f"import_recipe takes no options, got: {', '.join(sorted(options))}")
    try:
        parsed = json.loads(bytes(data).decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as err:
        raise BadOptions(f"{label} is not a recipe: it is not JSON text ({err})") from None
    try:
        recipe = Recipe.from_dict(parsed)
    except BadOptions as err:
        raise BadOptions(f"{label} is not a recipe: {err.message}") from None
    except (TypeError, ValueError) as err:
        raise BadOptions(f"{label} is not a recipe: {err}") from None
    return {"ok": True, "data": None, "mime": "application/json", "name": name,
            "report": {"recipe": recipe.to_dict()}}
