"""Issue 14, point 3: updates are safe on a host that sends no headers.
- The service worker checks every file's sha256 while installing and installs nothing on a mismatch.
- A new version never takes over an open page: the page says "New version — reload", its workers keep running
  its own version meanwhile, and the new version arrives only when asked for.
- An engine that cannot start (a damaged offline copy) says so, never "Works offline", and clearing the offline
  copy brings back a working page."""

import hashlib
import re

import build
from conftest import CHROMIUM_ARGS, wait_engine_ready
from security_helpers import flip_byte, rewrite, serve_plain, site_copy

OFFLINE_READY_MS = 120_000
REGISTRATION = """async () => {
  const r = await navigator.serviceWorker.getRegistration();
  return r ? { installing: !!r.installing, waiting: !!r.waiting, active: !!r.active } : null;
}"""
SITE_CACHES = "async () => (await caches.keys()).filter((k) => k.startsWith('image-studio-'))"
SECOND_ENGINE = """async () => {
  const { EngineBridge } = await import("./app/bridge.js");
  const engine = new EngineBridge(undefined, { size: 1 });
  return new Promise((resolve) => {
    engine.addEventListener("ready", () => resolve("ready"), { once: true });
    engine.addEventListener("fatal", (e) => resolve(e.detail.message), { once: true });
  });
}"""


def _open(browser, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    return context, page


def _poll(page, script, until, tries=240):
    for _ in range(tries):
        value = page.evaluate(script)
        if until(value):
            return value
        page.wait_for_timeout(500)
    raise AssertionError(f"still {value}")


def test_install_is_aborted_when_a_file_does_not_match(browser, site_dir, tmp_path):
    site = site_copy(site_dir, tmp_path)
    flip_byte(site / "static" / "icons" / "icon-512.png")  # a file the engine does not need
    server = serve_plain(site)
    context, page = _open(browser, server)
    try:
        wait_engine_ready(page)
        _poll(page, REGISTRATION, lambda r: r is None)  # a failed install leaves no registration behind
        assert page.evaluate(SITE_CACHES) == []
        assert page.evaluate("() => navigator.serviceWorker.controller") is None
        assert "Works offline" not in page.locator("#offline").inner_text()
    finally:
        context.close()
        server.shutdown()


def _next_version(site):
    """Deploy a new version over `site`: a changed stylesheet, with its hash and a new version in sw.js."""
    css = site / "static" / "css" / "app.css"
    new_css = css.read_bytes() + b"\n/* next version */\n"
    rewrite(css, new_css)
    worker = (site / "sw.js").read_text()
    worker = re.sub(r'"static/css/app.css": "[0-9a-f]{64}"',
                    f'"static/css/app.css": "{hashlib.sha256(new_css).hexdigest()}"', worker)
    worker = re.sub(r'const VERSION = "([0-9a-f]+)"', 'const VERSION = "next"', worker)
    rewrite(site / "sw.js", worker.encode())


def test_a_new_version_waits_for_the_page_to_ask(browser, site_dir, tmp_path):
    site = site_copy(site_dir, tmp_path)
    server = serve_plain(site)
    context, page = _open(browser, server)
    try:
        wait_engine_ready(page)
        page.locator('#offline[data-state="ready"]').wait_for(timeout=OFFLINE_READY_MS)
        _next_version(site)
        page.evaluate("async () => { await (await navigator.serviceWorker.getRegistration()).update(); }")
        _poll(page, REGISTRATION, lambda r: r and r["waiting"])
        # No takeover: the page is still served by the version it started with, and says a new one is there.
        notice = page.locator('#offline[data-state="update"]')
        notice.wait_for()
        css = "async () => (await (await fetch('static/css/app.css')).text()).includes('next version')"
        assert page.evaluate(css) is False
        # A worker started now (as after a crash or a cancel) runs this page's version and starts.
        assert page.evaluate(SECOND_ENGINE) == "ready"
        # Asked for, the new version takes over and the page reloads into it.
        with page.expect_navigation():
            notice.get_by_role("button", name="New version — reload").click()
        wait_engine_ready(page)
        assert page.evaluate(css) is True
        assert page.evaluate(SITE_CACHES) == ["image-studio-next"]
    finally:
        context.close()
        server.shutdown()


def test_a_damaged_offline_copy_is_reported_and_can_be_cleared(browser, site_dir, tmp_path):
    site = site_copy(site_dir, tmp_path)
    server = serve_plain(site)
    context, page = _open(browser, server)
    try:
        wait_engine_ready(page)
        page.locator('#offline[data-state="ready"]').wait_for(timeout=OFFLINE_READY_MS)
        # What a stale or damaged copy in the offline cache looks like: a different Python standard library.
        page.evaluate("""async () => {
          const key = (await caches.keys()).find((k) => k.startsWith("image-studio-"));
          const cache = await caches.open(key);
          const original = await cache.match("pyodide/python_stdlib_rest.zip");
          const bytes = new Uint8Array(await original.arrayBuffer());
          bytes[bytes.length >> 1] ^= 1;
          await cache.put("pyodide/python_stdlib_rest.zip", new Response(bytes, { headers: original.headers }));
        }""")
        page.reload()
        page.locator('#engine[data-state="error"]').wait_for(timeout=90_000)
        assert "python_stdlib_rest.zip is not the file" in page.locator("#engine-label").inner_text()
        status = page.locator("#offline")
        assert status.get_attribute("data-state") == "broken" and "Works offline" not in status.inner_text()
        with page.expect_navigation():
            status.get_by_role("button", name="Clear the offline copy").click()
        wait_engine_ready(page)  # from the server again, checked again
    finally:
        context.close()
        server.shutdown()


def build_chromium():
    import os
    found = (c for c in build.CHROMIUM_CANDIDATES if os.path.exists(c))
    return os.environ.get("IMAGE_STUDIO_CHROMIUM") or next(found, None)


class _LoggingHandler(build.PlainSiteHandler):
    """The header-less server, noting (path, status, bytes sent) for each answer."""

    def send_response(self, code, message=None):
        self.server.answers.append([self.path.split("?")[0].lstrip("/"), code])
        super().send_response(code, message)

    def copyfile(self, source, outputfile):
        before = source.tell()
        super().copyfile(source, outputfile)
        self.server.answers[-1].append(source.tell() - before)


def test_installing_the_offline_copy_downloads_nothing_twice(browser, site_dir, tmp_path):
    """Issue 16, item 1: the service worker's install reuses what the page has just fetched (the browser's
    HTTP cache; a copy that fails its hash check is the only thing fetched again)."""
    import threading
    from functools import partial
    from http.server import ThreadingHTTPServer

    server = ThreadingHTTPServer(("127.0.0.1", 0), partial(_LoggingHandler, directory=str(site_dir)))
    server.answers, server.quiet, server.daemon_threads = [], True, True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # A profile on disk, as a real visitor has: an in-memory profile's HTTP cache keeps no 10 MB file.
    context = browser.browser_type.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=build_chromium(), args=CHROMIUM_ARGS)
    # One engine worker: a second one starting meanwhile would fetch the same files for itself.
    context.add_init_script("Object.defineProperty(navigator, 'hardwareConcurrency', { get: () => 1 });")
    page = context.new_page()
    page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
    try:
        wait_engine_ready(page)
        fetched = {path for path, code, *_ in server.answers if code == 200}
        boot = {"pyodide/pyodide.asm.wasm", "pyodide/python_stdlib_rest.zip", "pyodide/python-snapshot.bin.gz"}
        assert boot <= fetched
        during_boot = len(server.answers)
        page.locator('#offline[data-state="ready"]').wait_for(timeout=OFFLINE_READY_MS)
        again = [(path, sent) for path, code, *sent in server.answers[during_boot:] if code == 200 and path in fetched]
        assert again == []
        total = sum(sent[0] for _, code, *sent in server.answers if code == 200 and sent)
        shipped = sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file())
        assert total <= shipped  # each file crossed the wire at most once
    finally:
        context.close()
        server.shutdown()
