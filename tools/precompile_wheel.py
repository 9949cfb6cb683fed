"""Add CPython bytecode to a wheel, so the browser imports it without compiling every module at start-up.

Runs inside Pyodide (tools/precompile_wheels.mjs), because the bytecode must come from the very CPython
that will run it (3.12, wasm32). The .pyc files are "unchecked hash" ones (PEP 552): used without
comparing the source's date, which unpacking a wheel does not keep. The .py files stay, for tracebacks.
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


def precompile(source_path: str, output_path: str) -> int:
    """Write the wheel at source_path, plus a __pycache__/*.pyc for each module, to output_path."""
    with zipfile.ZipFile(source_path) as wheel:
        entries = [(info, wheel.read(info)) for info in wheel.infolist()]
    compiled = {}
    for info, data in entries:
        if info.filename.endswith(".py") and ".dist-info/" not in info.filename:
            code = compile(data, info.filename, "exec", dont_inherit=True)
            pyc = _code_to_hash_pyc(code, importlib.util.source_hash(data), checked=False)
            compiled[importlib.util.cache_from_source(info.filename)] = bytes(pyc)
    with zipfile.ZipFile(output_path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries:
            if info.filename.endswith(".dist-info/RECORD"):
                data += "".join(_record_row(name, pyc) for name, pyc in compiled.items()).encode()
            out.writestr(info, data)
        for name, pyc in compiled.items():
            out.writestr(zipfile.ZipInfo(name, FIXED_DATE), pyc, zipfile.ZIP_DEFLATED)
    return len(compiled)
