"""Privacy receipts: what a clean found, removed and kept, for one file or a batch, as JSON and as a readable page.

A receipt holds the sha256 of the input and the output, the policy, whether the pictures are identical, and the
engine version. It records no time of its own unless asked (with_time), so two runs give the same receipt.
"""

import hashlib
import html
import json
import time

from . import __version__
from .errors import BadOptions


def _items(findings: list) -> list:
    return [{"label": f["label"], "value": f["value"], "where": f["where"]} for f in findings]


def for_file(data_in: bytes, name: str, result: dict, policy: dict) -> dict:
    """The receipt's own facts for one successful clean or process result (the report holds the findings)."""
    report = result["report"]
    lossless = bool(report.get("lossless", False))
    return {
        "input": {"name": name, "bytes": len(data_in), "sha256": hashlib.sha256(data_in).hexdigest()},
        "output": {"name": result["name"], "bytes": len(result["data"]),
                   "sha256": hashlib.sha256(result["data"]).hexdigest()},
        "policy": policy,
        # Lossless cleans copy the coded picture byte for byte; re-encoding cleans (BMP, TIFF) prove the pixels
        # equal before returning them; process re-encodes as the recipe asks.
        "coded_image_identical": lossless,
        "pixels_identical": lossless or bool(report.get("reencoded")),
        "engine": {"imagestudio": __version__},
    }


def full(report: dict) -> dict:
    """One file's complete receipt, from its result's report."""
    return {**report["receipt"], "found": _items(report.get("findings", [])),
            "removed": _items(report.get("removed", [])), "kept": _items(report.get("kept", [])),
            "notes": list(report.get("notes", []))}


def for_batch(reports: list, with_time: bool = False) -> dict:
    """The receipt of a batch, from its results' reports (in order)."""
    out = {"engine": {"imagestudio": __version__}, "count": len(reports), "files": [full(r) for r in reports]}
    if with_time:
        out["made"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    return out


def receipt_op(data: bytes = b"", name: str = "", options: dict | None = None) -> dict:
    """Operation "receipt": options = {"reports": [report, ...], "page": false, "with_time": false}, the reports
    of clean or process results; returns the batch's receipt as JSON, or as a readable page when page is true."""
    options = options or {}
    unknown = set(options) - {"reports", "page", "with_time"}
    reports = options.get("reports")
    if unknown or not isinstance(reports, list) or not all(isinstance(r, dict) and "receipt" in r for r in reports):
        raise BadOptions("receipt needs options.reports, the reports of clean or process results (and optionally "
                         "page and with_time)")
    summary = for_batch(reports, with_time=options.get("with_time") is True)
    as_page = options.get("page") is True
    text = page(summary) if as_page else json.dumps(summary, indent=2)
    return {"ok": True, "data": text.encode("utf-8"), "mime": "text/html" if as_page else "application/json",
            "name": name or ("privacy-receipt.html" if as_page else "privacy-receipt.json"),
            "report": {"count": len(reports)}}


def _list(title: str, items: list) -> str:
    if not items:
        return f"<h3>{title}</h3><p>nothing</p>"
    rows = "".join(f"<li><b>{html.escape(i['label'])}</b>: {html.escape(str(i['value']))} "
                   f"<small>({html.escape(i['where'])})</small></li>" for i in items)
    return f"<h3>{title}</h3><ul>{rows}</ul>"


def page(batch: dict) -> str:
    """A self-contained page (no scripts, no links out) that reads the receipt to a person."""
    parts = []
    for r in batch["files"]:
        same = ("the coded picture is byte for byte the original's" if r["coded_image_identical"] else
                "the pixels are identical to the original's" if r["pixels_identical"] else
                "the picture was re-encoded (its pixels changed as the recipe asked)")
        kept_policy = ", ".join(k.replace("_", " ") for k, v in sorted(r["policy"].items()) if v) or "nothing"
        parts.append(
            f"<section><h2>{html.escape(r['input']['name'])} → {html.escape(r['output']['name'])}</h2>"
            f"<p>Input sha256 <code>{r['input']['sha256']}</code> ({r['input']['bytes']} bytes)<br>"
            f"Output sha256 <code>{r['output']['sha256']}</code> ({r['output']['bytes']} bytes)<br>"
            f"Policy: keep {html.escape(kept_policy)}; {same}.</p>"
            + _list("Removed", r["removed"]) + _list("Kept", r["kept"])
            + "".join(f"<p><i>{html.escape(n)}</i></p>" for n in r["notes"]) + "</section>")
    made = f"<p>Made {batch['made']}</p>" if "made" in batch else ""
    return ("<!doctype html><meta charset=utf-8><title>Privacy receipt</title>"
            "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
            "code{word-break:break-all}</style>"
            f"<h1>Privacy receipt</h1><p>Image Studio engine {html.escape(batch['engine']['imagestudio'])}, "
            f"{batch['count']} file(s).</p>{made}" + "".join(parts))
