"""The compression section's timed key, measured in the browser (benchmarks/run.py --only compression):

  avif_web_preset_s   a 12 MP photo (the benchmark's photo12_0.jpg) through the "Web" preset (AVIF, 1920 px) in one
                      worker. The first run loads the AVIF codec (about 4.6 MB of wasm, checked against the page's
                      hashes) and is reported on its own; the engine's step times say where the time goes.
  mozjpeg_share_s     the same photo through "Share safely" (auto quality, JPEG written by MozJPEG), for comparison.
"""

import statistics

from imagestudio.recipe import PRESETS

PHOTO = "photo12_0.jpg"
TARGET_S = 3.0


def _timed(page, recipe: dict, runs: int) -> tuple[float, list[float], dict]:
    jobs = [{"op": "process", "name": "photo.jpg", "input": PHOTO, "options": recipe}]
    first = page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)
    if not first["results"][0]["ok"]:
        raise SystemExit(f"compression: the worker could not run {recipe}: {first['results'][0]}")
    seconds, steps = [], []
    for _ in range(runs):
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)
        seconds.append(summary["seconds"])
        steps.append(summary["results"][0]["speed"] or {})
    return first["seconds"], seconds, {k: statistics.median(s[k] for s in steps) for k in steps[0] if k.endswith("_ms")}


def measure(bench_page, context, url: str, runs: int, stat) -> dict:
    page = bench_page(context, url, pool_size=1)
    first, seconds, steps = _timed(page, PRESETS["web"]["recipe"], runs)
    _share_first, share, share_steps = _timed(page, PRESETS["share"]["recipe"], runs)
    page.close()
    return {"avif_web_preset_s": stat(seconds), "avif_web_preset_first_s": round(first, 3),
            "avif_web_preset_steps_ms": steps, "avif_web_preset_target_s": TARGET_S,
            "mozjpeg_share_s": stat(share), "mozjpeg_share_steps_ms": share_steps}
