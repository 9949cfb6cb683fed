"""The page at scale (issue 16 items 3, 4, 6): folders of phone photos through the real page, end to end.

  batch500      500 phone photos (12 MP, 3-4 MB, GPS, an EXIF thumbnail) dropped as one folder, "Remove private
                data only" then "Share safely", each until "Download all" has saved the ZIP: seconds, the peak
                memory of the whole browser (PSS of every Chromium process, as the OS counts it) and the longest
                main-thread task. Every ZIP entry is read back with native Pillow: the picture must be its own
                input's (each photo carries its number in a grid of black and white cells) and hold no GPS.
  batch200      200 small files picked at once: the longest main-thread task until all are done.
  folder_clean  200 phone JPEGs (~600 MB) from the drop to the ZIP saved, against exiftool over the same files.

Photos are made at bench time in a temp dir (never committed). Run alone to compare two builds:
    .venv/bin/python benchmarks/batch_scale.py --site /path/to/other/dist --only batch200
"""

import io
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import piexif
from PIL import Image, ImageDraw

sys.path.insert(0, str(Path(__file__).resolve().parent))
import in_browser
import photos

BASES = 5            # distinct pictures, cycled; each photo also carries its own number in its pixels
CELL = 200           # px: one bit of the number, a black or white square
BITS = 12            # numbers up to 4095, in a 4 x 3 grid at the top left
QUALITY = 93         # 12 MP at q93 with the bench noise: 3-4 MB, like a phone
LONG_TASKS = """(() => {
  window.longTasks = [];
  new PerformanceObserver((list) => { for (const e of list.getEntries()) longTasks.push(e.duration); })
    .observe({ type: "longtask" });
})();"""
PRESETS = {"clean": "Remove private data only", "share": "Share safely"}


def log(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


def stat(values: list[float], digits: int = 1) -> dict:
    return {"median": round(statistics.median(values), digits), "min": round(min(values), digits),
            "max": round(max(values), digits)}


# --- photos -------------------------------------------------------------------------------------------------

def _exif(number: int) -> bytes:
    thumb = io.BytesIO()
    Image.new("RGB", (160, 120), (number % 256, 90, 160)).save(thumb, "JPEG", quality=80)
    base = piexif.load(photos.exif_bytes())
    base["GPS"][piexif.GPSIFD.GPSLatitude] = ((48, 1), (number % 60, 1), (30, 1))
    base["Exif"][piexif.ExifIFD.BodySerialNumber] = f"SN-{number:06d}".encode()
    base["1st"] = {piexif.ImageIFD.JPEGInterchangeFormat: 0, piexif.ImageIFD.JPEGInterchangeFormatLength: 0}
    base["thumbnail"] = thumb.getvalue()
    return piexif.dump(base)


def _stamp(picture: Image.Image, number: int) -> Image.Image:
    marked = picture.copy()
    draw = ImageDraw.Draw(marked)
    for bit in range(BITS):
        left, top = (bit % 4) * CELL, (bit // 4) * CELL
        draw.rectangle((left, top, left + CELL - 1, top + CELL - 1), fill=(255,) * 3 if number >> bit & 1 else (0,) * 3)
    return marked


def number_in(data: bytes) -> int:
    """The number a photo carries, read back from its pixels with native Pillow (any size the page made)."""
    with Image.open(io.BytesIO(data)) as picture:
        picture.draft("L", (picture.width // 8, picture.height // 8))
        grey = picture.convert("L")
    scale = grey.width / 4000
    number = 0
    for bit in range(BITS):
        x, y = ((bit % 4) + 0.5) * CELL * scale, ((bit // 4) + 0.5) * CELL * scale
        if grey.getpixel((int(x), int(y))) > 128:
            number |= 1 << bit
    return number


def has_gps(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as picture:
        return bool(picture.getexif().get_ifd(0x8825))


def make_folder(count: int, prefix: str = "IMG") -> Path:
    """`count` phone photos in a new temp folder (the caller removes it)."""
    folder = Path(tempfile.mkdtemp(prefix=f"bench-{prefix.lower()}-")) / "Camera"
    folder.mkdir()
    bases = []
    for i in range(BASES):
        with Image.open(io.BytesIO(photos.photo(12, variant=i))) as picture:
            bases.append(picture.convert("RGB"))
    started = time.perf_counter()
    for n in range(count):
        out = io.BytesIO()
        _stamp(bases[n % BASES], n).save(out, "JPEG", quality=QUALITY, exif=_exif(n))
        (folder / f"{prefix}_{n:04d}.jpg").write_bytes(out.getvalue())
    sizes = [p.stat().st_size for p in folder.iterdir()]
    log(f"made {count} photos in {time.perf_counter() - started:.0f} s: {min(sizes) / 1e6:.2f}-"
        f"{max(sizes) / 1e6:.2f} MB, {sum(sizes) / 1e6:.0f} MB in all")
    return folder


def make_small(count: int) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="bench-small-"))
    for n in range(count):
        out = io.BytesIO()
        Image.new("RGB", (64, 48), (n % 256, 80, 200)).save(out, "JPEG", quality=85, exif=photos.exif_bytes())
        (folder / f"small_{n:04d}.jpg").write_bytes(out.getvalue())
    return folder


# --- the browser's memory, as the OS sees it ----------------------------------------------------------------

def _browser_pids() -> list[int]:
    """Every Chromium process started (through Playwright's driver) by this Python process."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
                parents[int(entry)] = int(fields[1])
            except (OSError, IndexError, ValueError):
                pass
    mine, grew = {os.getpid()}, True
    while grew:
        found = {pid for pid, parent in parents.items() if parent in mine} - mine
        mine |= found
        grew = bool(found)
    return [pid for pid in mine if "chrom" in _read(f"/proc/{pid}/comm") or "headless" in _read(f"/proc/{pid}/comm")]


def _read(path: str) -> str:
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        match = re.search(r"^Pss:\s+(\d+) kB", _read(f"/proc/{pid}/smaps_rollup"), re.M)
        total += int(match.group(1)) if match else 0
    return total / 1024


@contextmanager
def peak_memory():
    """Samples the browser's PSS every 0.25 s; yields a dict whose "peak_mb" holds the highest so far."""
    seen = {"peak_mb": 0.0}
    stop = threading.Event()

    def sample():
        while not stop.is_set():
            seen["peak_mb"] = max(seen["peak_mb"], _pss_mb(_browser_pids()))
            stop.wait(0.25)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    try:
        yield seen
    finally:
        stop.set()
        thread.join()


# --- the page, driven as a user drives it -------------------------------------------------------------------

@contextmanager
def fresh_page(playwright, url: str):
    """A fresh persistent profile (so the browser may keep large Blobs on disk, as for a real user)."""
    profile = tempfile.mkdtemp(prefix="bench-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=in_browser.chromium_path(), args=in_browser.CHROMIUM_ARGS, headless=True,
        accept_downloads=True)
    try:
        context.add_init_script(LONG_TASKS)
        page = context.pages[0] if context.pages else context.new_page()
        page.goto(url)
        page.locator('#engine[data-state="ready"]').wait_for(timeout=in_browser.BOOT_TIMEOUT_MS)
        yield page
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def _wait_all(page, count: int, timeout_s: float) -> dict:
    waited = time.perf_counter()
    while time.perf_counter() - waited < timeout_s:
        states = page.evaluate("""() => { const s = { done: 0, error: 0 };
          for (const c of document.querySelectorAll('.file')) {
            if (c.dataset.state in s && !c.classList.contains('stale')) s[c.dataset.state] += 1;
          }
          return s; }""")
        finished = states["done"] + states["error"] >= count
        if finished and page.evaluate("() => !document.getElementById('zip').disabled"):
            return states
        time.sleep(0.5)
    raise TimeoutError(f"not all {count} files finished in {timeout_s:.0f} s")


def folder_run(playwright, url: str, folder: Path, preset: str, timeout_s: float = 3600) -> dict:
    """Drop the folder, wait for every card, Download all; returns seconds, peak, longest task, the ZIP's path."""
    count = len(list(folder.iterdir()))
    with fresh_page(playwright, url) as page, peak_memory() as memory:
        page.get_by_role("radio", name=PRESETS[preset]).check()
        page.evaluate("() => { longTasks.length = 0; }")
        started = time.perf_counter()
        page.set_input_files("#folder-picker", str(folder))
        states = _wait_all(page, count, timeout_s)
        with page.expect_download(timeout=timeout_s * 1000) as info:
            page.locator("#zip").click()
        download = info.value
        saved = Path(tempfile.mkdtemp(prefix="bench-zip-")) / "batch.zip"
        download.save_as(saved)
        seconds = time.perf_counter() - started
        tasks = page.evaluate("() => longTasks")
        peak = memory["peak_mb"]
    log(f"{preset} x {count}: {seconds:.1f} s, peak {peak:.0f} MB, longest task {max(tasks, default=0):.0f} ms, "
        f"{states}")
    return {"seconds": seconds, "peak_mb": peak, "longest_task_ms": max(tasks, default=0), "zip": saved,
            "failed": states["error"]}


def check_zip(path: Path, count: int) -> None:
    """Every photo is in the ZIP once, is its own input's picture, and holds no GPS."""
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        if len(names) != count:
            raise SystemExit(f"{path}: {len(names)} entries for {count} photos")
        for name in names:
            data = archive.read(name)
            wanted = int(re.search(r"_(\d{4})", name).group(1))
            if number_in(data) != wanted:
                raise SystemExit(f"{name}: holds photo {number_in(data)}, not {wanted}")
            if has_gps(data):
                raise SystemExit(f"{name}: still holds a GPS position")


def small_run(playwright, url: str, folder: Path) -> dict:
    paths = sorted(str(p) for p in folder.iterdir())
    with fresh_page(playwright, url) as page:
        page.evaluate("() => { longTasks.length = 0; }")
        page.set_input_files("#picker", paths)
        in_browser.wait_for(page, f"() => document.querySelectorAll('.file').length === {len(paths)}", 120_000)
        added = page.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(longTasks))))")
        _wait_all(page, len(paths), 900)
        tasks = page.evaluate("() => longTasks")
    return {"add_ms": max(added, default=0), "all_ms": max(tasks, default=0)}


# --- sections -----------------------------------------------------------------------------------------------

def batch500(playwright, url: str, count: int = 500, presets: tuple = ("clean", "share")) -> dict:
    folder = make_folder(count)
    try:
        out = {"photos": count, "megabytes": round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6)}
        for preset in presets:
            run = folder_run(playwright, url, folder, preset)
            check_zip(run["zip"], count)
            shutil.rmtree(run["zip"].parent, ignore_errors=True)
            out[f"{preset}_s"] = round(run["seconds"], 1)
            out[f"{preset}_peak_mb"] = round(run["peak_mb"])
            out[f"{preset}_longest_task_ms"] = round(run["longest_task_ms"])
        out["peak_mb"] = max(out[f"{p}_peak_mb"] for p in presets)
        out["longest_task_ms"] = max(out[f"{p}_longest_task_ms"] for p in presets)
        out["targets"] = {"peak_mb": 1536, "longest_task_ms": 200}
        return out
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


def batch200(playwright, url: str, runs: int) -> dict:
    folder = make_small(200)
    try:
        rows = [small_run(playwright, url, folder) for _ in range(runs)]
        log(f"batch200: {rows}")
        return {"add_longest_task_ms": stat([r["add_ms"] for r in rows], 0),
                "until_done_longest_task_ms": stat([r["all_ms"] for r in rows], 0), "files": 200, "target_ms": 100}
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def exiftool_clean(folder: Path) -> float:
    """exiftool -all= -tagsfromfile @ -orientation -icc_profile over a copy of the folder, in one process."""
    copy = Path(tempfile.mkdtemp(prefix="bench-exiftool-")) / "Camera"
    shutil.copytree(folder, copy)
    try:
        started = time.perf_counter()
        subprocess.run(["exiftool", "-q", "-overwrite_original", "-all=", "-tagsfromfile", "@", "-orientation",
                        "-icc_profile", str(copy)], check=True)
        return time.perf_counter() - started
    finally:
        shutil.rmtree(copy.parent, ignore_errors=True)


def folder_clean(playwright, url: str, runs: int, count: int = 200) -> dict:
    folder = make_folder(count, "DSC")
    try:
        page_s, exif_s = [], []
        for _ in range(runs):  # interleaved: a burst of load on this shared machine hits both
            run = folder_run(playwright, url, folder, "clean")
            check_zip(run["zip"], count)
            shutil.rmtree(run["zip"].parent, ignore_errors=True)
            page_s.append(run["seconds"])
            exif_s.append(exiftool_clean(folder))
        ratio = statistics.median(exif_s) / statistics.median(page_s)
        return {"page_s": stat(page_s), "exiftool_s": stat(exif_s), "ratio": round(ratio, 2), "photos": count,
                "megabytes": round(sum(p.stat().st_size for p in folder.iterdir()) / 1e6), "target_ratio": 2.0}
    finally:
        shutil.rmtree(folder.parent, ignore_errors=True)


SECTIONS = {"batch200": batch200, "batch500": lambda pw, url, runs: batch500(pw, url), "folder_clean": folder_clean}


def main(argv=None) -> int:
    import argparse
    import json
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, default=in_browser.build.DIST, help="the built site to measure")
    parser.add_argument("--only", default="batch200,batch500,folder_clean")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--count", type=int, default=500, help="photos in batch500")
    parser.add_argument("--presets", default="clean,share", help="batch500's presets")
    args = parser.parse_args(argv)
    in_browser.build.DIST = args.site
    from playwright.sync_api import sync_playwright
    report = {}
    with in_browser.served_site({}) as url, sync_playwright() as pw:
        for name in args.only.split(","):
            log(name)
            report[name] = (batch500(pw, url, args.count, tuple(args.presets.split(","))) if name == "batch500"
                            else SECTIONS[name](pw, url, args.runs))
    print(json.dumps(report, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
