"""The "process" operation: one recipe applied to one file.

decode -> orient -> crop -> resize -> watermark -> encode -> metadata policy -> verify.
A recipe with no pixel step and default encoding goes to the lossless cleaning.clean instead. A re-encoded
file carries no metadata but the ICC profile (when the policy keeps it and it matches the pixels) and
the EXIF Copyright (when the policy keeps it); the orientation is baked into the pixels, so no
Orientation tag is needed. Every output passes
cleaning.verify_clean.

How the page calls it (one call per file; a failure is that file's error card, the batch goes on):
    handle("process", file_bytes, recipe_dict, file_name)
    recipe_dict = {"crop": {...}, "resize": {...}, "watermark": {...}, "encode": {...}, "policy": {...}}
                  (recipe.py; every section and key optional; handle("presets", b"", {}) lists the
                  defaults, the presets as full recipes, the menu choices and the size limits)
    -> {"ok": True, "data": bytes, "mime", "name": "IMG_1234-2048px.webp", "report": {
          "format", "input_format", "operations": [{"step", "detail"}...], "width", "height", "frames",
          "source_width", "source_height", "quality" (None if lossless), "ssim" (auto quality, or report.ssim),
          "encode_tries", "bytes_in", "bytes_out", "findings", "summary", "removed", "kept",
          "notes": [plain sentences to show], "speed": {"draft_scale", "fast_decode", "decode_ms",
          "pixels_ms", "encode_ms"}}}
    -> {"ok": False, "error": {"code", "message"}}: bad_options (names the field), too_large,
       target_not_met (says the smallest size reached), unsupported_format, corrupt, still_dirty ...
A recipe with nothing to do on the pixels returns clean's result (report.lossless = True) with
operations = [{"step": "clean", ...}].
"""

import time
from dataclasses import replace

from . import cleaning, colour, encode, names
from .decode import decode
from .errors import BadOptions, EngineError
from .ops import crop, resize, watermark
from .recipe import Recipe
from .report import sort_findings, summarize
from .sniff import Format, recognise, unsupported


def _label(name):
    return name or "this file"


def process(data: bytes, name: str = "", options: dict | None = None) -> dict:
    try:
        recipe = Recipe.from_dict(options)
    except BadOptions as err:
        raise BadOptions(f"{_label(name)}: {err.message}") from None
    fmt = recognise(data, name)
    if not recipe.reencodes:
        result = cleaning.clean(data, name, recipe.policy, fmt)
        result["report"]["operations"] = [{"step": "clean", "detail": "metadata removed losslessly"}]
        return result
    if not fmt.supported:
        raise unsupported(fmt, name)
    return _reencode(data, name, recipe, fmt)


def _inspect(data: bytes, name: str, fmt: Format) -> dict | None:
    """The container's report on the input (findings most sensitive first, summary), or None."""
    try:
        return cleaning.inspect_report(data, name, fmt)
    except EngineError:
        return None


def _reencode(data: bytes, name: str, recipe: Recipe, fmt) -> dict:
    clock = {"start": time.perf_counter()}
    out_fmt = encode.output_format(fmt.name, recipe.encode)
    inspected = _inspect(data, name, fmt)
    logo = watermark.load_logo(recipe.watermark.logo, name) if recipe.watermark.logo else None

    def ratio(upright):
        if recipe.crop.box is not None:
            return None  # an explicit box is in full-size pixels: decode at full size
        return resize.scale_ratio(crop.cropped_size(upright, recipe.crop, name), recipe.resize)

    chroma_420 = out_fmt == "jpeg" and recipe.encode.subsampling == "4:2:0"
    # Luma first (decode.py) when the pixels are only shrunk: nothing cropped or drawn on them.
    luma_first = chroma_420 and recipe.resize.active and not recipe.crop.active and not recipe.watermark.active
    decoded = decode(data, name, ratio, want_ycbcr=out_fmt == "jpeg", luma_first=luma_first, fmt=fmt)  # watermark converts to RGB itself
    clock["decode"] = time.perf_counter()
    steps = []
    if decoded.orientation != 1:
        steps.append({"step": "orient", "detail": f"EXIF orientation {decoded.orientation} baked into the pixels"})
    animated = decoded.animated
    frames, decoded.frames = decoded.frames, []  # the decoded pictures live only as long as a step needs them
    if recipe.crop.active:
        frames = [crop.apply(f, recipe.crop, name) for f in frames]
        what = recipe.crop.aspect if recipe.crop.box is None else f"box {list(recipe.crop.box)}"
        what += f", turned {recipe.crop.rotate}° clockwise" if recipe.crop.rotate else ""
        steps.append({"step": "crop", "detail": f"{what} -> {_size(frames[0], decoded.draft_scale)}"})
    planned = crop.cropped_size(decoded.source_size, recipe.crop, name)
    if recipe.resize.active:
        before = frames[0].size
        luma_only = chroma_420 and (decoded.chroma is not None or frames[0].mode == "YCbCr")
        if decoded.chroma is not None:
            frames = [resize.planes(frames[0], decoded.chroma, recipe.resize, planned, decoded.draft_box,
                                    decoded.chroma_box)]
            decoded.chroma = None
        else:
            box = None if recipe.crop.active else decoded.draft_box  # a crop has its own coordinates
            frames = [resize.apply(f, recipe.resize, planned, chroma_420, box) for f in frames]
        if frames[0].size != before or decoded.draft_scale > 1:
            how = ", ".join(["lanczos"] + [f"JPEG decoded at 1/{decoded.draft_scale}"] * (decoded.draft_scale > 1)
                            + ["luma-first YCbCr"] * luma_only
                            + [f"chroma decoded at 1/{decoded.chroma_scale}"] * (decoded.chroma_scale > 1))
            steps.append({"step": "resize", "detail": f"{planned[0]}x{planned[1]} -> "
                                                      f"{frames[0].width}x{frames[0].height} ({how})"})
        else:
            steps.append({"step": "resize", "detail": "already within the requested size (no upscaling)",
                          "skipped": True})
    colours = colour.plan(decoded.icc, recipe.policy.keep_icc, out_fmt)  # before a watermark: its colours are sRGB
    if colours.convert_from:
        frames, converted = colour.convert_frames(frames, colours.convert_from)
        if converted:
            steps.append({"step": "colour", "detail": colours.notes.pop(0)})
        else:
            colours.notes[0] = "the colour profile does not match the pixels; they were not converted to sRGB"
    if recipe.watermark.active:
        stamp = watermark.build(frames[0].size, recipe.watermark, logo, name)
        frames = [watermark.apply(f, recipe.watermark, stamp) for f in frames]
        kind = "logo" if logo is not None else "text"
        steps.append({"step": "watermark", "detail": f"{kind}, {recipe.watermark.position}"})
    clock["pixels"] = time.perf_counter()

    if len(frames) > 1 and not encode.WRITERS[out_fmt].animated:
        frames = frames[:1]
        decoded.notes.append(f"{out_fmt.upper()} cannot hold an animation: only the first frame was kept")
    icc = colours.profile
    copyright = decoded.copyright if recipe.policy.keep_copyright else None
    taken = recipe.policy.capture_date(next((f["value"].encode("ascii", "replace") for f in (inspected or {}).get(
        "findings", []) if f["key"] == "datetime_original"), None))
    if taken and not encode.WRITERS[out_fmt].exif:
        decoded.notes.append(f"{out_fmt.upper()} cannot carry the capture date: it was not kept")
    if copyright and not encode.WRITERS[out_fmt].exif:
        decoded.notes.append(f"{out_fmt.upper()} cannot carry the copyright notice: it was not kept")
    outcome = encode.compress(frames, recipe.encode, out_fmt, icc, decoded.durations, decoded.loop, name,
                               copyright, taken)
    clock["encode"] = time.perf_counter()
    settings = outcome.settings
    if recipe.report.ssim and outcome.ssim is None and settings.lossy and len(outcome.frames) == 1:
        outcome.ssim = encode.measure_ssim(outcome.frames[0], settings, outcome.data)
    steps.append({"step": "encode", "detail": _encode_detail(settings, animated)})
    output = outcome.data
    kept = _verify(output, replace(recipe.policy, keep_icc=True) if colours.kept_unasked else recipe.policy, name)

    icc_written = any(f["key"] == "icc_profile" for f in kept)
    findings = inspected["findings"] if inspected else []
    kept_keys = {f["key"] for f in kept}
    # Previews of hidden pictures are in findings already; the removed list names them without a copy.
    removed = [{k: v for k, v in f.items() if k != "preview"} for f in findings if f["key"] not in kept_keys]
    notes = list(decoded.notes) + outcome.notes
    if inspected is None:
        notes.append(f"the list of removed metadata is not available for {fmt.name.upper()} yet; "
                     "the re-encoded file holds none")
    notes += colours.notes
    if colours.profile and not icc_written:
        notes.append("the colour profile was dropped: it does not describe the output pixels")
    width, height = outcome.frames[0].size
    suffix = _suffix(recipe, steps, settings, width, height, converted=out_fmt != fmt.name)
    return {
        "ok": True, "data": output, "mime": encode.WRITERS[out_fmt].mime,
        "name": names.output_name(name, suffix, encode.WRITERS[out_fmt].extension),
        "report": {
            "format": out_fmt, "input_format": fmt.name, "operations": steps,
            "width": width, "height": height, "frames": len(outcome.frames),
            "source_width": decoded.source_size[0], "source_height": decoded.source_size[1],
            "quality": settings.quality if settings.lossy else None, "lossless": False,
            "ssim": None if outcome.ssim is None else round(outcome.ssim, 4), "encode_tries": outcome.tries,
            "bytes_in": len(data), "bytes_out": len(output),
            "findings": findings, "summary": inspected["summary"] if inspected else summarize([]),
            "removed": removed, "kept": kept, "notes": notes,
            "speed": {"draft_scale": decoded.draft_scale, "fast_decode": decoded.fast_decode,
                      "decode_ms": _ms(clock, "start", "decode"), "pixels_ms": _ms(clock, "decode", "pixels"),
                      "encode_ms": _ms(clock, "pixels", "encode")},
        },
    }


def _ms(clock, a, b):
    return round((clock[b] - clock[a]) * 1000, 1)


def _size(frame, scale):
    return f"{frame.width * scale}x{frame.height * scale}" if scale > 1 else f"{frame.width}x{frame.height}"


def _encode_detail(settings, animated) -> str:
    kind = settings.format.upper()
    if settings.lossy:
        kind += f" quality {settings.quality}"
    elif settings.format == "png" and settings.colors:
        kind += f" {settings.colors}-colour palette" + (" dithered" if settings.dither else "")
    elif settings.format == "webp":
        kind += " lossless"
    return kind + (" (animation)" if animated else "")


def _suffix(recipe, steps, settings, width, height, converted=False) -> str:
    parts = []
    names = [s["step"] for s in steps if not s.get("skipped")]
    if "crop" in names:
        if recipe.crop.box is not None or recipe.crop.aspect != "free":
            parts.append(recipe.crop.aspect.replace(":", "x") if recipe.crop.box is None else "crop")
        if recipe.crop.rotate:
            parts.append(f"rot{recipe.crop.rotate}")
    if "resize" in names:
        parts.append(f"{max(width, height)}px")
    if "watermark" in names:
        parts.append("wm")
    if not parts:
        if settings.lossy:
            parts.append(f"q{settings.quality}")
        else:
            parts.append("converted" if converted else "optimized")
    return "-".join(parts)


def _verify(output: bytes, policy, name: str) -> list:
    """The findings the policy lets stay; raises StillDirty (and nothing is returned) on a leak."""
    kept = cleaning.verify_clean(output, policy, name)
    return [f.to_dict() for f in sort_findings(kept)]
