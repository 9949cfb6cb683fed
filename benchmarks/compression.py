"""Bytes at equal SSIM against MozJPEG at Squoosh's default (quality 75), on the corpus photos.

For each photo: MozJPEG q75 gives (bytes, SSIM). Each of the tool's encoders then gets the lowest quality whose SSIM
reaches MozJPEG's (a per-image quality search), with the settings a user gets:
- jpeg_ratio_vs_mozjpeg: the page's JPEG, which is MozJPEG (app/codecs.js; here the same wasm under Node, through
  benchmarks/codecs.mjs) with the engine's options (encode/mozjpeg.py);
- native_jpeg_ratio_vs_mozjpeg: the command line's JPEG (Pillow, its tuned tables, progressive on);
- auto_format_ratio_vs_mozjpeg: the smallest of the page's JPEG, WebP (Pillow, method 6) and AVIF (libavif at the
  engine's speed, encode/avif.py) for each photo.
The other rows are there to compare settings.
SSIM is Wang et al.'s at full resolution with a 7x7 uniform window (scikit-image's default; the 11x11
Gaussian made a full run too slow on 66 MP of photos), averaged over R, G and B so that chroma counts.
Result: the median over photos of the tool's bytes / MozJPEG bytes.
avif_web_preset_s (the Web preset on a 12 MP photo in the worker) is measured in the browser: codec_speed.py.
"""

import ctypes
import io
import json
import multiprocessing
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "py"))
from imagestudio import encode  # noqa: E402
from imagestudio.encode import avif, jpeg_tables, mozjpeg, writers  # noqa: E402
CORPUS = ROOT.parent / "shared" / "corpus"
MIN_PIXELS = 200_000

# encode.Settings per row: Huffman optimisation (the tool's default), progressive scans (a recipe option),
# 4:2:0 chroma. 4:2:2 and 4:4:4 lost on the median (RGB SSIM counts chroma, but the bytes cost more).
# The per-image quality search is the tool's auto quality, which encodes with JPEG_CHOSEN_QUALITY_TABLES;
# "annex_k" is Pillow's own default (and the tool's for a quality the user gives), the number before tuning.
TOOL_JPEG = f"jpeg {jpeg_tables.JPEG_CHOSEN_QUALITY_TABLES} tables"
JPEG_SETTINGS = {
    TOOL_JPEG: {"progressive": True, "subsampling": "4:2:0", "tables": jpeg_tables.JPEG_CHOSEN_QUALITY_TABLES},
    "jpeg annex_k tables (Pillow's default)": {"progressive": True, "subsampling": "4:2:0", "tables": "annex_k"},
}
WEBP_SETTINGS = {f"webp method {writers.WEBP_METHOD}": {}}
PAGE_JPEG = "jpeg MozJPEG (the page's JPEG)"
PAGE_AVIF = "avif libavif (speed by picture size, encode/avif.py)"


def corpus_photos() -> list[Path]:
    """Corpus JPEGs of at least 0.2 MP that decode completely to RGB, each picture once (the corpus
    holds one photo in seven orientations: upright, they look the same)."""
    photos, seen = [], set()
    for path in sorted(CORPUS.glob("*.jp*g")):
        try:
            with Image.open(path) as im:
                if im.width * im.height < MIN_PIXELS or im.mode != "RGB":
                    continue
                im.load()
                upright = ImageOps.exif_transpose(im).convert("L").resize((8, 8))
                look = tuple(v // 32 for v in upright.tobytes())
        except (OSError, SyntaxError, ValueError):
            continue
        if look not in seen:
            seen.add(look)
            photos.append(path)
    return photos


WINDOW = 7  # 7x7 uniform window, as scikit-image's structural_similarity uses by default


def _blur(a: np.ndarray) -> np.ndarray:
    """Local mean over WINDOW x WINDOW ('valid' borders). Sums of at most 49 products of 8-bit values
    stay below 2**24, so float32 adds them exactly; a Gaussian window cost 3x more for the same ranking."""
    n = WINDOW
    h, w = a.shape[-2:]
    rows = a[..., :, 0:w - n + 1].copy()
    for i in range(1, n):
        rows += a[..., :, i:w - n + 1 + i]
    out = rows[..., 0:h - n + 1, :].copy()
    for i in range(1, n):
        out += rows[..., i:h - n + 1 + i, :]
    out *= 1 / (n * n)
    return out


def _channels(image: Image.Image) -> np.ndarray:
    return np.asarray(image.convert("RGB"), dtype=np.float32).transpose(2, 0, 1)  # (3, h, w)


class Reference:
    """One picture's R, G, B with their local means and variances, computed once."""

    def __init__(self, image: Image.Image):
        self.x = _channels(image)
        self.mx = _blur(self.x)
        self.vx = _blur(self.x * self.x) - self.mx * self.mx

    def ssim(self, other: Image.Image) -> float:
        c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
        y = _channels(other)
        my = _blur(y)
        vy = _blur(y * y) - my * my
        cov = _blur(self.x * y) - self.mx * my
        s = ((2 * self.mx * my + c1) * (2 * cov + c2)) / ((self.mx * self.mx + my * my + c1) * (self.vx + vy + c2))
        return float(s.mean(axis=(1, 2)).mean())  # mean over each channel, then over R, G, B


def ssim_rgb(a: bytes | Image.Image, b: bytes | Image.Image) -> float:
    def image(v):
        return v if isinstance(v, Image.Image) else Image.open(io.BytesIO(v))
    return Reference(image(a)).ssim(image(b))


def smallest_at(reference: Reference, image: Image.Image, fmt: str, options: dict, target: float):
    """Lowest Pillow quality (binary search) whose SSIM reaches target: (bytes, quality) or None."""
    return _search(reference, target, 20, 100,  # below 20 no photo came near MozJPEG q75's SSIM
                   lambda q: encode.save([image], encode.Settings(format=fmt, quality=q, **options)))


def _search(reference: Reference, target: float, low: int, high: int, encode_at, decode=None):
    best = None
    while low <= high:
        q = (low + high) // 2
        data = encode_at(q)
        if reference.ssim(decode(data) if decode else Image.open(io.BytesIO(data))) >= target:
            best, high = (len(data), q), q - 1
        else:
            low = q + 1
    return best


class PageCodecs:
    """The page's WebAssembly encoders under Node (benchmarks/codecs.mjs --serve), one picture's pixels at a time."""

    def __init__(self, image: Image.Image, folder: str):
        if not (ROOT / "node_modules" / "@jsquash" / "avif").exists():
            raise SystemExit("compression: the page's codecs are missing: run `npm ci`")
        self.image, self.folder, self.count = image, folder, 0
        self.rgba = f"{folder}/pixels.rgba"
        Path(self.rgba).write_bytes(image.convert("RGBA").tobytes())
        self.node = subprocess.Popen(["node", str(ROOT / "benchmarks" / "codecs.mjs"), "--serve"], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def encode(self, codec: str, options: dict) -> bytes:
        self.count += 1
        out = f"{self.folder}/{self.count}.bin"
        job = {"codec": codec, "rgba": self.rgba, "width": self.image.width, "height": self.image.height,
               "options": options, "out": out}
        self.node.stdin.write(json.dumps(job) + "\n")
        self.node.stdin.flush()
        if not self.node.stdout.readline():
            raise SystemExit(f"compression: node stopped on {codec}")
        return Path(out).read_bytes()

    def close(self):
        self.node.stdin.close()
        self.node.wait()


def _avif_pixels(data: bytes) -> Image.Image:
    import warnings

    import pillow_heif
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pillow_heif.open_heif(io.BytesIO(data)).to_pillow()


def squoosh_mozjpeg(images: list[Image.Image]) -> list[bytes]:
    """The reference: each picture through @jsquash/jpeg's own encode() with Squoosh's defaults (q75), under Node
    (benchmarks/mozjpeg.mjs)."""
    if not (ROOT / "node_modules" / "@jsquash" / "jpeg").exists():
        raise SystemExit("compression: the MozJPEG reference is missing: run `npm ci` (a devDependency)")
    with tempfile.TemporaryDirectory(prefix="bench-moz-") as tmp:
        jobs = []
        for i, image in enumerate(images):
            raw = Path(tmp) / f"{i}.rgba"
            raw.write_bytes(image.convert("RGBA").tobytes())
            jobs.append({"rgba": str(raw), "width": image.width, "height": image.height, "out": f"{tmp}/{i}.jpg"})
        (Path(tmp) / "jobs.json").write_text(json.dumps(jobs))
        subprocess.run(["node", str(ROOT / "benchmarks" / "mozjpeg.mjs"), f"{tmp}/jobs.json"], cwd=ROOT, check=True)
        return [Path(job["out"]).read_bytes() for job in jobs]


def _keep_freed_memory():
    """glibc returns every large numpy temporary to the kernel and faults it back in on the next one:
    half of a run was system time. Keep freed memory in the process instead."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(-3, 1 << 30)  # M_MMAP_THRESHOLD
        libc.mallopt(-1, 1 << 30)  # M_TRIM_THRESHOLD
    except (OSError, AttributeError):
        pass


def compare(path: Path, moz: bytes) -> dict:
    """One photo: MozJPEG's SSIM, then the smallest file reaching it per encoder and setting."""
    with Image.open(path) as im:
        image = im.convert("RGB")
    reference = Reference(image)
    target = reference.ssim(Image.open(io.BytesIO(moz)))
    found = {label: smallest_at(reference, image, "jpeg", options, target) for label, options in JPEG_SETTINGS.items()}
    found.update({label: smallest_at(reference, image, "webp", options, target)
                  for label, options in WEBP_SETTINGS.items()})
    with tempfile.TemporaryDirectory(prefix="bench-codecs-") as tmp:
        page = PageCodecs(image, tmp)
        try:
            found[PAGE_JPEG] = _search(reference, target, 20, 100,
                                       lambda q: page.encode("mozjpeg", mozjpeg.options(q, "4:2:0", grey=False)))
            found[PAGE_AVIF] = _search(reference, target, 5, 100,
                                       lambda q: page.encode("avif", avif.page_options(q, avif.speed_for(image.size))),
                                       _avif_pixels)
        finally:
            page.close()
    assert found[PAGE_JPEG], f"{path.name}: even quality 100 did not reach MozJPEG's SSIM"
    candidates = [found[k][0] for k in (PAGE_JPEG, PAGE_AVIF, *WEBP_SETTINGS) if found[k]]
    return {"file": path.name, "megapixels": round(image.width * image.height / 1e6, 2),
            "mozjpeg_bytes": len(moz), "ssim": round(target, 4),
            "jpeg_ratio": round(found[PAGE_JPEG][0] / len(moz), 3),
            "native_jpeg_ratio": round(found[TOOL_JPEG][0] / len(moz), 3) if found[TOOL_JPEG] else None,
            "auto_ratio": round(min(candidates) / len(moz), 3),
            **{label: {"bytes": v[0], "quality": v[1]} if v else None for label, v in found.items()}}


def measure(processes: int = os.cpu_count() or 1) -> dict:
    photos = corpus_photos()
    images = []
    for path in photos:
        with Image.open(path) as im:
            images.append(im.convert("RGB"))
    references = squoosh_mozjpeg(images)
    del images
    # biggest first, so the two cores finish together
    with multiprocessing.Pool(processes, initializer=_keep_freed_memory) as pool:
        order = sorted(range(len(photos)), key=lambda i: -photos[i].stat().st_size)
        done = pool.starmap(compare, [(photos[i], references[i]) for i in order])
    per_image = sorted(done, key=lambda r: r["file"])
    rows = [*JPEG_SETTINGS, *WEBP_SETTINGS, PAGE_JPEG, PAGE_AVIF]
    settings = {label: round(statistics.median(r[label]["bytes"] / r["mozjpeg_bytes"]
                                               for r in per_image if r[label]), 3)
                for label in rows}
    return {"jpeg_ratio_vs_mozjpeg": round(statistics.median(r["jpeg_ratio"] for r in per_image), 3),
            "jpeg_ratio_target": 1.0,
            "native_jpeg_ratio_vs_mozjpeg": round(statistics.median(r["native_jpeg_ratio"] for r in per_image
                                                                    if r["native_jpeg_ratio"]), 3),
            "auto_format_ratio_vs_mozjpeg": round(statistics.median(r["auto_ratio"] for r in per_image), 3),
            "auto_format_ratio_target": 0.70,
            "auto_format_spread": [min(r["auto_ratio"] for r in per_image), max(r["auto_ratio"] for r in per_image)],
            "images": len(photos), "median_ratio_per_setting": settings, "per_image": per_image,
            **lossless_keys()}


def lossless_keys() -> dict:
    """png_ratio_vs_today and lossless_shrink_median (lossless_size.py: no SSIM, the pixels stay the same)."""
    import lossless_size
    return {**lossless_size.png_keys(), **lossless_size.shrink_keys()}


if __name__ == "__main__":
    print(json.dumps(measure(), indent=1))
