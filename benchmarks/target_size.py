"""The target-size section of the benchmark (benchmarks/run.py --only target_size), issue 16 item 5.

A 12 MP photo (the benchmark's photo12_0.jpg) -> longest edge 3000 -> at most TARGETS_KB (JPEG 500 KB, WebP
150 KB: the issue's case), through process:
  jpeg_s, webp_s         wall seconds in one page worker, proxy search (target: 3 s each)
  worker_steps_ms        the engine's own step times in those runs (decode, pixels, encode)
  node_cpu_s             the same jobs in Pyodide under Node (the same wasm engine), CPU seconds, "before" (every
                         trial a full-size encode, as before issue 16: search.PROXY_MIN_PIXELS set to infinity)
                         and "after", in the same run
  corpus                 natively, every corpus photo of >= 1.1 MP at longest edge CORPUS_EDGE, targets of
                         CORPUS_FRACTIONS of its size at quality 90, JPEG and WebP, both searches:
                         bytes / target (min/median/max), full-size encodes (count of writer calls), and SSIM of
                         the new file minus SSIM of the old one against the picture given to the search (a shrunk
                         file scaled back up to it; also alone over the cases where both files have the same size)
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
PHOTO = "photo12_0.jpg"
TARGETS_KB = {"jpeg": 500, "webp": 150}
LONG_EDGE = 3000
TARGET_S = 3.0
CORPUS_EDGE = 2000
CORPUS_FRACTIONS = (0.5, 0.25)
CORPUS_MIN_PIXELS = 1_100_000


def recipe(fmt: str) -> dict:
    return {"resize": {"long_edge": LONG_EDGE}, "encode": {"format": fmt, "target_kb": TARGETS_KB[fmt]}}


def node_cpu_seconds(photo_path: str, runs: int, cpu) -> dict:
    """Runs inside Pyodide: CPU seconds of each job, before (exhaustive) and after (proxy), interleaved. Under Node
    the page's MozJPEG (a JS module of the worker) is absent, so JPEG is Pillow's writer here, as natively."""
    from imagestudio import api
    from imagestudio.encode import page_codecs, search

    page_codecs.IN_PAGE = False

    data = Path(photo_path).read_bytes()
    proxy_min = search.PROXY_MIN_PIXELS
    api.handle("process", data, recipe("jpeg"), "warm-up.jpg")
    times: dict = {}
    for _ in range(runs):
        for label, threshold in (("before", float("inf")), ("after", proxy_min)):
            search.PROXY_MIN_PIXELS = threshold
            for fmt in TARGETS_KB:
                start = cpu()
                result = api.handle("process", data, recipe(fmt), "bench.jpg")
                times.setdefault(f"{label}_{fmt}", []).append(cpu() - start)
                assert result["ok"] and len(result["data"]) <= TARGETS_KB[fmt] * 1024, result.get("error")
    search.PROXY_MIN_PIXELS = proxy_min
    return times


def _in_node(photo: bytes, runs: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="target-size-"))
    (work / "photo.jpg").write_bytes(photo)
    script = work / "run.py"
    script.write_text(Path(__file__).read_text() + (
        "\nimport json\nprint('RESULT ' + json.dumps(node_cpu_seconds(ARGV[0], int(ARGV[1]), "
        "lambda: js_cpu_ms() / 1000)))\n"))
    done = subprocess.run(["node", str(ROOT / "benchmarks" / "pyodide_run.mjs"), str(script), str(work / "photo.jpg"),
                           str(runs)], capture_output=True, text=True, check=True)
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    return json.loads(line[len("RESULT "):])


def _corpus_pictures(corpus: Path) -> list:
    from PIL import Image
    pictures = []
    for path in sorted(corpus.iterdir()):
        try:
            with Image.open(path) as im:
                if im.width * im.height < CORPUS_MIN_PIXELS:
                    continue
                im = im.convert("RGB")
        except Exception:  # noqa: BLE001 - not a picture Pillow reads (HEIC, the catalogue, a damaged file)
            continue
        scale = min(1.0, CORPUS_EDGE / max(im.size))
        pictures.append((path.name, im.resize((round(im.width * scale), round(im.height * scale)),
                                              Image.Resampling.LANCZOS)))
    return pictures


def corpus(corpus_dir: Path, stat) -> dict:
    """Natively: how close to the target each search lands, how many full encodes, SSIM new - old."""
    from PIL import Image

    from imagestudio.encode import proxy, search, writers
    from imagestudio.quality import Reference
    from imagestudio.recipe import Encode

    real_save, proxy_min = writers.save, search.PROXY_MIN_PIXELS
    trial_sizes = {(proxy.GRID * proxy.TILE,) * 2, (proxy.ALIGN,) * 2}  # the proxy and the fixed-cost picture
    calls: list = []

    def counting(frames, settings, *args, **kwargs):
        calls.append(frames[0].size)
        return real_save(frames, settings, *args, **kwargs)

    def run(frame, fmt, kb, threshold):
        search.PROXY_MIN_PIXELS = threshold
        calls.clear()
        started = time.process_time()
        outcome = search.compress([frame], Encode(format=fmt, target_kb=kb), fmt, name="corpus")
        seconds = time.process_time() - started
        with Image.open(io.BytesIO(outcome.data)) as out:
            out = out.convert("RGB")
            if out.size != frame.size:  # a shrunk file is judged at the size it was asked for
                out = out.resize(frame.size, Image.Resampling.LANCZOS)
        full = sum(1 for size in calls if size not in trial_sizes)  # the picture's own encodes, at any scale
        return len(outcome.data) / (kb * 1024), Reference(frame).ssim(out), full, seconds, outcome.frames[0].size

    writers.save = counting
    rows: dict = {fmt: [] for fmt in TARGETS_KB}
    try:
        for _name, frame in _corpus_pictures(corpus_dir):
            for fmt in TARGETS_KB:
                top = len(real_save([frame], writers.Settings(format=fmt, quality=search.TARGET_MAX_QUALITY)))
                for fraction in CORPUS_FRACTIONS:
                    kb = max(1.0, top * fraction / 1024)
                    new = run(frame, fmt, kb, proxy_min)
                    old = run(frame, fmt, kb, float("inf"))
                    rows[fmt].append({"new": new, "old": old})
    finally:
        writers.save, search.PROXY_MIN_PIXELS = real_save, proxy_min
    report = {}
    for fmt, cases in rows.items():
        fulls = [c["new"][2] for c in cases]
        same_size = [c["new"][1] - c["old"][1] for c in cases if c["new"][4] == c["old"][4]]
        report[fmt] = {
            "cases": len(cases),
            "bytes_per_target": stat([c["new"][0] for c in cases]),
            "bytes_per_target_before": stat([c["old"][0] for c in cases]),
            "ssim_minus_before": stat([c["new"][1] - c["old"][1] for c in cases], 4),
            # Where both files have the same size in pixels (no shrink, or the same one): no resampling in the way.
            "ssim_minus_before_same_size": stat(same_size or [0.0], 4), "same_size_cases": len(same_size),
            "full_encodes": {str(n): fulls.count(n) for n in sorted(set(fulls))},
            "full_encodes_before": stat([c["old"][2] for c in cases], 0),
            "native_cpu_s": stat([c["new"][3] for c in cases]),
            "native_cpu_s_before": stat([c["old"][3] for c in cases]),
        }
    return report


def measure(bench_page, context, url: str, inputs: dict[str, bytes], runs: int, stat, corpus_dir: Path) -> dict:
    page = bench_page(context, url, pool_size=1)
    jobs = {fmt: [{"op": "process", "name": PHOTO, "input": PHOTO, "options": recipe(fmt)}] for fmt in TARGETS_KB}
    page.evaluate("(jobs) => bench.runSummary(jobs)", jobs["jpeg"])  # warm-up: first-call imports
    seconds: dict = {fmt: [] for fmt in TARGETS_KB}
    steps: dict = {fmt: [] for fmt in TARGETS_KB}
    landing = {}
    for _ in range(runs):
        for fmt, one in jobs.items():
            summary = page.evaluate("(jobs) => bench.runSummary(jobs)", one)
            result = summary["results"][0]
            if not result["ok"] or result["size"] > TARGETS_KB[fmt] * 1024:
                raise SystemExit(f"target_size: {fmt} failed or over the target: {result}")
            seconds[fmt].append(summary["seconds"])
            steps[fmt].append(result["speed"] or {})
            landing[fmt] = {"bytes_per_target": round(result["size"] / (TARGETS_KB[fmt] * 1024), 3),
                            "quality": result["quality"]}
    page.close()
    node_runs = max(1, min(runs, 3))  # the search before costs ~20 s of CPU per WebP run
    node = _in_node(inputs[PHOTO], node_runs)
    return {
        "jpeg_s": stat(seconds["jpeg"]), "webp_s": stat(seconds["webp"]), "target_s": TARGET_S,
        "recipe": f"12 MP -> long edge {LONG_EDGE}, JPEG <= {TARGETS_KB['jpeg']} KB / WebP <= {TARGETS_KB['webp']} KB",
        "worker_result": landing,
        "worker_steps_ms": {fmt: {k: statistics.median(s[k] for s in rows) for k in rows[0] if k.endswith("_ms")}
                            for fmt, rows in steps.items()},
        "node_cpu_s": {key: stat(values) for key, values in node.items()}, "node_runs": node_runs,
        "corpus": corpus(corpus_dir, stat),
    }


def main(argv=None) -> int:
    """python benchmarks/target_size.py: the native corpus part alone (no browser)."""
    sys.path[:0] = [str(ROOT / "py"), str(ROOT / "benchmarks")]
    import compression
    from run import stat
    print(json.dumps(corpus(compression.CORPUS, stat), indent=1))
    return 0


if __name__ == "__main__" and "ARGV" not in globals():  # ARGV: running inside Pyodide
    sys.exit(main())
