"""Command line: the same engine as the page, natively.

    python -m imagestudio inspect FILE... [--json]
    python -m imagestudio clean FILE... -o OUTDIR [--no-keep-orientation] [--no-keep-icc] [--keep-copyright]
    python -m imagestudio process FILE... -o OUTDIR [--recipe recipe.json] [--preset NAME] [--max-edge 2048]
        [--format webp] [--quality 80] [--target-kb 500] [--crop 16:9] [--watermark-text "..."] ...
        (all flags: process --help; cli_process.py)
"""

import argparse
import json
import sys
from pathlib import Path

from . import api, cli_process
from .cli_files import add_receipt_flags, name_note, read_inputs, write_new, write_receipt


def _policy(args) -> dict:
    return {"keep_orientation": args.keep_orientation, "keep_icc": args.keep_icc,
            "keep_copyright": args.keep_copyright, "keep_capture_date": args.keep_capture_date,
            "capture_date_only": args.capture_date_only}


def _headline(summary: dict) -> str:
    facts = [f"location {summary['gps']}" if summary["gps"] else ("location" if summary["location"] else ""),
             f"camera {summary['camera']}" if summary["camera"] else "",
             f"taken {summary['captured']}" if summary["captured"] else ""]
    return "; ".join(f for f in facts if f)


def cmd_inspect(args) -> int:
    failed, results = 0, {}
    result: dict
    for path in args.files:
        try:
            data = Path(path).read_bytes()
        except OSError as err:
            result = {"ok": False, "error": {"code": "unreadable", "message": f"{path}: cannot read ({err.strerror})"}}
        else:
            result = api.handle("inspect", data, {}, Path(path).name)
        results[path] = result
        failed += not result["ok"]
        if args.json:
            continue
        if not result["ok"]:
            print(f"error  {result['error']['message']}")
            continue
        report = result["report"]
        findings = report["findings"]
        headline = _headline(report["summary"])
        print(f"{path}: {len(findings) or 'no'} item(s) found" + (f" ({headline})" if headline else ""))
        for f in findings:
            print(f"  [{f['kind']}] {f['label']}: {f['value']}  ({f['where']})")
        for note in report.get("notes", []):
            print(f"  note: {note}")
    if args.json:
        print(json.dumps(results, indent=2))
    return 1 if failed else 0


def cmd_clean(args) -> int:
    outdir = Path(args.output)
    outdir.mkdir(parents=True, exist_ok=True)
    taken = {Path(p).resolve() for p in args.files}
    failed, receipts = 0, []
    for path, data in read_inputs(args.files):
        if data is None:
            failed += 1
            continue
        if args.shrink_lossless:  # the lossless clean through "process", with the shrink option
            result = api.handle("process", data, {"policy": _policy(args), "encode": {"shrink_lossless": True}},
                                Path(path).name)
        else:
            result = api.handle("clean", data, {"policy": _policy(args)}, Path(path).name)
        if not result["ok"]:
            print(f"error  {result['error']['message']}")
            failed += 1
            continue
        target = write_new(outdir, result["name"], result["data"], taken)
        receipts.append(result["report"])
        removed = len(result["report"]["removed"])
        how = "lossless" if result["report"].get("lossless", True) else "re-encoded, same pixels"
        print(f"ok     {path} -> {target} ({removed} item(s) removed, {how}, "
              f"{len(data)} -> {len(result['data'])} bytes)")
        if warning := name_note(result["report"], "rename the result before sharing it"):
            print(warning)
        for note in result["report"].get("notes", []):
            print(f"  note: {note}")
    write_receipt(args, receipts)
    return 1 if failed else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="imagestudio", description="Inspect, clean and process images locally.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("inspect", help="show what each file reveals")
    p.add_argument("files", nargs="+")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.set_defaults(run=cmd_inspect)
    p = sub.add_parser("clean", help="remove private metadata losslessly")
    p.add_argument("files", nargs="+")
    p.add_argument("-o", "--output", required=True, help="folder for NAME-clean.EXT files")
    p.add_argument("--keep-orientation", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--keep-icc", action=argparse.BooleanOptionalAction, default=True)
    p.add_argument("--keep-copyright", action="store_true", default=False)
    p.add_argument("--keep-capture-date", action="store_true", default=False,
                   help="keep EXIF DateTimeOriginal (never its time zone, subseconds or GPS time)")
    p.add_argument("--capture-date-only", action="store_true", default=False,
                   help="with --keep-capture-date: the day, not the time of day")
    p.add_argument("--shrink-lossless", action="store_true", default=False,
                   help="also recode JPEGs losslessly (MozJPEG's transcode, pixels proven identical; needs pip "
                        "install mozjpeg-lossless-optimization==1.3.2)")
    add_receipt_flags(p)
    p.set_defaults(run=cmd_clean)
    cli_process.add_parser(sub)
    return parser


def main(argv=None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
