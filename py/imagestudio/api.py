"""The one entry point: handle(op, data, options, name) -> result dict.

The web worker, the tests and the command line all call this. A result is either
{"ok": True, "data": bytes | None, "mime", "name", "report"} or
{"ok": False, "error": {"code", "message"}}; the message always names the file.
"""

import json
import os

from . import __version__, colour, names, receipt
from .containers import CONTAINERS, heif
from .errors import BadOptions, EngineError, StillDirty, UnsupportedFormat
from .policy import CleanPolicy
from .recipe import Output
from .report import sort_findings, summarize
from .sniff import AVIF, HEIF, identify, sniff
from .archive import zip_op
from .process import process
from .catalogue import presets_op
from .recipe import import_op


def output_name(name: str, suffix: str, extension: str) -> str:
    return names.output_name(name, suffix, extension)


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
    # What the name gives away, and whether the result's name still carries it (then the page suggests a naming).
    report["name_leaks"] = names.leaks(name)
    report["name_kept"] = bool(report["name_leaks"]) and stem in result["name"]


def _report(fmt, findings, **extra) -> dict:
    findings = sort_findings(findings)
    return {"format": fmt.name, "findings": [f.to_dict() for f in findings],
            "summary": summarize(findings), **extra}


def inspect(data: bytes, name: str = "", options: dict | None = None) -> dict:
    fmt = identify(data)
    if fmt in (HEIF, AVIF):
        # HEIC/AVIF cannot be cleaned here, but what they reveal can still be shown.
        return {"ok": True, "data": None, "mime": fmt.mime, "name": name,
                "report": _report(fmt, heif.inspect(data, name), cleanable=False,
                                  notes=[f"{fmt.name.upper()} can be inspected but not cleaned yet (the browser "
                                         "build of Pillow cannot decode it): convert it to JPEG first"])}
    fmt = sniff(data, name)
    container = CONTAINERS.get(fmt.name)
    if container is None:
        raise UnsupportedFormat(f"{name or 'this file'}: {fmt.name.upper()} inspection is not supported yet")
    return {"ok": True, "data": None, "mime": fmt.mime, "name": name,
            "report": _report(fmt, container.inspect(data, name), cleanable=True)}


def verify_clean(output: bytes, policy: CleanPolicy, name: str = "") -> list:
    """Re-inspect bytes about to be returned; raise StillDirty if anything the policy removes is there.

    Every path that returns image bytes (lossless clean, re-encode) must pass through this.
    Returns the findings that the policy allows to stay.
    """
    fmt = sniff(output, name)
    after = CONTAINERS[fmt.name].inspect(output, name)
    leftover = [f for f in after if not policy.allows(f)]
    if leftover:
        what = ", ".join(sorted({f.label for f in leftover}))
        raise StillDirty(f"{name or 'this file'}: refused to return a file that still holds: {what}")
    return after


def clean(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Lossless metadata removal, verified by re-inspecting the output (fail closed)."""
    policy = CleanPolicy.from_dict((options or {}).get("policy"))
    fmt = sniff(data, name)
    container = CONTAINERS.get(fmt.name)
    if container is None:
        raise UnsupportedFormat(f"{name or 'this file'}: cleaning {fmt.name.upper()} is not supported yet")
    before = container.inspect(data, name)
    cleaned = container.clean(data, policy, name)
    notes = container.notes(data, name) if hasattr(container, "notes") else []  # before verify: shares the parse
    notes += colour.lossless_notes(before, policy.keep_icc)
    after = verify_clean(cleaned, policy, name)
    # Honest about what left: an allowed item counts as kept only if the output really still shows it.
    still_there = {(f.key, f.value) for f in after}
    removed = [f for f in before if not (policy.allows(f) and (f.key, f.value) in still_there)]
    # Lossless containers copy the compressed picture untouched; the others re-encode it (and say so).
    lossless = getattr(container, "LOSSLESS", True)
    return {"ok": True, "data": cleaned, "mime": fmt.mime,
            "name": output_name(name, "clean", fmt.extension),
            # The hidden pictures' previews are in findings already: once is enough (~1/3 of a report's JSON).
            "report": _report(fmt, before, removed=[f.to_dict(preview=False) for f in sort_findings(removed)],
                              kept=[f.to_dict() for f in sort_findings(after)],
                              lossless=lossless, reencoded=not lossless, notes=notes,
                              policy=policy.to_dict(), bytes_in=len(data), bytes_out=len(cleaned))}


OPERATIONS = {
    "inspect": inspect,
    "clean": clean,
    "process": process,      # recipe: crop, resize, watermark, re-encode (process.py)
    "zip": zip_op,           # many results -> one ZIP (archive.py)
    "presets": presets_op,   # the catalogue: recipe defaults, presets, choices, page facts (catalogue.py)
    "receipt": receipt.receipt_op,  # the privacy receipt of a batch, JSON or a readable page (receipt.py)
    "import_recipe": import_op,  # a recipe file checked against the engine's schema (recipe.py)
}


RECEIPTS = {"clean", "process"}  # operations whose results carry a privacy receipt (receipt.py)


def handle(op: str, data: bytes, options: dict | None = None, name: str = "") -> dict:
    """Run one operation on one file; never raises for bad input, returns an error result instead."""
    try:
        if op not in OPERATIONS:
            raise BadOptions(f"unknown operation {op!r}")
        raw = bytes(data)
        result = OPERATIONS[op](raw, name, options or {})
        if op in RECEIPTS and result.get("ok") and result.get("data") is not None:
            policy = CleanPolicy.from_dict((options or {}).get("policy")).to_dict()
            _named(result, name, options or {})
            result["report"]["receipt"] = receipt.for_file(raw, name, result, policy)
        return result
    except EngineError as err:
        return {"ok": False, "error": err.to_dict()}
    except MemoryError:
        return {"ok": False, "error": {"code": "too_large", "message": f"{name or 'this file'}: ran out of memory"}}
    except Exception as err:  # noqa: BLE001 - a bug must still name the file and keep the batch going
        return {"ok": False, "error": {"code": "internal",
                                       "message": f"{name or 'this file'}: internal error ({type(err).__name__}: {err})"}}


def handle_js(op: str, data, options_json: str, name: str):
    """Adapter for the web worker: JS bytes in, (metadata JSON, payload bytes or None) out."""
    raw = data.to_bytes() if hasattr(data, "to_bytes") else bytes(data)
    result = handle(op, raw, json.loads(options_json or "{}"), name)
    payload = result.pop("data", None)
    return json.dumps(result), payload


def versions() -> dict:
    import PIL
    import piexif
    return {"imagestudio": __version__, "pillow": PIL.__version__, "piexif": piexif.VERSION}
