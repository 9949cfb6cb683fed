"""The native side of each comparison: the same inputs in this CPython with the same Pillow 10.2.0."""

import io
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))
from imagestudio import api  # noqa: E402  (the engine itself, natively)

LONG_EDGE = 2048
QUALITY = 80


def naive_resize_jpeg(data: bytes) -> bytes:
    """The plain way: full decode, LANCZOS straight to 2048 px, JPEG q80 with the engine's default
    encoder options (optimised Huffman, 4:2:0), no metadata written. No draft, no reducing gap."""
    with Image.open(io.BytesIO(data)) as image:
        image = image.convert("RGB")
        scale = LONG_EDGE / max(image.size)
        size = (round(image.width * scale), round(image.height * scale))
        small = image.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    small.save(out, "JPEG", quality=QUALITY, optimize=True, subsampling="4:2:0")
    return out.getvalue()


def timed(function, *args) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def clean_all(files: list[bytes]) -> float:
    """Seconds for the engine's verified lossless clean over all files, one after another."""
    started = time.perf_counter()
    for i, data in enumerate(files):
        api.handle("clean", data, {"policy": {}}, f"file{i}.jpg")
    return time.perf_counter() - started


def exiftool_all(paths: list[Path]) -> float | None:
    """Seconds for `exiftool -all=` writing cleaned copies of the files (Perl start-up included)."""
    exiftool = shutil.which("exiftool")
    if not exiftool:
        return None
    with tempfile.TemporaryDirectory(prefix="bench-exiftool-") as out:
        started = time.perf_counter()
        subprocess.run([exiftool, "-q", "-q", "-m", "-all=", "-o", f"{out}/", *map(str, paths)],
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return time.perf_counter() - started
