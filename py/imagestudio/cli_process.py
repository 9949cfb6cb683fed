"""`python -m imagestudio process FILE... -o OUTDIR [--recipe recipe.json] [--preset NAME] [flags]`

The recipe is built in layers: a preset, then a recipe JSON file (the same shape the page sends), then
flags; each layer overrides single keys of the one before. Exits 1 if any file failed; one failure
never stops the others.
"""

import argparse
import base64
import json
import os
from pathlib import Path

from . import api, archive
from .cli_files import add_receipt_flags, name_note, read_inputs, write_new, write_receipt
from .errors import BadOptions
from .names import NAMINGS
from .recipe import AUTO_QUALITY, FITS, FORMATS, POSITIONS, PRESETS, SUBSAMPLING, Recipe

# flag dest -> (recipe section, key); a flag left unset (None) leaves the recipe alone
FLAGS = {
    "max_edge": ("resize", "long_edge"), "width": ("resize", "width"), "height": ("resize", "height"),
    "percent": ("resize", "percent"), "fit": ("resize", "fit"), "upscale": ("resize", "upscale"),
    "crop_anchor": ("crop", "anchor"),
    "watermark_text": ("watermark", "text"), "watermark_position": ("watermark", "position"),
    "watermark_opacity": ("watermark", "opacity"), "watermark_color": ("watermark", "color"),
    "watermark_rotation": ("watermark", "rotation"), "watermark_margin": ("watermark", "margin"),
    "format": ("encode", "format"), "quality": ("encode", "quality"), "auto_quality": ("encode", "auto_quality"),
    "target_kb": ("encode", "target_kb"), "progressive": ("encode", "progressive"),
    "subsampling": ("encode", "subsampling"), "optimize": ("encode", "optimize"),
    "lossless": ("encode", "lossless"), "colors": ("encode", "colors"), "dither": ("encode", "dither"),
    "background": ("encode", "background"), "oxipng": ("encode", "oxipng"),
    "shrink_lossless": ("encode", "shrink_lossless"),
    "keep_orientation": ("policy", "keep_orientation"), "keep_icc": ("policy", "keep_icc"),
    "keep_copyright": ("policy", "keep_copyright"), "keep_capture_date": ("policy", "keep_capture_date"),
    "capture_date_only": ("policy", "capture_date_only"),
    "naming": ("output", "naming"), "name_pattern": ("output", "pattern"),
    "keep_file_dates": ("output", "keep_file_dates"),
}


def add_parser(sub) -> None:
    p = sub.add_parser("process", help="crop, resize, watermark and re-encode with a recipe")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output", required=True, help="folder for the results")
    p.add_argument("--recipe", help="recipe JSON file (the page's format)")
    p.add_argument("--preset", choices=list(PRESETS))
    p.add_argument("--zip", metavar="NAME", help="also pack every result into OUTDIR/NAME")
    p.add_argument("--json", action="store_true", help="print each result's report as JSON")
    p.add_argument("--crop", help="an aspect such as 16:9, or a box left,top,right,bottom")
    p.add_argument("--crop-anchor")
    p.add_argument("--max-edge", type=int)
    p.add_argument("--width", type=int)
    p.add_argument("--height", type=int)
    p.add_argument("--percent", type=float)
    p.add_argument("--fit", choices=FITS)
    p.add_argument("--upscale", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--watermark-text")
    p.add_argument("--watermark-image", help="PNG logo with transparency")
    p.add_argument("--watermark-size", type=float,
                   help="text height, or logo size, as a fraction of the picture's shorter side")
    p.add_argument("--watermark-position", choices=POSITIONS)
    p.add_argument("--watermark-opacity", type=float)
    p.add_argument("--watermark-color")
    p.add_argument("--watermark-rotation", type=float)
    p.add_argument("--watermark-margin", type=float)
    p.add_argument("--format", choices=FORMATS)
    p.add_argument("--quality", type=int)
    p.add_argument("--auto-quality", choices=[k for k in AUTO_QUALITY if k != "off"])
    p.add_argument("--target-kb", type=float)
    p.add_argument("--progressive", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--subsampling", choices=SUBSAMPLING)
    p.add_argument("--optimize", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--lossless", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--colors", type=int)
    p.add_argument("--dither", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--background")
    p.add_argument("--oxipng", action=argparse.BooleanOptionalAction, default=None,
                   help="PNG output: OxiPNG's lossless optimisation (needs pip install pyoxipng==9.1.1)")
    p.add_argument("--shrink-lossless", action=argparse.BooleanOptionalAction, default=None,
                   help="lossless clean: recode JPEGs losslessly, pixels proven identical "
                        "(needs pip install mozjpeg-lossless-optimization==1.3.2)")
    p.add_argument("--keep-orientation", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--keep-icc", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--keep-copyright", action=argparse.BooleanOptionalAction, default=None)
    p.add_argument("--keep-capture-date", action=argparse.BooleanOptionalAction, default=None,
                   help="keep EXIF DateTimeOriginal (never its time zone, subseconds or GPS time)")
    p.add_argument("--capture-date-only", action=argparse.BooleanOptionalAction, default=None,
                   help="with --keep-capture-date: the day, not the time of day")
    p.add_argument("--naming", choices=NAMINGS, help="result names: NAME-what (suffix), photo-001, random, pattern")
    p.add_argument("--name-pattern", help="for --naming pattern: {n} number, {name} original name, {what} suffix")
    p.add_argument("--keep-file-dates", action=argparse.BooleanOptionalAction, default=None,
                   help="give results (and ZIP entries) the originals' modification dates")
    add_receipt_flags(p)
    p.set_defaults(run=cmd_process)


def build_recipe(args) -> dict:
    """Preset, then recipe file, then flags. Raises BadOptions with the reason."""
    recipe = json.loads(json.dumps(PRESETS[args.preset]["recipe"])) if args.preset else {}
    if args.recipe:
        try:
            loaded = json.loads(Path(args.recipe).read_text(encoding="utf-8"))
        except (OSError, ValueError) as err:
            raise BadOptions(f"{args.recipe}: cannot read the recipe ({err})") from None
        if not isinstance(loaded, dict):
            raise BadOptions(f"{args.recipe}: the recipe must be a JSON object")
        for section, values in loaded.items():
            if isinstance(values, dict) and isinstance(recipe.get(section), dict):
                recipe[section].update(values)
            else:
                recipe[section] = values
    for dest, (section, key) in FLAGS.items():
        value = getattr(args, dest)
        if value is not None:
            recipe.setdefault(section, {})[key] = value
    if args.crop:
        parts = args.crop.split(",")
        crop = recipe.setdefault("crop", {})
        if len(parts) == 4 and all(p.strip().isdigit() for p in parts):
            crop["box"], crop["aspect"] = [int(p) for p in parts], "free"
        else:
            crop["aspect"] = args.crop
    if args.watermark_image:
        try:
            raw = Path(args.watermark_image).read_bytes()
        except OSError as err:
            raise BadOptions(f"{args.watermark_image}: cannot read the logo ({err.strerror})") from None
        recipe.setdefault("watermark", {})["logo"] = base64.b64encode(raw).decode()
    if args.watermark_size is not None:
        wm = recipe.setdefault("watermark", {})
        wm["logo_scale" if wm.get("logo") else "font_size"] = args.watermark_size
    Recipe.from_dict(recipe)  # fail once, up front, on a bad recipe
    return recipe


def cmd_process(args) -> int:
    try:
        recipe = build_recipe(args)
    except BadOptions as err:
        print(f"error  {err.message}")
        return 2
    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    taken = {Path(p).resolve() for p in args.files}
    failed, written, reports, receipts, dates = 0, [], {}, [], []
    keep_dates = bool(recipe.get("output", {}).get("keep_file_dates"))
    for index, (path, data) in enumerate(read_inputs(args.files), start=1):
        if data is None:
            failed += 1
            continue
        recipe.setdefault("output", {})["index"] = index
        result = api.handle("process", data, recipe, Path(path).name)
        if not result["ok"]:
            print(f"error  {result['error']['message']}")
            failed += 1
            reports[path] = result
            continue
        target = write_new(outdir, result["name"], result["data"], taken)
        written.append((target.name, result["data"]))
        modified = Path(path).stat().st_mtime if keep_dates else None
        if modified is not None:
            os.utime(target, (modified, modified))
        dates.append(archive.zip_date(None if modified is None else modified * 1000))
        receipts.append(result["report"])
        report = result["report"]
        reports[path] = {k: v for k, v in result.items() if k != "data"}
        if not args.json:
            size = f"{report['width']}x{report['height']}" if "width" in report else "same pixels"
            q = f", quality {report['quality']}" if report.get("quality") else ""
            ssim = f", SSIM {report['ssim']}" if report.get("ssim") else ""
            print(f"ok     {path} -> {target} ({size}{q}{ssim}; {report['bytes_in']} -> {report['bytes_out']} bytes, "
                  f"{len(report.get('removed', []))} metadata item(s) removed)")
            for note in report.get("notes", []):
                print(f"       note: {note}")
            if warning := name_note(report, "--naming sequence or random names the results anonymously"):
                print(warning)
    if args.zip and written:
        target = write_new(outdir, args.zip if args.zip.endswith(".zip") else args.zip + ".zip",
                            archive.make_zip(written, dates=dates), taken)
        print(f"zip    {target} ({len(written)} file(s))")
    if args.json:
        print(json.dumps(reports, indent=2))
    write_receipt(args, receipts)
    return 1 if failed else 0
