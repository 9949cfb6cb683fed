"""The page's MozJPEG transcode (tools/jpegtran/, committed, pinned in build.py) gives the native package's bytes on
every corpus JPEG, and refuses the files the native package refuses. Needs node."""

import hashlib
import json
import shutil
import subprocess

import pytest

from imagestudio import lossless_shrink
from imagestudio.errors import CodecFailed
from corpus import ROOT, corpus_files

WASM = ROOT / "tools" / "jpegtran"
JPEGS = corpus_files(".jpg", ".jpeg")


@pytest.mark.skipif(not shutil.which("node") or not JPEGS, reason="needs node and the shared corpus")
def test_wasm_transcode_matches_native_on_the_corpus():
    done = subprocess.run(["node", str(ROOT / "tests" / "wasm" / "jpegtran_corpus.mjs"), str(WASM),
                           *map(str, JPEGS)], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    wasm = json.loads(done.stdout)
    native = {}
    for path in JPEGS:
        try:
            native[path.name] = hashlib.sha256(lossless_shrink.transcode(path.read_bytes(), path.name)).hexdigest()
        except CodecFailed:
            native[path.name] = None
    refused = sorted(name for name, digest in native.items() if digest is None)
    assert refused and sorted(n for n, r in wasm.items() if isinstance(r, dict)) == refused
    assert {n: d for n, d in wasm.items() if n not in refused} == {n: d for n, d in native.items() if d}


def test_committed_build_is_the_pinned_one():
    import build
    pinned = build.VENDORED["jpegtran"][1]
    for name in ("jpegtran.js", "jpegtran.wasm"):
        assert hashlib.sha256((WASM / name).read_bytes()).hexdigest() == pinned[name][1]
