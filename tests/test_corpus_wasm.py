"""The engine inside Pyodide (the browser's wasm CPython and Pillow, run under Node) gives the same report and
byte-identical clean files as natively, for every corpus file. Needs node and a built dist/pyodide."""

import json
import shutil
import subprocess
import sys

import pytest

from corpus import CORPUS, ROOT

PYODIDE = ROOT / "dist" / "pyodide"
HERE = ROOT / "tests" / "wasm"
# Where the browser build of Pillow cannot do what native Pillow does (no JPEG codec inside libtiff).
KNOWN_DIFFERENCES = {"pillow_tiff_strip_cmyk_jpeg.tif": "corrupt"}


def _native() -> dict:
    sys.path.insert(0, str(HERE))
    import corpus_digest
    return json.loads(corpus_digest.main(str(CORPUS)))


@pytest.mark.skipif(not shutil.which("node") or not (PYODIDE / "pyodide.mjs").exists() or not CORPUS.is_dir(),
                    reason="needs node, dist/pyodide (python3 build.py) and the shared corpus")
def test_wasm_engine_matches_native_on_the_corpus():
    done = subprocess.run(["node", str(HERE / "run_engine.mjs"), str(PYODIDE), str(ROOT / "py"), str(CORPUS),
                           str(HERE / "corpus_digest.py")], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wasm, native = json.loads(done.stdout), _native()
    assert wasm.keys() == native.keys()
    for name, expected in KNOWN_DIFFERENCES.items():
        assert wasm[name]["clean"] == expected and wasm[name]["findings"] == native[name]["findings"]
    differ = [n for n in native if n not in KNOWN_DIFFERENCES and wasm[n] != native[n]]
    assert not differ, {n: (wasm[n], native[n]) for n in differ}
