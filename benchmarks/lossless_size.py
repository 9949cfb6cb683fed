"""Lossless size keys of the `compression` section: PNG against today's writer, and "Shrink losslessly".

png_ratio_vs_today: the corpus graphics (files Pillow reads whole with at most 256 colours and at least
  GRAPHIC_MIN_PIXELS pixels) written as PNG by the engine, against the same engine with today's zlib level 6 on
  every picture. Median over files of new bytes / today's bytes with the PNG option OxiPNG on (the smallest PNG the
  tool writes); png_default_ratio_vs_today: the same with the default settings (palette pictures at level 9 only).
lossless_shrink_median: the corpus photos (compression.corpus_photos: JPEGs of 0.2 MP or more) through the
  lossless clean with and without encode.shrink_lossless.
  Median over files of (shrunk - cleaned) / cleaned: -0.07 means 7% smaller. Every shrunk file's pixels were
  proven identical by the engine itself (it keeps the plain clean otherwise); the files it kept are counted as 0.
Natively (mozjpeg-lossless-optimization and pyoxipng from requirements-test.txt): the page runs the same MozJPEG
transcode compiled to WebAssembly (byte-identical output, tests/test_lossless_shrink.py) and @jsquash/oxipng.
"""

import statistics
import sys
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))
from imagestudio import api  # noqa: E402
from imagestudio.encode import writers  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
GRAPHIC_MIN_PIXELS = 10_000   # the 8x8 one-colour test stubs say nothing about compression
TODAY_LEVEL = 6               # the PNG writer's zlib level for every picture before palette pictures got 9


def corpus_graphics() -> list[Path]:
    found = []
    for path in sorted(CORPUS.iterdir()):
        if path.suffix.lower() in (".tsv", ".json", ".md"):
            continue
        try:
            with Image.open(path) as im:
                im.load()
                if im.width * im.height >= GRAPHIC_MIN_PIXELS and im.convert("RGBA").getcolors(256) is not None:
                    found.append(path)
        except (OSError, SyntaxError, ValueError):
            continue
    return found


def _png(path: Path, encode: dict) -> bytes:
    result = api.handle("process", path.read_bytes(), {"encode": {"format": "png", **encode}}, path.name)
    assert result["ok"], result
    return result["data"]


def _today(path: Path) -> bytes:
    levels = dict(writers.PNG_COMPRESS_LEVEL_BY_MODE)
    writers.PNG_COMPRESS_LEVEL_BY_MODE.clear()
    try:
        return _png(path, {})
    finally:
        writers.PNG_COMPRESS_LEVEL_BY_MODE.update(levels)


def png_keys() -> dict:
    rows = []
    for path in corpus_graphics():
        today = len(_today(path))
        start = time.perf_counter()
        level9 = len(_png(path, {}))
        level9_s = time.perf_counter() - start
        start = time.perf_counter()
        oxipng = len(_png(path, {"oxipng": True}))
        oxipng_s = time.perf_counter() - start
        rows.append({"file": path.name, "today_bytes": today, "bytes": level9, "oxipng_bytes": oxipng,
                     "ratio": round(level9 / today, 3), "oxipng_ratio": round(oxipng / today, 3),
                     "seconds": round(level9_s, 3), "oxipng_seconds": round(oxipng_s, 3)})
    return {"png_ratio_vs_today": round(statistics.median(r["oxipng_ratio"] for r in rows), 3),
            "png_default_ratio_vs_today": round(statistics.median(r["ratio"] for r in rows), 3),
            "png_graphics": rows}


def shrink_keys() -> dict:
    rows = []
    from compression import corpus_photos  # the photos every compression key uses (>= 0.2 MP, each picture once)
    for path in corpus_photos():
        data = path.read_bytes()
        plain = api.handle("process", data, {}, path.name)
        if not plain["ok"]:
            continue  # a file the clean refuses (damaged): nothing to shrink
        start = time.perf_counter()
        shrunk = api.handle("process", data, {"encode": {"shrink_lossless": True}}, path.name)
        seconds = time.perf_counter() - start
        assert shrunk["ok"], shrunk
        before, after = len(plain["data"]), len(shrunk["data"])
        rows.append({"file": path.name, "cleaned_bytes": before, "shrunk_bytes": after,
                     "change": round(after / before - 1, 4), "seconds": round(seconds, 3),
                     "shrunk": shrunk["report"].get("shrink", {}).get("applied", False)})
    changes = [r["change"] for r in rows]
    return {"lossless_shrink_median": round(statistics.median(changes), 4),
            "lossless_shrink_spread": {"min": min(changes), "max": max(changes),
                                       "files": len(rows), "kept_plain": sum(not r["shrunk"] for r in rows)},
            "lossless_shrink_files": rows}


if __name__ == "__main__":
    import json
    print(json.dumps({**png_keys(), **shrink_keys()}, indent=1))
