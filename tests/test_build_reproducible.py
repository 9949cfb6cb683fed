"""Issue 14, point 6: the same inputs give the same site, byte for byte. A changed file makes every returning
visitor's service worker fetch it again (the Python snapshot alone is 6 MB gzipped, 24 MB unpacked), so two
builds in clean folders must ship identical files. Only downloads are shared between them (node_modules and
the wheels cache, both checked against pinned hashes); everything build.py makes is made twice."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from corpus import ROOT

# What a checkout holds that the build reads.
SOURCES = ("build.py", "package.json", "package-lock.json", "index.html", "manifest.webmanifest",
           "app", "static", "py", "tools")
DOWNLOADS = ("wheels", "transport")  # in .cache/: fetched files, verified by sha256 on every build

needs_downloads = pytest.mark.skipif(not (ROOT / "node_modules" / "pyodide").is_dir(),
                                     reason="needs node_modules (python3 build.py fetches it)")


def _clean_checkout(folder: Path) -> Path:
    folder.mkdir()
    for name in SOURCES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(source, folder / name)
    (folder / "node_modules").symlink_to(ROOT / "node_modules")
    (folder / ".cache").mkdir()
    for name in DOWNLOADS:
        if (ROOT / ".cache" / name).is_dir():
            (folder / ".cache" / name).symlink_to(ROOT / ".cache" / name)
    return folder


def _site_hashes(site: Path) -> dict[str, str]:
    return {p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(site.rglob("*")) if p.is_file()}


@needs_downloads
def test_two_clean_builds_ship_identical_files(tmp_path):
    sites = []
    for name in ("first", "second"):
        checkout = _clean_checkout(tmp_path / name)
        done = subprocess.run([sys.executable, "build.py"], cwd=checkout, capture_output=True, text=True, timeout=1200)
        assert done.returncode == 0, done.stderr[-3000:]
        assert "make the Python start-up snapshot" in done.stderr  # made here, not taken from a cache
        sites.append(_site_hashes(checkout / "dist"))
    first, second = sites
    assert "pyodide/python-snapshot.bin.gz" in first and len(first) > 30
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
