"""File plumbing shared by the command-line commands: read inputs, write outputs without overwriting."""

import json
from pathlib import Path

from . import archive, receipt


def read_inputs(paths):
    """Yield (path, bytes) per file; bytes is None (after one printed error line) when it cannot be read."""
    for path in paths:
        try:
            yield path, Path(path).read_bytes()
        except OSError as err:
            print(f"error  {path}: cannot read ({err.strerror or err})")
            yield path, None


def write_new(outdir: Path, name: str, data: bytes, taken: set) -> Path:
    """Never overwrite: an input, an earlier output or an existing file gets -2, -3 ..."""
    target = outdir / archive.safe_name(name)
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists() or target.resolve() in taken:
        target = outdir / f"{stem}-{n}{suffix}"
        n += 1
    target.write_bytes(data)
    taken.add(target.resolve())
    return target


def write_receipt(args, reports: list) -> None:
    """--receipt FILE: the batch's privacy receipt, as a readable page when FILE ends in .html, else JSON."""
    if not args.receipt:
        return
    summary = receipt.for_batch(reports, with_time=args.receipt_time)
    as_page = args.receipt.lower().endswith((".html", ".htm"))
    text = receipt.page(summary) if as_page else json.dumps(summary, indent=2)
    Path(args.receipt).write_text(text, encoding="utf-8")
    print(f"receipt {args.receipt} ({len(reports)} file(s))")


def add_receipt_flags(p) -> None:
    p.add_argument("--receipt", metavar="FILE", help="write a privacy receipt (JSON, or a page if FILE ends in .html)")
    p.add_argument("--receipt-time", action="store_true", help="record in the receipt when it was made")


def name_note(report: dict, fix: str) -> str | None:
    """The warning for a result whose name still gives away what the original's name revealed (names.py)."""
    if not report.get("name_kept"):
        return None
    return f"       note: the name still gives away {', '.join(report['name_leaks'])}; {fix}"
