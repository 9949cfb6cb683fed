"""The one entry point: handle(op, data, options, name) -> result dict.

The web worker, the tests and the command line all call this. A result is either
{"ok": True, "data": bytes | None, "mime", "name", "report"} or
{"ok": False, "error": {"code", "message"}}; the message always names the file.
"""

import importlib
import json
import os
import zlib
from collections.abc import Callable

from . import __version__, names, progress, receipt
from .errors import BadOptions, EngineError
from .policy import CleanPolicy
from .recipe import Output


def _named(result: dict, name: str, options: dict) -> None:
    """Apply the recipe's output naming to a result, and say what the input's name gives away."""
    section = options.get("output") or {}
    if not isinstance(section, dict) or set(section) - set(Output.__dataclass_fields__):
        raise BadOptions(f"{name or 'this file'}: output must be an object with naming, pattern, index, "
                         "keep_file_dates")
    output = Output(**section)
    report = result["report"]
    stem = os.path.splitext(os.path.basename(name or "image"))[0] or "image"
    base, extension = os.path.splitext(result["name"])
    suffix = base[len(stem) + 1:] if base.startswith(stem + "-") else base
    result["name"] = names.output_name(name, suffix, extension[1:], output.naming, output.index, output.pattern)
    # What the name gives away, and whether the result's name still carries something it reveals for sure (then
    # the page and the CLI suggest another naming; a plain word such as "pier" alone would flag every card).
    certain, maybe = names.sorted_leaks(name)
    report["name_leaks"] = certain + maybe
    report["name_kept"] = bool(certain) and stem in result["name"]


# operation -> "module:function". A module is imported by the first job that needs it, so the engine is ready
# sooner in the browser and a batch that never zips or converts never loads that code.
OPERATIONS = {
    "inspect": "cleaning:inspect",     # what a file reveals
    "clean": "cleaning:clean_op",      # metadata removed, verified by re-inspection
    "process": "process:process",      # recipe: crop, resize, watermark, re-encode
    "zip": "archive:zip_op",           # many results -> one ZIP
    "zip_names": "zip_parts:zip_names_op",  # a streamed ZIP, piece by piece: names and dates first,
    "zip_entry": "zip_parts:zip_entry_op",  # then each entry's header (the page adds the result's own bytes),
    "zip_end": "zip_parts:zip_end_op",      # then the central directory
    "presets": "catalogue:presets_op",  # the catalogue: recipe defaults, presets, choices, page facts
    "receipt": "receipt:receipt_op",   # the privacy receipt of a batch, JSON or a readable page
    "import_recipe": "recipe:import_op",  # a recipe file checked against the engine's schema
}


def operation(op: str) -> Callable[[bytes, str, dict], dict]:
    module, function = OPERATIONS[op].split(":")
    return getattr(importlib.import_module(f"{__package__}.{module}"), function)


RECEIPTS = {"clean", "process"}  # operations whose results carry a privacy receipt (receipt.py)


def handle(op: str, data: bytes, options: dict | None = None, name: str = "",
           on_progress: progress.Callback | None = None) -> dict:
    """Run one operation on one file; never raises for bad input, returns an error result instead.
    on_progress(stage, label, fraction), if given, hears each stage of the work (progress.py)."""
    try:
        if op not in OPERATIONS:
            raise BadOptions(f"unknown operation {op!r}")
        raw = bytes(data)
        with progress.reporting(on_progress):
            result = operation(op)(raw, name, options or {})
        if op in RECEIPTS and result.get("ok") and result.get("data") is not None:
            policy = CleanPolicy.from_dict((options or {}).get("policy")).to_dict()
            _named(result, name, options or {})
            result["report"]["receipt"] = receipt.for_file(raw, name, result, policy)
            result["report"]["crc32"] = zlib.crc32(result["data"])  # a stored ZIP entry's header needs it
        return result
    except EngineError as err:
        return {"ok": False, "error": err.to_dict()}
    except MemoryError:
        return {"ok": False, "error": {"code": "too_large", "message": f"{name or 'this file'}: ran out of memory"}}
    except Exception as err:  # noqa: BLE001 - a bug must still name the file and keep the batch going
        message = f"{name or 'this file'}: internal error ({type(err).__name__}: {err})"
        return {"ok": False, "error": {"code": "internal", "message": message}}


def handle_js(op: str, data, options_json: str, name: str, on_progress=None):
    """Adapter for the web worker: JS bytes in, (metadata JSON, payload bytes or None) out.
    on_progress: a JS function (stage, label, fraction), or None."""
    raw = bytes(data) if isinstance(data, (bytes, bytearray, memoryview)) else data.to_bytes()  # a JS Uint8Array
    result = handle(op, raw, json.loads(options_json or "{}"), name, on_progress)
    payload = result.pop("data", None)
    return json.dumps(result), payload


def versions() -> dict:
    import PIL
    import piexif
    return {"imagestudio": __version__, "pillow": PIL.__version__, "piexif": piexif.VERSION}
