"""What build.py ships beside the site's own files: wheels with bytecode the browser really uses, a lock
that names their exact bytes, a Python start-up snapshot with no trace of the build machine, and the page's
modules bundled into one."""

import gzip
import hashlib
import json
import os
import re
import shutil
import struct
import subprocess
import zipfile

import pytest

from corpus import ROOT

PYODIDE = ROOT / "dist" / "pyodide"
needs_dist = pytest.mark.skipif(not (PYODIDE / "pyodide-lock.json").exists(), reason="needs dist/ (python3 build.py)")


def _lock() -> dict:
    return json.loads((PYODIDE / "pyodide-lock.json").read_text())["packages"]


@needs_dist
def test_the_page_script_is_one_module_holding_every_page_module():
    bundle = (ROOT / "dist" / "app" / "main.js").read_text()
    assert not re.search(r"^(import|export) ", bundle, re.MULTILINE)  # top level: nothing left to fetch
    # modules of the workers, not of the page
    worker_side = ("worker.js", "sw.js", "heif-decoder.js", "snapshot-delta.js", "codecs.js")
    sources = sorted(p.name for p in (ROOT / "app").glob("*.js") if p.name not in worker_side)
    assert len(sources) >= 8
    for name in sources:
        assert f"// app/{name}" in bundle, name  # esbuild marks where each module begins
    assert 'new URL("./worker.js", import.meta.url)' in bundle  # the worker is still found beside it


@needs_dist
def test_the_lock_names_the_exact_bytes_the_site_ships():
    for entry in _lock().values():
        assert hashlib.sha256((PYODIDE / entry["file_name"]).read_bytes()).hexdigest() == entry["sha256"]


@needs_dist
@pytest.mark.parametrize("package", ["pillow", "piexif", "imagestudio"])
def test_boot_wheels_carry_every_module_as_bytecode_and_no_source(package):
    with zipfile.ZipFile(PYODIDE / _lock()[package]["file_name"]) as wheel:
        names = set(wheel.namelist())
        record = wheel.read(next(n for n in names if n.endswith(".dist-info/RECORD"))).decode()
    modules = [n for n in names if n.endswith(".pyc")]
    assert f"{'PIL' if package == 'pillow' else package}/__init__.pyc" in names
    assert not [n for n in names if n.endswith(".py") or "__pycache__" in n]
    for module in modules:
        assert f"{module},sha256=" in record
    assert ".py," not in record


_IMPORT_WITHOUT_SOURCE = """
const { loadPyodide } = await import(process.env.PYODIDE + "/pyodide.mjs");
const py = await loadPyodide({ indexURL: process.env.PYODIDE + "/" });
await py.loadPackage(["pillow", "piexif", "imagestudio"], { messageCallback: () => {} });
console.log(py.runPython(`
import importlib.util, imagestudio.api, PIL.Image
assert importlib.util.find_spec("imagestudio.api").origin.endswith("api.pyc")
imagestudio.api.versions()["imagestudio"]
`));
"""


@needs_dist
@pytest.mark.skipif(not shutil.which("node"), reason="needs node")
def test_the_engine_imports_from_its_bytecode_in_pyodide():
    done = subprocess.run(["node", "--input-type=module", "-e", _IMPORT_WITHOUT_SOURCE], capture_output=True,
                          text=True, timeout=300, env=dict(os.environ, PYODIDE=str(PYODIDE)))
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == _lock()["imagestudio"]["version"]


@needs_dist
def test_the_snapshot_is_pyodides_and_holds_no_build_machine_paths():
    snapshot = gzip.decompress((PYODIDE / "python-snapshot.bin.gz").read_bytes())
    magic, heap_offset = struct.unpack_from("<II", snapshot)
    assert magic == 1886286592  # app/snapshot-delta.js checks the same word before restoring it
    assert (len(snapshot) - heap_offset) % 65536 == 0
    assert str(ROOT).encode() not in snapshot and b"make_snapshot" not in snapshot


def _wasm_data_segment(wasm: bytes) -> bytes:
    """pyodide.asm.wasm's one data segment, read with the wasm binary format's own rules."""
    def leb128(at: int) -> tuple[int, int]:
        value = shift = 0
        while True:
            value |= (wasm[at] & 0x7F) << shift
            shift += 7
            at += 1
            if not wasm[at - 1] & 0x80:
                return value, at
    at = 8
    while at < len(wasm):
        size, body = leb128(at + 1)
        if wasm[at] == 11:
            count, at = leb128(body)
            assert count == 1 and wasm[at:at + 2] == b"\x00\x23"
            _, at = leb128(at + 2)
            length, at = leb128(at + 1)
            return wasm[at:at + length]
        at = body + size
    raise AssertionError("no data section")


@needs_dist
def test_the_snapshot_ships_the_wasm_data_as_a_difference():
    """The snapshot's copy of the wasm's data region is shipped XORed with the data segment (app/snapshot-delta.js):
    mostly zeros, where the plain copy would be the segment itself. (That the worker restores it right is
    test_engine_starts_from_the_shipped_python_snapshot: a wrong restore does not start from the snapshot.)"""
    snapshot = gzip.decompress((PYODIDE / "python-snapshot.bin.gz").read_bytes())
    segment = _wasm_data_segment((PYODIDE / "pyodide.asm.wasm").read_bytes())
    heap_offset = struct.unpack_from("<I", snapshot, 4)[0]
    start = heap_offset + 1024  # DATA_BASE in app/snapshot-delta.js
    shipped = snapshot[start:start + len(segment)]
    assert len(segment) > 1_000_000 and segment.count(0) < 0.5 * len(segment)
    assert shipped.count(0) > 0.9 * len(segment)


@needs_dist
def test_the_snapshots_start_loads_the_standard_library_without_what_the_snapshot_holds():
    with zipfile.ZipFile(PYODIDE / "python_stdlib.zip") as full:
        whole = full.namelist()
    with zipfile.ZipFile(PYODIDE / "python_stdlib_rest.zip") as rest:
        left = rest.namelist()
        assert rest.testzip() is None
    held = set(whole) - set(left)
    assert set(left) <= set(whole) and [n for n in whole if n not in held] == left  # same order
    # Every start imports these (Pyodide's own loader, the engine's first job): only the snapshot holds them.
    assert {"json/__init__.py", "pyodide/_package_loader.py", "email/message.py"} <= held
    assert {"email/parser.py", "encodings/cp437.py"} <= set(left)  # imported later, from the zip
    service_worker = (ROOT / "dist" / "sw.js").read_text()
    assert '"pyodide/python_stdlib_rest.zip"' in service_worker
    assert '"pyodide/python_stdlib.zip"' not in service_worker  # only a refused snapshot's normal start needs it
