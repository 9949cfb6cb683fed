"""Fingerprint what the engine returns for every corpus file, to prove a refactor changed no behaviour.

    python3 tools/engine_digest.py OUT.json [--py PATH_TO_py] [--corpus DIR ...]
    python3 tools/engine_digest.py --compare A.json B.json

Each corpus file goes through inspect, clean and process under the three clean policies (the default and the
ones the CLI's --no-keep-orientation, --no-keep-icc and --keep-copyright give), process with a re-encoding
recipe under the same policies, process with every preset and with recipes that take every other path
(RECIPES). For each run it records the sha256 of the returned bytes and of the result JSON without its timing
fields (report.speed.*_ms) and memory addresses.
"""

import argparse
import hashlib
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POLICIES = {
    "default": {},
    "no_orientation": {"keep_orientation": False},
    "no_icc": {"keep_icc": False},
    "copyright": {"keep_copyright": True},
}
REENCODE = {"resize": {"long_edge": 512}}  # a pixel step, so process re-encodes instead of cleaning
# Every other path of process: crop (aspect, turn, box), watermark, palette PNG, target size, auto quality, SSIM.
RECIPES = {
    "crop_rotate": {"crop": {"aspect": "16:9", "rotate": 90}, "resize": {"long_edge": 256}},
    "crop_box_webp": {"crop": {"box": [0, 0, 8, 8]}, "encode": {"format": "webp", "quality": 60}},
    "watermark_png": {"watermark": {"text": "(c) digest", "position": "tiled"}, "resize": {"long_edge": 256},
                      "encode": {"format": "png", "colors": 64}},
    "target_ssim": {"resize": {"long_edge": 256}, "encode": {"format": "jpeg", "target_kb": 8},
                    "report": {"ssim": True}},
    "auto_webp": {"resize": {"long_edge": 256}, "encode": {"format": "webp", "auto_quality": "balanced"}},
    "keep_q70": {"encode": {"quality": 70}},
}
SKIP = {".json", ".md", ".tsv"}


def _digest(result: dict) -> dict:
    payload = result.get("data")
    meta = {k: v for k, v in result.items() if k != "data"}
    speed = meta.get("report", {}).get("speed")
    if isinstance(speed, dict):
        meta["report"] = dict(meta["report"], speed={k: v for k, v in speed.items() if not k.endswith("_ms")})
    # Pillow names the BytesIO object it could not identify by its memory address: not behaviour.
    text = re.sub(r"at 0x[0-9a-f]+>", "at 0x?>", json.dumps(meta, sort_keys=True, default=repr))
    return {"data": hashlib.sha256(payload).hexdigest() if payload else None,
            "result": hashlib.sha256(text.encode()).hexdigest(),
            "ok": bool(result.get("ok"))}


def runs(presets: list[str]) -> list[tuple[str, str, dict]]:
    out = [("inspect", "-", {})]
    for label, policy in POLICIES.items():
        out.append(("clean", label, {"policy": policy}))
        out.append(("process", f"reencode/{label}", {**REENCODE, "policy": policy}))
    out.append(("process", "empty", {}))
    out += [("process", f"recipe/{label}", recipe) for label, recipe in RECIPES.items()]
    out += [("process", f"preset/{name}", recipe) for name, recipe in presets]
    return out


def collect(corpus_dirs: list[Path]) -> dict:
    from imagestudio import api
    catalogue = api.handle("presets", b"", {})["report"]["presets"]
    presets = [(entry["id"], entry["recipe"]) for entry in catalogue]
    out = {}
    for folder in corpus_dirs:
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in SKIP or not path.is_file():
                continue
            data = path.read_bytes()
            for op, variant, options in runs(presets):
                out[f"{folder.name}/{path.name} {op} {variant}"] = _digest(api.handle(op, data, options, path.name))
            print(".", end="", flush=True, file=sys.stderr)
    print(file=sys.stderr)
    return out


def compare(a: dict, b: dict) -> int:
    differ = sorted(k for k in a.keys() & b.keys() if a[k] != b[k])
    only = sorted(a.keys() ^ b.keys())
    for key in differ[:40]:
        print("differs:", key)
    for key in only[:40]:
        print("only in one:", key)
    print(f"{len(a.keys() & b.keys())} runs compared, {len(differ)} differ, {len(only)} in one file only; "
          f"{sum(v['ok'] for v in a.values())} ok results")
    return 1 if differ or only else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", nargs="?")
    parser.add_argument("--py", default=str(ROOT / "py"), help="the engine's folder (default: this checkout's py/)")
    parser.add_argument("--corpus", nargs="*", default=[str(ROOT.parent / "shared" / "corpus")])
    parser.add_argument("--compare", nargs=2, metavar="JSON")
    args = parser.parse_args()
    if args.compare:
        a, b = (json.loads(Path(p).read_text()) for p in args.compare)
        return compare(a, b)
    sys.path.insert(0, args.py)
    result = collect([Path(c) for c in args.corpus])
    Path(args.out).write_text(json.dumps(result, indent=0, sort_keys=True))
    print(f"{len(result)} runs over {len({k.split(' ')[0] for k in result})} files -> {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
