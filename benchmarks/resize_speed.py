"""12 MP JPEG -> longest edge 2048 -> JPEG q80: the engine's `process` against native Pillow done the
plain way (full decode, RGB LANCZOS, save quality=80), natively and inside Pyodide.

    python benchmarks/resize_speed.py [--runs 9] [--wasm]

Prints the median CPU time (and quartiles) of each, the ratio to the native plain way, and the SSIM of
each output against the native plain output (imagestudio.quality: luma, full resolution). CPU time is
used because wall time swings with whatever else the machine runs; --wasm needs node and a built
.cache (python3 build.py).
"""

import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1] if "__file__" in globals() else None  # None inside Pyodide
RECIPE = {"resize": {"long_edge": 2048}, "encode": {"format": "jpeg", "quality": 80}}


def measure(photo_path: str, reference_path: str, runs: int, cpu) -> dict:
    """Runs in CPython or in Pyodide: time plain vs process on the photo, SSIM vs the reference."""
    from PIL import Image

    from imagestudio import api, quality

    data = Path(photo_path).read_bytes()

    def plain():
        with Image.open(io.BytesIO(data)) as im:
            small = im.resize((2048, 1536), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        small.save(out, "JPEG", quality=80)
        return out.getvalue()

    def engine():
        result = api.handle("process", data, RECIPE, "bench.jpg")
        assert result["ok"], result
        return result["data"]

    reference = quality.Reference(Image.open(reference_path).convert("RGB"))
    times, outputs = {"plain": [], "process": []}, {}
    for _ in range(runs):
        for label, fn in (("plain", plain), ("process", engine)):
            start = cpu()
            outputs[label] = fn()
            times[label].append(cpu() - start)
    report = {}
    for label, xs in times.items():
        xs = sorted(xs)
        with Image.open(io.BytesIO(outputs[label])) as im:
            score = reference.ssim(im.convert("RGB"))
        report[label] = {"median_s": round(statistics.median(xs), 4), "q1_s": round(xs[len(xs) // 4], 4),
                         "q3_s": round(xs[(3 * len(xs)) // 4], 4), "bytes": len(outputs[label]),
                         "ssim_vs_native_plain": round(score, 4)}
    return report


def main(argv=None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--wasm", action="store_true", help="also run inside Pyodide (node)")
    args = parser.parse_args(argv)
    sys.path[:0] = [str(ROOT / "py"), str(ROOT)]
    from PIL import Image

    from benchmarks.photos import photo

    work = Path(tempfile.mkdtemp(prefix="resize-speed-"))
    photo_path, reference_path = work / "photo12.jpg", work / "plain-native.jpg"
    photo_path.write_bytes(photo(12))
    with Image.open(photo_path) as im:
        im.resize((2048, 1536), Image.Resampling.LANCZOS).save(reference_path, "JPEG", quality=80)
    results = {"native": measure(str(photo_path), str(reference_path), args.runs, time.process_time)}
    if args.wasm:
        script = work / "run.py"
        script.write_text(Path(__file__).read_text() + (
            "\nimport json\nprint('RESULT ' + json.dumps(measure(ARGV[0], ARGV[1], int(ARGV[2]), "
            "lambda: js_cpu_ms() / 1000)))\n"))
        done = subprocess.run(["node", str(ROOT / "benchmarks" / "pyodide_run.mjs"), str(script), str(photo_path),
                               str(reference_path), str(args.runs)], capture_output=True, text=True, check=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
        results["wasm"] = json.loads(line[len("RESULT "):])
    base = results["native"]["plain"]["median_s"]
    for where, report in results.items():
        for label, r in report.items():
            print(f"{where:6s} {label:7s} median {r['median_s']:.3f} s (quartiles {r['q1_s']:.3f}-{r['q3_s']:.3f}), "
                  f"{r['median_s'] / base:.2f}x native plain, {r['bytes']} bytes, "
                  f"SSIM {r['ssim_vs_native_plain']:.4f} vs native plain")
    return 0


if __name__ == "__main__" and "ARGV" not in globals():  # ARGV: running inside Pyodide
    sys.exit(main())
