"""Image Studio's benchmark: one JSON object, browser and native side by side in one run.

    python3 build.py bench              (builds dist/, then runs this in the pinned .venv)
    python benchmarks/run.py [--runs N] [--only startup,per_image,...]

A timed value is {"median", "min", "max"} over --runs runs (the machine is shared and noisy).
Targets are checked here, never by timed tests. Sections:
  startup      first-visit bytes; drop zone usable, engine ready, first result, cold (fresh profile) and warm
               (2nd visit), against bare loadPyodide() from the same site (see startup.py)
  per_image    12 MP photo -> long edge 2048 -> JPEG q80, metadata clean: worker vs native-naive Pillow
  clean        lossless verified clean of the corpus JPEGs: MB/s in one worker and in the page's pool,
               natively, exiftool -all=
  batch        24 x 12 MP with the "Share safely" preset: one worker vs the pool
  memory       wasm heap for one 24 MP photo, and malloc in-use growth over 50 photos in a row
  responsive   the page's main thread while 8 x 12 MP photos go through the UI with "Share safely": long
               tasks (Long Tasks API) and the longest gap between frames (target: under 200 ms)
  compression  bytes at equal SSIM against MozJPEG q75 (see compression.py); the Web preset's AVIF time in the
               worker (codec_speed.py)
  heif         HEIC/AVIF lossless clean speed against the JPEG clean, a 12 MP HEIC converted (see heif_speed.py)
  batch200     200 small files picked at once: the longest main-thread task (see batch_scale.py)
  batch500     500 x 12 MP phone photos as a folder, clean and Share safely, to the ZIP saved: seconds, the
               browser's peak memory, the longest main-thread task; every ZIP entry checked against its input
  folder_clean 200 phone JPEGs (~600 MB) from the drop to the ZIP saved, against exiftool over the same files
  target_size  a 12 MP photo to a JPEG/WebP size target in the worker, before/after under Node (see target_size.py)
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "py"))

import batch_scale  # noqa: E402
import codec_speed  # noqa: E402
import compression  # noqa: E402
import heif_speed  # noqa: E402
import in_browser  # noqa: E402
import native  # noqa: E402
import photos  # noqa: E402
import startup  # noqa: E402
import target_size  # noqa: E402
from imagestudio.recipe import PRESETS  # noqa: E402

SECTIONS = ("startup", "per_image", "clean", "batch", "memory", "responsive", "compression", "heif",
            "batch200", "batch500", "folder_clean", "target_size")  # batch200..folder_clean: batch_scale.py
PER_IMAGE_RECIPE = {"resize": {"long_edge": native.LONG_EDGE}, "encode": {"format": "jpeg", "quality": native.QUALITY}}
SHARE_RECIPE = PRESETS["share"]["recipe"]
BATCH_SIZE = 24
BATCH_VARIANTS = 6      # distinct pictures, cycled through the batch
LEAK_PHOTOS = 50
RESPONSIVE_PHOTOS = 8
FRAME_GAP_TARGET_MS = 200
# Installed before the page's scripts: every long task (> 50 ms on the main thread) and every frame's gap.
WATCH_MAIN_THREAD = """(() => {
  window.longTasks = []; window.frameGaps = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); })
    .observe({ type: "longtask" });
  let last = performance.now();
  const tick = (now) => { frameGaps.push(now - last); last = now; requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
})();"""


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def stat(values: list[float], digits: int = 3) -> dict:
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits)}


def make_inputs() -> dict[str, bytes]:
    log("making test photos (12 MP x 6, 24 MP x 1) and reading the corpus")
    inputs = {f"photo12_{i}.jpg": photos.photo(12, variant=i) for i in range(BATCH_VARIANTS)}
    inputs["photo24.jpg"] = photos.photo(24)
    for path in sorted(compression.CORPUS.glob("*.jp*g")):
        inputs[f"corpus_{path.name}"] = path.read_bytes()
    return inputs


def corpus_names(inputs) -> list[str]:
    return [name for name in inputs if name.startswith("corpus_")]


def job(op, input_name, options) -> dict:
    return {"op": op, "name": input_name, "input": input_name, "options": options}


# --- sections -----------------------------------------------------------------------------------

def bench_startup(pw, runs, baseline) -> dict:
    dists = {"now": in_browser.build.DIST, **({"baseline": Path(baseline)} if baseline else {})}
    found = startup.measure(pw, dists, photos.photo(12), runs, stat, log)
    return {**found["now"], **({"baseline": found["baseline"]} if baseline else {})}


def bench_per_image(context, url, inputs, runs) -> dict:
    data = inputs["photo12_0.jpg"]
    page = in_browser.bench_page(context, url, pool_size=1)
    one = [job("process", "photo12_0.jpg", PER_IMAGE_RECIPE)]
    page.evaluate("(jobs) => bench.runSummary(jobs)", one)  # warm-up: first-call imports
    native.naive_resize_jpeg(data)
    browser_s, speed, native_s, native_engine_s = [], [], [], []
    for _ in range(runs):  # interleaved, so a burst of load on this shared machine hits both sides
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", one)
        browser_s.append(summary["seconds"])
        speed.append(summary["results"][0]["speed"] or {})
        seconds, native_out = native.timed(native.naive_resize_jpeg, data)
        native_s.append(seconds)
        native_engine_s.append(native.timed(native.api.handle, "process", data, PER_IMAGE_RECIPE, "a.jpg")[0])
    result = page.evaluate("async (jobs) => { const r = await bench.run(jobs); return r.results[0]; }", one)
    page.close()
    if not result["ok"]:
        raise SystemExit(f"per_image: the worker failed: {result['error']}")
    browser_out = bytes(result["bytes"])
    ratios = statistics.median(browser_s) / statistics.median(native_s)
    return {"browser_s": stat(browser_s), "native_naive_s": stat(native_s), "ratio": round(ratios, 3),
            "ssim_vs_native": round(compression.ssim_rgb(browser_out, native_out), 4),
            "native_engine_s": stat(native_engine_s),
            "worker_steps_ms": {k: statistics.median(r[k] for r in speed) for k in speed[0] if k.endswith("_ms")},
            "bytes": {"browser": len(browser_out), "native_naive": len(native_out)}}


def bench_clean(browser, url, inputs, runs) -> dict:
    names = corpus_names(inputs)
    total = sum(len(inputs[n]) for n in names)
    jobs = [job("clean", n, {"policy": {}}) for n in names]
    page = in_browser.bench_page(browser, url, pool_size=1)
    page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)  # warm-up
    worker = []
    for _ in range(runs):
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)
        worker.append(total / summary["seconds"] / 1e6)
    cleaned = sum(1 for r in summary["results"] if r["ok"])
    page.close()
    # What the page itself does with a batch: the default pool (a worker per core), started by a first pass.
    pool_page = in_browser.bench_page(browser, url)
    pool_page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)
    pool = [total / pool_page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)["seconds"] / 1e6 for _ in range(runs)]
    workers = pool_page.evaluate("() => bench.bridge.workers.length")
    pool_page.close()
    files = [inputs[n] for n in names]
    native_mb_s = [total / native.clean_all(files) / 1e6 for _ in range(runs)]
    paths = [compression.CORPUS / n.removeprefix("corpus_") for n in names]
    exiftool = [native.exiftool_all(paths) for _ in range(runs)]
    exiftool_mb_s = stat([total / s / 1e6 for s in exiftool], 1) if exiftool[0] else None
    worker_stat = stat(worker, 1)
    return {"worker_mb_s": worker_stat, "pool_mb_s": stat(pool, 1), "pool_workers": workers,
            "native_mb_s": stat(native_mb_s, 1), "exiftool_mb_s": exiftool_mb_s,
            "worker_vs_exiftool": round(worker_stat["median"] / exiftool_mb_s["median"], 2) if exiftool_mb_s else None,
            "files": len(names), "cleaned_ok": cleaned, "megabytes": round(total / 1e6, 2)}


def bench_batch(context, url, runs) -> dict:
    jobs = [job("process", f"photo12_{i % BATCH_VARIANTS}.jpg", SHARE_RECIPE) for i in range(BATCH_SIZE)]
    for j, item in enumerate(jobs):
        item["name"] = f"IMG_{j:04d}.jpg"

    def batch(page):
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)
        results = summary["results"]
        in_order = all(r["name"] and r["name"].startswith(f"IMG_{j:04d}") for j, r in enumerate(results))
        if not in_order or not all(r["ok"] for r in results):
            raise SystemExit(f"batch: results failed or out of order: {results[:3]}")
        return summary["seconds"]

    single = in_browser.bench_page(context, url, pool_size=1)
    pool_page = in_browser.bench_page(context, url)  # the default pool: one worker per core
    workers_max = pool_page.evaluate("() => bench.bridge.size")
    single.evaluate("(jobs) => bench.runSummary(jobs)", jobs[:1])  # warm-up
    # The pool grows on demand (a worker per core once jobs wait): a short first batch starts them,
    # as a user's first files would, so the timed batches measure the pool itself.
    pool_page.evaluate("(jobs) => bench.runSummary(jobs)", jobs[:2 * workers_max])
    one, pool = [], []
    for _ in range(runs):  # interleaved; idle workers of the other page use no CPU
        one.append(batch(single))
        pool.append(batch(pool_page))
    workers = pool_page.evaluate("() => bench.bridge.workers.length")
    log(f"batch: one worker {one}, pool of {workers} {pool}")
    single.close()
    pool_page.close()
    return {"one_worker_s": stat(one), "pool_s": stat(pool), "workers": workers, "pool_size_limit": workers_max,
            "speedup": round(statistics.median(one) / statistics.median(pool), 2), "photos": BATCH_SIZE}


def bench_responsive(browser, url, inputs, runs) -> dict:
    """Drives the real page as a user does (preset, picker, cards) and watches its main thread meanwhile."""
    import tempfile
    folder = Path(tempfile.mkdtemp(prefix="bench-responsive-"))
    paths = []
    for i in range(RESPONSIVE_PHOTOS):
        path = folder / f"IMG_{i:04d}.jpg"
        path.write_bytes(inputs[f"photo12_{i % BATCH_VARIANTS}.jpg"])
        paths.append(str(path))
    counts, longest, blocking, gaps = [], [], [], []
    for _ in range(runs):
        context = browser.new_context()
        context.add_init_script(WATCH_MAIN_THREAD)
        page = context.new_page()
        page.goto(url)
        page.locator('#engine[data-state="ready"]').wait_for(timeout=in_browser.BOOT_TIMEOUT_MS)
        page.get_by_role("radio", name="Share safely").check()
        page.evaluate("() => { longTasks.length = 0; frameGaps.length = 0; }")
        page.set_input_files("#picker", paths)
        page.locator('.file[data-state="done"]').nth(RESPONSIVE_PHOTOS - 1).wait_for(timeout=900_000)
        seen = page.evaluate("() => ({ tasks: longTasks, gaps: frameGaps })")
        context.close()
        counts.append(len(seen["tasks"]))
        longest.append(max(seen["tasks"], default=0))
        blocking.append(sum(t - 50 for t in seen["tasks"]))
        gaps.append(max(seen["gaps"], default=0))
    log(f"responsive: long tasks {counts}, longest {longest} ms, frame gaps {gaps} ms")
    return {"long_tasks": stat(counts, 0), "longest_task_ms": stat(longest, 0), "blocking_ms": stat(blocking, 0),
            "longest_frame_gap_ms": stat(gaps, 0), "target_frame_gap_ms": FRAME_GAP_TARGET_MS,
            "target_met": max(gaps) < FRAME_GAP_TARGET_MS, "photos": RESPONSIVE_PHOTOS, "recipe": "Share safely"}


def _peak_for(context, url, input_name, recipe) -> tuple:
    """A fresh worker runs one job: (stats before, stats after, page). The heap never shrinks, so
    its size after the job is the job's high-water mark."""
    page = in_browser.bench_page(context, url, pool_size=1)
    stats = "async () => (await bench.bridge.heapStats())[0]"
    before = page.evaluate(stats)
    result = page.evaluate("(jobs) => bench.runSummary(jobs)", [job("process", input_name, recipe)])
    if not result["results"][0]["ok"]:
        raise SystemExit(f"memory: {input_name} failed: {result['results'][0]['error']}")
    return before, page.evaluate(stats), page


def bench_memory(context, url, inputs) -> dict:
    from PIL import Image
    import io
    with Image.open(io.BytesIO(inputs["photo24.jpg"])) as im:
        decoded = im.width * im.height * len(im.getbands())
    mb = 1 / 1e6
    # What was in use before the job (interpreter, modules) is not the photo's: peak = high-water - in use.
    before, after, page = _peak_for(context, url, "photo24.jpg", PER_IMAGE_RECIPE)
    page.close()
    resize_peak = after["heapBytes"] - before["usedBytes"]
    before, after, page = _peak_for(context, url, "photo24.jpg", SHARE_RECIPE)
    share_peak = after["heapBytes"] - before["usedBytes"]
    # Leak check on the same worker: malloc's in-use bytes after each of 50 photos. Python frees cycles
    # (a decoded picture among them) only when its collector runs, so compare medians of 5, not two points.
    used = []
    for i in range(LEAK_PHOTOS):
        page.evaluate("(jobs) => bench.runSummary(jobs)",
                      [job("process", f"photo12_{i % BATCH_VARIANTS}.jpg", PER_IMAGE_RECIPE)])
        used.append(page.evaluate("async () => (await bench.bridge.heapStats())[0]")["usedBytes"])
    after_50 = page.evaluate("async () => (await bench.bridge.heapStats())[0]")
    page.close()
    first, last = statistics.median(used[:5]), statistics.median(used[-5:])
    return {"peak_mb": round(share_peak * mb, 1), "decoded_mb": round(decoded * mb, 1),
            "peak_vs_decoded": round(share_peak / decoded, 2),
            "peak_resize_q80_mb": round(resize_peak * mb, 1),
            "growth_mb_after_50": round((last - first) * mb, 2),
            "in_use_mb": {"idle": round(before["usedBytes"] * mb, 1), "photos_1_5": round(first * mb, 1),
                          "photos_46_50": round(last * mb, 1), "max": round(max(used) * mb, 1)},
            "heap_mb_after_50": round(after_50["heapBytes"] * mb, 1),
            "recipes": {"peak_mb": "Share safely", "peak_resize_q80_mb": "2048 px, JPEG q80",
                        "growth": "50 x 12 MP, 2048 px, JPEG q80"}}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--batch-runs", type=int, default=2, help="runs of each 24-photo batch (slow)")
    parser.add_argument("--baseline", help="startup: another build's dist/ to measure in the same run")
    parser.add_argument("--only", default=",".join(SECTIONS), help="comma-separated sections")
    args = parser.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    unknown = set(only) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown section(s): {', '.join(sorted(unknown))}")
    if not (in_browser.build.DIST / "index.html").exists():
        in_browser.build.build()
    from playwright.sync_api import sync_playwright
    started = time.perf_counter()
    inputs = make_inputs()
    if "heif" in only:
        inputs.update(heif_speed.inputs(inputs["photo12_0.jpg"]))
    report = {"machine": {"cpus": __import__("os").cpu_count(), "runs": args.runs}}
    with in_browser.served_site(inputs) as url, sync_playwright() as pw:
        if "startup" in only:
            log("startup")
            report["startup"] = bench_startup(pw, args.runs, args.baseline)
        for section in ("batch200", "batch500", "folder_clean"):  # each in fresh browser profiles of its own
            if section in only:
                log(section)
                report[section] = batch_scale.SECTIONS[section](pw, url, args.batch_runs)
        browser = pw.chromium.launch(executable_path=in_browser.chromium_path(), args=in_browser.CHROMIUM_ARGS)
        context = browser.new_context()
        for section, run in (("per_image", lambda: bench_per_image(context, url, inputs, args.runs)),
                             ("clean", lambda: bench_clean(context, url, inputs, args.runs)),
                             ("batch", lambda: bench_batch(context, url, args.batch_runs)),
                             ("memory", lambda: bench_memory(context, url, inputs)),
                             ("responsive", lambda: bench_responsive(browser, url, inputs, args.batch_runs)),
                             ("heif", lambda: heif_speed.measure(in_browser.bench_page, context, url, inputs,
                                                                 args.runs, stat)),
                             ("target_size", lambda: target_size.measure(in_browser.bench_page, context, url, inputs,
                                                                         args.runs, stat, compression.CORPUS)),
                             ("compression", lambda: codec_speed.measure(in_browser.bench_page, context, url,
                                                                         args.runs, stat))):
            if section in only:
                log(section)
                report[section] = run()
        browser.close()
    if "compression" in only:
        log("compression (the page's codecs under Node and native Pillow against MozJPEG)")
        report["compression"] = {**compression.measure(), **report.get("compression", {})}
    report["machine"]["seconds"] = round(time.perf_counter() - started, 1)
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
