"""Replace each module of a wheel by its CPython bytecode, so the browser imports it without compiling every module
at start-up and downloads it once (the sources were ~0.46 MB of the gzipped wheels).

Runs inside Pyodide (tools/precompile_wheels.mjs), because the bytecode must come from the very CPython
that will run it (3.12, wasm32). Each `X.py` becomes `X.pyc` beside it, which CPython imports without a source
(the sourceless loader); tracebacks keep file names and line numbers, not the source lines.
"""

import base64
import hashlib
import importlib.util
import zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the same bytes from the same input


def _record_row(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}\n"


def _is_module(name: str) -> bool:
    return name.endswith(".py") and ".dist-info/" not in name


def precompile(source_path: str, output_path: str) -> int:
    """Write the wheel at source_path to output_path with every module as bytecode; returns how many."""
    with zipfile.ZipFile(source_path) as wheel:
        entries = [(info, wheel.read(info)) for info in wheel.infolist()]
    compiled = {}
    for info, data in entries:
        if _is_module(info.filename):
            code = compile(data, info.filename, "exec", dont_inherit=True)
            compiled[info.filename + "c"] = bytes(_code_to_hash_pyc(code, importlib.util.source_hash(data),
                                                                    checked=False))
    with zipfile.ZipFile(output_path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if _is_module(info.filename):
                continue
            if info.filename.endswith(".dist-info/RECORD"):
                rows = [row for row in data.decode().splitlines(keepends=True)
                        if not _is_module(row.split(",", 1)[0])]
                data = ("".join(rows) + "".join(_record_row(name, pyc) for name, pyc in compiled.items())).encode()
            out.writestr(info, data)
        for name, pyc in compiled.items():
            out.writestr(zipfile.ZipInfo(name, FIXED_DATE), pyc, zipfile.ZIP_DEFLATED)
    return len(compiled)
