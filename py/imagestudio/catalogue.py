"""The engine's catalogue (operation "presets"): every fact the page shows or draws with.

The page builds its menus, limits, hints, badge and watermark preview from this and restates none of it,
so a preset, a limit or a geometry constant changes here (in the module that owns it) and nowhere else.
"""

from . import decode
from .encode import WRITERS, Settings
from .errors import BadOptions
from .names import NAMINGS
from .ops import watermark
from .ops.crop import ANCHOR_SHARE
from .policy import CleanPolicy
from .recipe import (ANCHORS, ASPECTS, AUTO_QUALITY, DEFAULT_QUALITY, FITS, FORMATS, MAX_EDGE, MAX_PERCENT,
                     MAX_TARGET_KB, MIN_PERCENT, POSITIONS, PRESETS, SUBSAMPLING, Recipe, preset)
from .report import BADGE_WORDS, HIDDEN_WORDS

KIB = 1024  # encode.target_kb counts KiB; the page shows every size in the same unit


def catalogue() -> dict:
    """Defaults, presets (full recipes with their descriptions), choices, limits and page facts."""
    return {
        "defaults": Recipe().to_dict(),
        "presets": [{"id": key, "label": p["label"], "description": p["description"],
                     "recipe": preset(key).to_dict()} for key, p in PRESETS.items()],
        "choices": {"aspects": list(ASPECTS), "anchors": list(ANCHORS), "positions": list(POSITIONS),
                    "fits": list(FITS), "formats": list(FORMATS), "subsampling": list(SUBSAMPLING),
                    "auto_quality": dict(AUTO_QUALITY), "namings": list(NAMINGS)},
        "default_quality": DEFAULT_QUALITY,
        "limits": _limits(),
        "formats": _formats(),
        "watermark": _watermark_geometry(),
        "kept_by_policy": dict(CleanPolicy.KEEPABLE),
        "badge_words": {"kinds": dict(BADGE_WORDS), "hidden": dict(HIDDEN_WORDS)},
        "units": {"kib": KIB},
    }


def _limits() -> dict:
    return {"max_pixels": decode.MAX_PIXELS, "max_animation_pixels": decode.MAX_ANIMATION_PIXELS,
            "max_frames": decode.MAX_FRAMES, "max_edge": MAX_EDGE,
            "min_percent": MIN_PERCENT, "max_percent": MAX_PERCENT, "max_target_kb": MAX_TARGET_KB}


def _formats() -> dict:
    """Per output format: whether quality applies (lossy), and whether a lossless switch turns that off.
    "keep" may be a lossy format, so its quality settings apply too."""
    out = {}
    for name in FORMATS:
        if name == "keep":
            out[name] = {"lossy": True, "lossless_option": False}
            continue
        settings = Settings(format=name)
        out[name] = {"lossy": settings.lossy,
                     "lossless_option": settings.lossy and not Settings(format=name, lossless=True).lossy}
    assert set(out) - {"keep"} <= set(WRITERS)
    return out


def _watermark_geometry() -> dict:
    """What the live preview needs to draw the watermark as ops/watermark.py will."""
    return {"min_font_px": watermark.MIN_FONT_PX, "tile_gap": watermark.TILE_GAP,
            "default_rotation": dict(watermark.DEFAULT_ROTATION), "font_file": watermark.FONT_FILE,
            "anchors": {name: list(share) for name, share in ANCHOR_SHARE.items()}}


def presets_op(data: bytes = b"", name: str = "", options: dict | None = None) -> dict:
    """Operation "presets": the catalogue, so the page never duplicates it in JS."""
    if options:
        raise BadOptions(f"presets takes no options, got: {', '.join(sorted(options))}")
    return {"ok": True, "data": None, "mime": "application/json", "name": "", "report": catalogue()}
