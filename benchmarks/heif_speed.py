"""The HEIF section of the benchmark (benchmarks/run.py --only heif):

  clean_mb_s       lossless verified clean of the corpus HEIC/HEIF/AVIF photos in one worker (MB/s), next to the
                   same for the corpus JPEGs (the issue's target: at least as fast as the JPEG clean), and natively
  decode_12mp_s    a 12 MP HEIC (made here with pillow-heif from the benchmark's 12 MP photo, quality 80) through
                   "Share safely" in one worker: the first run loads the decoder (libheif in wasm, ~2 MB) and is
                   reported on its own; the engine's step times say how much of it is the decode
"""

import io
import statistics

import compression
import native
from imagestudio.recipe import PRESETS

HEIF_SUFFIXES = (".heic", ".heif", ".avif")


def inputs(photo12: bytes) -> dict[str, bytes]:
    import pillow_heif
    from PIL import Image

    buf = io.BytesIO()
    pillow_heif.from_pillow(Image.open(io.BytesIO(photo12))).save(buf, format="HEIF", quality=80)
    out = {"heif_photo12.heic": buf.getvalue()}
    for path in sorted(compression.CORPUS.iterdir()):
        if path.suffix.lower() in HEIF_SUFFIXES:
            out[f"heifcorpus_{path.name}"] = path.read_bytes()
    return out


def _job(op: str, name: str, options: dict) -> dict:
    return {"op": op, "name": name.split("_", 1)[1], "input": name, "options": options}


def measure(bench_page, context, url: str, inputs: dict[str, bytes], runs: int, stat) -> dict:
    heif_names = [n for n in inputs if n.startswith("heifcorpus_")]
    jpeg_names = [n for n in inputs if n.startswith("corpus_")]
    page = bench_page(context, url, pool_size=1)
    speeds = {}
    for label, names in (("heif", heif_names), ("jpeg", jpeg_names)):
        jobs = [_job("clean", n, {"policy": {}}) for n in names]
        total = sum(len(inputs[n]) for n in names)
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)  # warm-up
        if label == "heif":
            failed = [r for r in summary["results"] if not r["ok"]]
            if failed:
                raise SystemExit(f"heif: the worker refused a corpus file: {failed[0]}")
        speeds[label] = [total / page.evaluate("(jobs) => bench.runSummary(jobs)", jobs)["seconds"] / 1e6
                         for _ in range(runs)]
    heif_files = [inputs[n] for n in heif_names]
    heif_total = sum(len(d) for d in heif_files)
    native_mb_s = [heif_total / native.clean_all(heif_files) / 1e6 for _ in range(runs)]

    share = [_job("process", "heif_photo12.heic", PRESETS["share"]["recipe"])]
    first = page.evaluate("(jobs) => bench.runSummary(jobs)", share)
    if not first["results"][0]["ok"]:
        raise SystemExit(f"heif: the worker could not convert the 12 MP HEIC: {first['results'][0]}")
    seconds, steps = [], []
    for _ in range(runs):
        summary = page.evaluate("(jobs) => bench.runSummary(jobs)", share)
        seconds.append(summary["seconds"])
        steps.append(summary["results"][0]["speed"] or {})
    page.close()
    heif_stat, jpeg_stat = stat(speeds["heif"], 1), stat(speeds["jpeg"], 1)
    return {"clean_mb_s": heif_stat, "jpeg_clean_mb_s": jpeg_stat,
            "clean_vs_jpeg": round(heif_stat["median"] / jpeg_stat["median"], 2),
            "native_clean_mb_s": stat(native_mb_s, 1), "files": len(heif_names),
            "megabytes": round(heif_total / 1e6, 2),
            "decode_12mp_s": stat(seconds), "decode_12mp_first_s": round(first["seconds"], 3),
            "decode_12mp_steps_ms": {k: statistics.median(s[k] for s in steps) for k in steps[0] if k.endswith("_ms")},
            "decode_12mp_target_s": 1.5}
