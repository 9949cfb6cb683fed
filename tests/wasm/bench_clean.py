# Lossless clean speed inside Pyodide, verification included (inspect before, clean, re-inspect after).
#   node tests/wasm/run_engine.mjs dist/pyodide py ../shared/corpus tests/wasm/bench_clean.py
# Each run gets a fresh bytes object, so no parse is reused between runs. Prints best and median MB/s.
import os
import sys
import time

if os.path.isdir("/engine"):
    sys.path.insert(0, "/engine")
from imagestudio import api

CORPUS = "/corpus" if os.path.isdir("/corpus") else sys.argv[1]
FILES = ("ianare_mobile_HMD_Nokia_8.3_5G.jpg", "ianare_hdr_iphone_hdr_YES.jpg", "ianare_corrupted.jpg",
         "ianare_tests_87_OSError.jpg", "mat2_dirty.png", "pillow_iss634.webp")


def bench(name: str, runs: int = 15) -> str:
    data = open(os.path.join(CORPUS, name), "rb").read()
    times = []
    for copy in [bytes(bytearray(data)) for _ in range(runs)]:
        started = time.perf_counter()
        assert api.handle("clean", copy, {}, name)["ok"]
        times.append(time.perf_counter() - started)
    times.sort()
    mb = len(data) / 1e6
    return f"{name:40s} {mb:5.2f} MB  best {mb / times[0]:5.0f} MB/s  median {mb / times[len(times) // 2]:5.0f} MB/s"


REPORT = "\n".join(bench(n) for n in FILES) + "\n"
REPORT
