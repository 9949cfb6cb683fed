"""Headless Chromium against the built site: start-up timings and engine calls on the real page.

Every measurement runs on the real index.html; the page's own EngineBridge is not reachable from
outside, so engine calls go through a second EngineBridge imported from app/bridge.js on the same page
(the same worker code and the same protocol).
"""

import shutil
import sys
import tempfile
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
import build  # noqa: E402

# The e2e tests' flags (tests/e2e): Debian's Chromium, headless, no sandbox, no background traffic.
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

BOOT_TIMEOUT_MS = 120_000


def chromium_path() -> str | None:
    return next((c for c in build.CHROMIUM_CANDIDATES if Path(c).exists()), None)


@contextmanager
def served_site(inputs: dict[str, bytes]):
    """dist/ plus bench inputs under bench/, served with the site's CSP on 127.0.0.1."""
    folder = Path(tempfile.mkdtemp(prefix="bench-site-"))
    try:
        site = folder / "site"
        shutil.copytree(build.DIST, site)
        (site / "bench").mkdir()
        for name, data in inputs.items():
            (site / "bench" / name).write_bytes(data)
        server = build.start_server(site)
        try:
            yield f"http://127.0.0.1:{server.server_address[1]}/"
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


@contextmanager
def fresh_profile(playwright):
    """A new Chromium with an empty profile: no HTTP cache, no service worker, no compiled-code cache."""
    profile = tempfile.mkdtemp(prefix="bench-profile-")
    context = playwright.chromium.launch_persistent_context(
        profile, executable_path=chromium_path(), args=CHROMIUM_ARGS, headless=True)
    try:
        yield context
    finally:
        context.close()
        shutil.rmtree(profile, ignore_errors=True)


def wait_for(page, expression: str, timeout_ms: int = BOOT_TIMEOUT_MS, interval_ms: int = 50):
    """Poll a page expression (the CSP forbids the string form of wait_for_function)."""
    waited = 0
    while waited < timeout_ms:
        value = page.evaluate(expression)
        if value:
            return value
        page.wait_for_timeout(interval_ms)
        waited += interval_ms
    raise TimeoutError(f"timed out waiting for {expression}")


# Times since navigation start, read from the page's own clock (performance.timeOrigin).
_TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const ready = performance.getEntriesByName("engine-ready")[0];
  return {dcl: nav ? nav.domContentLoadedEventEnd : null, fcp: paint ? paint.startTime : null,
          ready: ready ? ready.startTime : null};
}"""


def load_and_time(page, url: str) -> dict:
    """Navigate and return {usable_s, ready_s}: drop zone wired and painted, engine ready."""
    page.goto(url)
    wait_for(page, "() => performance.getEntriesByName('engine-ready').length > 0")
    t = page.evaluate(_TIMINGS)
    usable = max(t["dcl"], t["fcp"] or 0)  # main.js (a module) has run before DOMContentLoaded ends
    return {"usable_s": usable / 1000, "ready_s": t["ready"] / 1000}


def startup_run(playwright, url: str) -> dict:
    """One cold visit (fresh profile) then one warm visit (same profile, service worker in control)."""
    with fresh_profile(playwright) as context:
        page = context.new_page()
        cold = load_and_time(page, url)
        wait_for(page, "() => navigator.serviceWorker.controller !== null")
        page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
        page.wait_for_timeout(500)  # let compiled-code caches settle, as a user's second visit would
        warm = load_and_time(page, url)
        page.close()
    return {"usable_cold_s": cold["usable_s"], "usable_warm_s": warm["usable_s"],
            "ready_cold_s": cold["ready_s"], "ready_warm_s": warm["ready_s"]}


# A second EngineBridge on the page, reachable as window.bench.
_INSTALL_BENCH = """async (options) => {
  const { EngineBridge } = await import("./app/bridge.js");
  const bridge = new EngineBridge(undefined, options);
  await new Promise((resolve) => bridge.ready ? resolve() : bridge.addEventListener("ready", resolve, { once: true }));
  const inputs = new Map();
  window.bench = {
    bridge,
    async load(name) {
      if (!inputs.has(name)) inputs.set(name, await (await fetch(`bench/${name}`)).arrayBuffer());
      return inputs.get(name);
    },
    // Run jobs [{op, name, input, options}] through the bridge; returns wall seconds and results.
    async run(jobs) {
      const buffers = [];
      for (const job of jobs) buffers.push((await this.load(job.input)).slice(0));
      const started = performance.now();
      const results = await Promise.all(jobs.map((job, i) => bridge.call(job.op, job.name, buffers[i], job.options)));
      const seconds = (performance.now() - started) / 1000;
      return { seconds, results: results.map((r) => ({ ok: r.ok, name: r.name, error: r.error,
        speed: r.report && r.report.speed, quality: r.report && r.report.quality,
        bytes: r.data ? Array.from(new Uint8Array(r.data)) : null })) };
    },
    async runSummary(jobs) {
      const { seconds, results } = await this.run(jobs);
      return { seconds, results: results.map((r) => ({ ok: r.ok, name: r.name, error: r.error,
        speed: r.speed, quality: r.quality, size: r.bytes ? r.bytes.length : 0 })) };
    },
  };
  return true;
}"""


def bench_page(context, url: str, pool_size: int | None = None):
    """The real page with window.bench installed and its bridge ready."""
    page = context.new_page()
    page.goto(url)
    page.evaluate(_INSTALL_BENCH, {"size": pool_size} if pool_size else {})
    return page
