"""Start-up: what a first visit downloads, when the engine is ready and when the first result is, each against
bare Pyodide (`loadPyodide()` alone, no package, no snapshot) from the same site in the same run (issue 16).

The site is served the way GitHub Pages serves it: no header of ours, `Cache-Control: max-age=600`, and gzip for
the text types and wasm (what Pages compresses); zip, wheels, .gz and images go as they are. Every answer's body
is counted, so `first_visit_mb` is what crossed the wire, gzip included, from navigation until the service
worker holds the whole site. Each timed value is measured in fresh profiles (cold) and on the second visit of
the same profile (warm), as times since navigation start on the page's own clock.

    benchmarks/run.py --only startup [--runs N] [--baseline OTHER_DIST]

`--baseline` measures a second build (e.g. main's dist/) in the same run, interleaved run by run.
"""

import email.utils
import gzip
import shutil
import statistics
import tempfile
import threading
from contextlib import contextmanager
from functools import partial
from http.server import ThreadingHTTPServer
from pathlib import Path

import in_browser
from in_browser import build

GZIPPED_TYPES = ("text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                 "application/manifest+json", "image/svg+xml", "text/plain", "application/wasm")
# The bare page: Pyodide's own loader from the site's pyodide/ folder, nothing else.
BARE_HTML = """<!doctype html><meta charset="utf-8"><title>bare Pyodide</title>
<script type="module" src="bare.js"></script>"""
BARE_JS = """import { loadPyodide } from "../pyodide/pyodide.mjs";
await loadPyodide({ indexURL: new URL("../pyodide/", import.meta.url).href });
performance.mark("engine-ready");
"""
# Set before the page's scripts: the moment a card's download link appears (the first result).
WATCH_RESULT = """(() => {
  new MutationObserver((_, observer) => {
    if (document.querySelector(".file a.download")) {
      performance.mark("first-result");
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
})();"""
SETTLE_MS = 1500  # after "Works offline": nothing more should arrive


class PagesLikeHandler(build.PlainSiteHandler):
    """GitHub Pages' way of serving: no header of ours, a 10-minute cache, gzip for text and wasm; counts bodies."""

    def end_headers(self):
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def do_GET(self):  # noqa: N802 (the name http.server calls)
        path = Path(self.translate_path(self.path))
        kind = self.guess_type(str(path))
        if not (path.is_file() and kind in GZIPPED_TYPES and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = self.server.gzipped(path)
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Last-Modified", email.utils.formatdate(path.stat().st_mtime, usegmt=True))
        self.end_headers()
        self.wfile.write(body)
        self.server.count(self.path, len(body))

    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        self.server.count(self.path, source.tell() - before)

    def log_message(self, *args):
        pass


class CountingServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, site: Path):
        super().__init__(("127.0.0.1", 0), partial(PagesLikeHandler, directory=str(site)))
        self.lock = threading.Lock()
        self.sent: list[tuple[str, int]] = []
        self.cache: dict[Path, bytes] = {}

    def gzipped(self, path: Path) -> bytes:
        with self.lock:
            if path not in self.cache:
                self.cache[path] = gzip.compress(path.read_bytes(), 6, mtime=0)
            return self.cache[path]

    def count(self, path: str, size: int) -> None:
        with self.lock:
            self.sent.append((path.split("?")[0], size))

    def take(self) -> list[tuple[str, int]]:
        with self.lock:
            sent, self.sent = self.sent, []
            return sent


@contextmanager
def served(dist: Path):
    """A copy of `dist` plus the bare-Pyodide page under bench/, served Pages-like on 127.0.0.1."""
    folder = Path(tempfile.mkdtemp(prefix="bench-startup-"))
    try:
        site = folder / "site"
        shutil.copytree(dist, site)
        (site / "bench").mkdir()
        (site / "bench" / "bare.html").write_text(BARE_HTML)
        (site / "bench" / "bare.js").write_text(BARE_JS)
        server = CountingServer(site)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            yield server, f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _mark(page, name: str) -> float | None:
    return page.evaluate(f"() => performance.getEntriesByName({name!r})[0]?.startTime ?? null")


def _wait_mark(page, name: str) -> float:
    in_browser.wait_for(page, f"() => performance.getEntriesByName({name!r}).length > 0", interval_ms=20)
    return _mark(page, name) / 1000


def _engine_visit(page, url: str) -> dict:
    return in_browser.load_and_time(page, url)  # usable_s (drop zone wired and painted), ready_s


def _result_visit(page, url: str, photo: str) -> dict:
    """Navigate, drop the photo the moment the drop zone is usable, wait for its download link."""
    page.goto(url, wait_until="commit")
    in_browser.wait_for(page, "() => document.readyState !== 'loading' && !!document.querySelector('#picker')",
                        interval_ms=10)
    page.set_input_files("#picker", photo)
    dropped = page.evaluate("() => performance.now()") / 1000
    return {"dropped_s": dropped, "first_result_s": _wait_mark(page, "first-result")}


def visit_pair(pw, url: str, visit, *, server=None, init_script: str | None = None) -> tuple[dict, dict]:
    """A cold visit in a fresh profile, then a warm one (the service worker in control where the page has one).
    With `server`, the cold visit also counts the bytes sent until the site is saved for offline use."""
    with in_browser.fresh_profile(pw) as context:
        if init_script:
            context.add_init_script(init_script)
        page = context.new_page()
        if server:
            server.take()
        cold = visit(page)
        if server:
            to_ready = sum(size for _, size in server.sent)
            page.locator('#offline[data-state="ready"]').wait_for(timeout=in_browser.BOOT_TIMEOUT_MS)
            page.wait_for_timeout(SETTLE_MS)
            sent = server.take()
            cold["first_visit_mb"] = sum(size for _, size in sent) / 1e6
            cold["to_ready_mb"] = to_ready / 1e6
            cold["largest"] = sorted(sent, key=lambda row: -row[1])[:8]
        elif "bare" not in url:
            in_browser.wait_for(page, "() => navigator.serviceWorker.controller !== null")
        page.wait_for_timeout(500)  # compiled-code caches settle, as before a user's second visit
        warm = visit(page)
        page.close()
    return cold, warm


def one_run(pw, url: str, server, photo: str) -> dict:
    bare_cold, bare_warm = visit_pair(pw, url + "bench/bare.html", lambda p: _engine_visit(p, url + "bench/bare.html"))
    cold, warm = visit_pair(pw, url, lambda p: _engine_visit(p, url), server=server)
    result_cold, result_warm = visit_pair(pw, url, lambda p: _result_visit(p, url, photo), init_script=WATCH_RESULT)
    return {"bare_cold_s": bare_cold["ready_s"], "bare_warm_s": bare_warm["ready_s"],
            "ready_cold_s": cold["ready_s"], "ready_warm_s": warm["ready_s"],
            "first_result_cold_s": result_cold["first_result_s"], "first_result_warm_s": result_warm["first_result_s"],
            "dropped_cold_s": result_cold["dropped_s"], "dropped_warm_s": result_warm["dropped_s"],
            "usable_cold_s": cold["usable_s"], "usable_warm_s": warm["usable_s"],
            "first_visit_mb": cold["first_visit_mb"], "to_ready_mb": cold["to_ready_mb"], "largest": cold["largest"]}


def summary(rows: list[dict], stat) -> dict:
    def med(key):
        return statistics.median(r[key] for r in rows)

    out = {"usable_s": stat([r["usable_cold_s"] for r in rows] + [r["usable_warm_s"] for r in rows]),
           "first_visit_mb": stat([r["first_visit_mb"] for r in rows], 2),
           "mb_until_engine_ready": stat([r["to_ready_mb"] for r in rows], 2),
           "bare_pyodide_cold_s": stat([r["bare_cold_s"] for r in rows]),
           "bare_pyodide_warm_s": stat([r["bare_warm_s"] for r in rows]),
           "ready_cold_s": stat([r["ready_cold_s"] for r in rows]),
           "ready_warm_s": stat([r["ready_warm_s"] for r in rows]),
           "first_result_cold_s": stat([r["first_result_cold_s"] for r in rows]),
           "first_result_warm_s": stat([r["first_result_warm_s"] for r in rows]),
           "dropped_at_s": stat([r["dropped_cold_s"] for r in rows] + [r["dropped_warm_s"] for r in rows])}
    for visit in ("cold", "warm"):
        out[f"ready_vs_bare_{visit}"] = round(med(f"ready_{visit}_s") / med(f"bare_{visit}_s"), 3)
        out[f"first_result_vs_bare_{visit}"] = round(med(f"first_result_{visit}_s") / med(f"bare_{visit}_s"), 3)
    out["largest_transfers_mb"] = {path: round(size / 1e6, 2) for path, size in rows[-1]["largest"]}
    out["targets"] = {"first_visit_mb": 12, "ready_vs_bare": 1.0, "first_result_vs_bare": 1.3}
    return out


def measure(pw, dists: dict[str, Path], photo_bytes: bytes, runs: int, stat, log) -> dict:
    """{label: summary} for each build in `dists`, runs interleaved (the host is shared and noisy)."""
    folder = Path(tempfile.mkdtemp(prefix="bench-photo-"))
    photo = folder / "IMG_0001.jpg"
    photo.write_bytes(photo_bytes)
    rows: dict[str, list] = {label: [] for label in dists}
    try:
        with contextmanager_all({label: served(dist) for label, dist in dists.items()}) as sites:
            for i in range(runs):
                for label, (server, url) in sites.items():
                    rows[label].append(one_run(pw, url, server, str(photo)))
                    log(f"startup {label} run {i + 1}/{runs}: "
                        f"{ {k: round(v, 3) for k, v in rows[label][-1].items() if k != 'largest'} }")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return {label: summary(found, stat) for label, found in rows.items()}


@contextmanager
def contextmanager_all(managers: dict):
    from contextlib import ExitStack
    with ExitStack() as stack:
        yield {label: stack.enter_context(manager) for label, manager in managers.items()}
