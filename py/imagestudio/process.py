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

from PIL import Image

from . import cleaning, colour, encode, names, progress
from .decode import Decoded, decode
from .encode import png_optimise
from .errors import BadOptions, EngineError
from .policy import capture_date_of
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
        if recipe.encode.shrink_lossless:
            from . import lossless_shrink  # an option, off by default: loaded only when asked for
            return lossless_shrink.apply(result, recipe.policy, name)
        return result
    if not fmt.supported:
        raise unsupported(fmt, name)
    return _unless_only_larger(data, name, recipe, fmt, _reencode(data, name, recipe, fmt))


def _unless_only_larger(data: bytes, name: str, recipe: Recipe, fmt: Format, result: dict) -> dict:
    """A re-encode that left the picture as it was (no crop, watermark or change of size) and only made the
    file larger gives way to the lossless clean of the original, and says so. A format the recipe asks for
    by name is kept all the same: the report then says how much larger it is."""
    report = result["report"]
    unchanged = (not recipe.crop.active and not recipe.watermark.active
                 and (report["width"], report["height"]) == (report["source_width"], report["source_height"]))
    if not unchanged or report["bytes_out"] <= report["bytes_in"]:
        return result
    larger = f"{(report['bytes_out'] / report['bytes_in'] - 1) * 100:.0f}%"
    if recipe.encode.format != "keep":
        report["notes"].append(f"This {report['format'].upper()} is {larger} larger than the original: "
                               f"kept because the recipe asks for {recipe.encode.format.upper()}.")
        return result
    try:
        kept = cleaning.clean(data, name, recipe.policy, fmt)
    except EngineError:
        return result  # a format the lossless clean cannot keep: the re-encoded picture stands
    kept["report"]["operations"] = [{"step": "clean", "detail": "metadata removed losslessly"}]
    kept["report"]["notes"].append(f"Kept the original picture: saving it again made it {larger} larger.")
    for key in ("width", "height", "source_width", "source_height", "frames"):
        kept["report"].setdefault(key, report[key])  # the same picture, so the same size
    kept["report"].setdefault("quality", None)
    kept["report"].setdefault("ssim", None)
    return kept


def _inspect(data: bytes, name: str, fmt: Format) -> dict | None:
    """The container's report on the input (findings most sensitive first, summary), or None."""
    try:
        return cleaning.inspect_report(data, name, fmt)
    except EngineError:
        return None


def _reencode(data: bytes, name: str, recipe: Recipe, fmt: Format) -> dict:
    """decode -> pixel operations -> encode -> verify -> report."""
    clock = {"start": time.perf_counter()}
    out_fmt = encode.output_format(fmt.name, recipe.encode)
    if out_fmt == "png" and recipe.encode.oxipng:
        png_optimise.require(_label(name))
    encode.require_encoder(encode.Settings.from_recipe(recipe.encode, out_fmt), _label(name))  # before decoding
    if recipe.watermark.text.strip():
        watermark.require_font(_label(name))
    inspected = _inspect(data, name, fmt)
    logo = watermark.load_logo(recipe.watermark.logo, name) if recipe.watermark.logo else None
    decoded, frames, steps = _decode_and_fit(data, name, recipe, fmt, out_fmt, clock)
    animated = len(frames) > 1  # said in the encode step even when the output keeps one frame
    colours = colour.plan(decoded.icc, recipe.policy.keep_icc, out_fmt)
    frames = _to_srgb(frames, colours, steps)  # before a watermark: its colours are sRGB
    frames = _watermark(frames, recipe, logo, name, steps)
    clock["pixels"] = time.perf_counter()
    outcome = _encode(frames, decoded, recipe, out_fmt, colours.profile, inspected, name)
    encode.check_decodes(outcome.data, outcome.settings, outcome.frames[0].size, _label(name))
    steps.append({"step": "encode", "detail": _encode_detail(outcome.settings, animated)})
    if out_fmt == "png" and recipe.encode.oxipng:
        outcome.data, detail = png_optimise.optimise(outcome.data, _label(name))
        steps.append({"step": "oxipng", "detail": detail})
    clock["encode"] = time.perf_counter()
    progress.stage("checking")
    kept = _verify(outcome.data, replace(recipe.policy, keep_icc=True) if colours.kept_unasked else recipe.policy,
                   name)
    notes = _notes(decoded, outcome, inspected, fmt, colours, kept)
    return _result(data, name, recipe, fmt, out_fmt, decoded, inspected, outcome, steps, kept, notes, clock)


def _decode_and_fit(data: bytes, name: str, recipe: Recipe, fmt: Format, out_fmt: str,
                    clock: dict) -> tuple[Decoded, list[Image.Image], list[dict]]:
    """Decode upright, crop and resize: (what decode found, the frames, the steps done).

    The JPEG speed paths live here and in decode.py only: a draft decode at 1/2 or 1/4 (draft_box says where
    the picture lies in it), YCbCr kept for a JPEG output, and luma first with a reduced chroma picture
    (chroma_box) when a 4:2:0 JPEG is only shrunk.
    """
    def ratio(upright: tuple) -> float | None:
        if recipe.crop.box is not None:
            return None  # an explicit box is in full-size pixels: decode at full size
        return resize.scale_ratio(crop.cropped_size(upright, recipe.crop, name), recipe.resize)

    chroma_420 = out_fmt == "jpeg" and recipe.encode.subsampling == "4:2:0"
    # Luma first (decode.py) when the pixels are only shrunk: nothing cropped or drawn on them.
    luma_first = chroma_420 and recipe.resize.active and not recipe.crop.active and not recipe.watermark.active
    # YCbCr only for a JPEG output: a watermark converts to RGB itself.
    progress.stage("decoding")
    decoded = decode(data, name, ratio, want_ycbcr=out_fmt == "jpeg", luma_first=luma_first, fmt=fmt)
    clock["decode"] = time.perf_counter()
    steps = []
    if decoded.orientation != 1:
        steps.append({"step": "orient", "detail": f"EXIF orientation {decoded.orientation} baked into the pixels"})
    frames, decoded.frames = decoded.frames, []  # the decoded pictures live only as long as a step needs them
    if recipe.crop.active:
        frames = [crop.apply(f, recipe.crop, name) for f in frames]
        what = recipe.crop.aspect if recipe.crop.box is None else f"box {list(recipe.crop.box)}"
        what += f", turned {recipe.crop.rotate}° clockwise" if recipe.crop.rotate else ""
        steps.append({"step": "crop", "detail": f"{what} -> {_size(frames[0], decoded.draft_scale)}"})
    if recipe.resize.active:
        progress.stage("resizing")
        frames = _resize(frames, decoded, recipe, name, chroma_420, steps)
    return decoded, frames, steps


def _resize(frames: list[Image.Image], decoded: Decoded, recipe: Recipe, name: str, chroma_420: bool,
            steps: list[dict]) -> list[Image.Image]:
    planned = crop.cropped_size(decoded.source_size, recipe.crop, name)
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
    return frames


def _to_srgb(frames: list[Image.Image], colours: colour.Plan, steps: list[dict]) -> list[Image.Image]:
    if not colours.convert_from:
        return frames
    frames, converted = colour.convert_frames(frames, colours.convert_from)
    if converted:
        steps.append({"step": "colour", "detail": colours.notes.pop(0)})
    else:
        colours.notes[0] = "the colour profile does not match the pixels; they were not converted to sRGB"
    return frames


def _watermark(frames: list[Image.Image], recipe: Recipe, logo: Image.Image | None, name: str,
               steps: list[dict]) -> list[Image.Image]:
    if not recipe.watermark.active:
        return frames
    progress.stage("watermarking")
    stamp = watermark.build(frames[0].size, recipe.watermark, logo, name)
    steps.append({"step": "watermark", "detail": f"{'logo' if logo is not None else 'text'}, "
                                                 f"{recipe.watermark.position}"})
    return [watermark.apply(f, recipe.watermark, stamp) for f in frames]


def _encode(frames: list[Image.Image], decoded: Decoded, recipe: Recipe, out_fmt: str, icc: bytes | None,
            inspected: dict | None, name: str) -> encode.Outcome:
    """The frames as file bytes, with only the metadata the policy keeps and the output format can hold."""
    writer = encode.WRITERS[out_fmt]
    if len(frames) > 1 and not writer.animated:
        frames = frames[:1]
        decoded.notes.append(f"{out_fmt.upper()} cannot hold an animation: only the first frame was kept")
    notice = decoded.copyright if recipe.policy.keep_copyright else None
    taken = recipe.policy.capture_date(capture_date_of((inspected or {}).get("findings", [])))
    if taken and not writer.exif:
        decoded.notes.append(f"{out_fmt.upper()} cannot carry the capture date: it was not kept")
    if notice and not writer.exif:
        decoded.notes.append(f"{out_fmt.upper()} cannot carry the copyright notice: it was not kept")
    outcome = encode.compress(frames, recipe.encode, out_fmt, icc, decoded.durations, decoded.loop, name, notice,
                              taken)
    if recipe.report.ssim and outcome.ssim is None and outcome.settings.lossy and len(outcome.frames) == 1:
        outcome.ssim = encode.measure_ssim(outcome.frames[0], outcome.settings, outcome.data)
    return outcome


def _notes(decoded: Decoded, outcome: encode.Outcome, inspected: dict | None, fmt: Format, colours: colour.Plan,
           kept: list[dict]) -> list[str]:
    notes = list(decoded.notes) + outcome.notes
    if inspected is None:
        notes.append(f"the list of removed metadata is not available for {fmt.name.upper()} yet; "
                     "the re-encoded file holds none")
    notes += colours.notes
    if colours.profile and not any(f["key"] == "icc_profile" for f in kept):
        notes.append("the colour profile was dropped: it does not describe the output pixels")
    return notes


def _result(data: bytes, name: str, recipe: Recipe, fmt: Format, out_fmt: str, decoded: Decoded,
            inspected: dict | None, outcome: encode.Outcome, steps: list[dict], kept: list[dict], notes: list[str],
            clock: dict) -> dict:
    """The result the page shows: what was done, what the file revealed, what left and what stayed."""
    findings = inspected["findings"] if inspected else []
    kept_keys = {f["key"] for f in kept}
    # Previews of hidden pictures are in findings already; the removed list names them without a copy.
    removed = [{k: v for k, v in f.items() if k != "preview"} for f in findings if f["key"] not in kept_keys]
    settings = outcome.settings
    width, height = outcome.frames[0].size
    suffix = _suffix(recipe, steps, settings, width, height, converted=out_fmt != fmt.name)
    writer = encode.WRITERS[out_fmt]
    return {
        "ok": True, "data": outcome.data, "mime": writer.mime,
        "name": names.output_name(name, suffix, writer.extension),
        "report": {
            "format": out_fmt, "input_format": fmt.name, "operations": steps,
            "width": width, "height": height, "frames": len(outcome.frames),
            "source_width": decoded.source_size[0], "source_height": decoded.source_size[1],
            "quality": settings.quality if settings.lossy else None, "lossless": False,
            "ssim": None if outcome.ssim is None else round(outcome.ssim, 4), "encode_tries": outcome.tries,
            "bytes_in": len(data), "bytes_out": len(outcome.data),
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
    kind = settings.format.upper() + ("" if encode.encoder(settings) == "Pillow" else f" ({encode.encoder(settings)})")
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
