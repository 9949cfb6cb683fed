"""Hostile batches in a real Chromium: every file is reported, the worker survives, nothing leaves the page.

- A batch of bad and good files: each bad one is listed with a one-line error naming it, each good one is cleaned,
  no request leaves the origin, no request body carries image bytes, and the ZIP of all results holds every
  successful file exactly once.
- The engine dies on one file (Pyodide aborts, as on running out of memory) or hangs on one: that file is reported,
  a fresh worker starts, the rest of the batch goes on.
- The Content-Security-Policy refuses a fetch() (and beacon, image, WebSocket) to another origin from the page and
  from the engine worker.
"""

import hashlib
import http.server
import io
import threading
import time
import zipfile

import pytest

from conftest import RequestLog, wait_engine_ready
import hostile_inputs as hi

SETTLE_TIMEOUT_S = 120
# The injected worker ends in the same module scope as app/worker.js, so it can wrap the engine it boots.
# die.jpg makes CPython abort inside the wasm module (what Pyodide does when memory runs out: a fatal error);
# hang.jpg never returns (an endless loop in the engine).
SABOTAGE = """
;ready.then(() => {
  const real = api;
  api = new Proxy(real, { get(target, prop) {
    if (prop !== "handle_js") return Reflect.get(target, prop);
    return (op, data, options, name) => {
      if (name === "die.jpg") pyodide.pyimport("os").abort();
      if (name === "hang.jpg") { for (;;) { /* stuck */ } }
      return real.handle_js(op, data, options, name);
    };
  } });
});
"""


def _card(page, name):
    return page.locator(".file").filter(has=page.locator(".file-name", has_text=name))


def _state(page, name):
    return _card(page, name).first.get_attribute("data-state")


def settle(page, names, timeout_s=SETTLE_TIMEOUT_S) -> dict:
    """Wait until every named card is done or failed; return name -> state."""
    deadline = time.monotonic() + timeout_s
    while True:
        states = {n: _state(page, n) for n in names}
        if all(s in ("done", "error") for s in states.values()):
            return states
        if time.monotonic() > deadline:
            raise AssertionError(f"cards did not settle in {timeout_s}s: {states}")
        page.wait_for_timeout(250)


def _error(page, name) -> str:
    return _card(page, name).first.locator(".file-error").inner_text()


def _drop(page, files: list[tuple[str, bytes]]):
    page.set_input_files("#picker", [{"name": n, "mimeType": "application/octet-stream", "buffer": d}
                                     for n, d in files])


def _download(page, locator, attempts: int = 3) -> tuple[str, bytes]:
    for attempt in range(attempts):  # headless Chrome now and then drops one of many quick downloads: click again
        try:
            with page.expect_download(timeout=10_000) as info:
                locator.click()
            break
        except Exception:
            if attempt == attempts - 1:
                raise
    download = info.value
    with open(download.path(), "rb") as f:
        return download.suggested_filename, f.read()


def _assert_no_image_bytes_sent(requests: RequestLog, blobs: list[bytes]):
    """No request body (uploads, beacons) holds a 32-byte window of any input or output."""
    windows = {b[i:i + 32] for b in blobs if len(b) >= 64 for i in (0, len(b) // 3, len(b) - 32)}
    for body in requests.bodies:
        leaked = [w for w in windows if w in body]
        assert not leaked, f"a request body carried image bytes ({len(body)} bytes)"


# ---------------------------------------------------------------- a hostile batch

BATCH = [
    ("good-photo.jpg", hi.dirty_jpeg((64, 48))),
    ("good-graphic.png", hi.dirty_png()),
    ("good-sticker.webp", hi.dirty_webp()),
    ("good-anim.gif", hi.dirty_gif(frames=3)),
    ("cmyk-print.jpg", hi.dirty_jpeg(mode="CMYK")),
    ("polyglot-zip.jpg", hi.dirty_jpeg() + hi.zip_archive()),
    ("zero-bytes.jpg", b""),
    ("noise.png", bytes(range(256)) * 20),
    ("cut-header.jpg", hi.dirty_jpeg()[:40]),
    ("no-ihdr.png", hi.PNG_SIG + hi.png_chunk(b"tEXt", b"Author\x00" + hi.CANARY) + hi.png_chunk(b"IEND", b"")),
    ("looping-exif.jpg", dict(hi.bad_inputs())["exif-ifd0_next_loops_to_itself.jpg"]),
    ("heic-photo.heic", b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + b"\x00" * 64),
    ("bomb-60000.png", hi.png_raw(60000, 60000, rows=b"")),
]
MUST_FAIL = ("zero-bytes.jpg", "noise.png", "cut-header.jpg", "no-ihdr.png", "heic-photo.heic")
MUST_PASS = ("good-photo.jpg", "good-graphic.png", "good-sticker.webp", "good-anim.gif", "cmyk-print.jpg",
             "polyglot-zip.jpg", "looping-exif.jpg")


def test_hostile_batch_every_file_reported_nothing_sent_zip_holds_each_result_once(context, page):
    wait_engine_ready(page)
    during = []  # every request made while the batch runs: only plain GETs of the site's own files
    context.on("request", lambda r: during.append((r.method, r.url)))
    # Two different photos with the same name (from two folders): both must survive into the ZIP.
    twins = [("twin.jpg", hi.dirty_jpeg((20, 20))), ("twin.jpg", hi.dirty_jpeg((30, 10)))]
    _drop(page, BATCH + twins)
    names = [n for n, _ in BATCH]
    states = settle(page, names + ["twin.jpg"])
    assert _card(page, "twin.jpg").count() == 2
    settle_twins = time.monotonic() + SETTLE_TIMEOUT_S
    while any(_card(page, "twin.jpg").nth(i).get_attribute("data-state") not in ("done", "error") for i in (0, 1)):
        assert time.monotonic() < settle_twins, "twin cards did not settle"
        page.wait_for_timeout(250)

    for name in MUST_FAIL:
        assert states[name] == "error", f"{name} should have failed: {states}"
    for name in MUST_PASS:
        why = _error(page, name) if states[name] == "error" else ""
        assert states[name] == "done", f"{name} should have been cleaned: {states} {why}"
    for name, state in states.items():
        if state == "error":
            message = _error(page, name)
            assert name in message, f"the error does not name the file: {message!r}"
            assert "\n" not in message.strip() and len(message) > len(name) + 8, message
            assert "internal error" not in message, message
    if states["bomb-60000.png"] == "error":  # refused before decoding, with the limit shown
        message = _error(page, "bomb-60000.png")
        assert "60000" in message and "too" in message.lower(), message

    # Every successful file: exactly once in the ZIP of all results, and its own download. (The ZIP first: it is
    # saved after an await, and Chrome holds back a script's download once a page has made several.)
    archive = None
    if page.locator("#zip").count():
        try:
            _, archive = _download(page, page.locator("#zip"))
        except Exception as err:
            raise AssertionError(f"no ZIP download: {page.locator('#overall-label').inner_text()!r}") from err
    outputs = []
    for i in range(page.locator(".file[data-state='done']").count()):
        card = page.locator(".file[data-state='done']").nth(i)
        _, data = _download(page, card.locator(".download"))
        assert hi.CANARY not in data and b"PK\x03\x04" not in data
        outputs.append(data)
    assert len(outputs) == len([s for s in states.values() if s == "done"]) + 1  # twin.jpg counted once in states
    if archive is not None:
        with zipfile.ZipFile(io.BytesIO(archive)) as z:
            entries = z.namelist()
            assert len(entries) == len(set(entries)), f"duplicate names in the ZIP: {entries}"
            contents = sorted(hashlib.sha256(z.read(e)).hexdigest() for e in entries)
        assert contents == sorted(hashlib.sha256(o).hexdigest() for o in outputs), "ZIP != the successful files"

    requests = context.requests
    assert not requests.off_origin(), requests.off_origin()
    assert all(method in ("GET", "HEAD") for method, _ in during), during
    assert not [u for _, u in during if len(u) > 300 or "?" in u and not u.startswith("blob:")], during
    _assert_no_image_bytes_sent(requests, [d for _, d in BATCH + twins] + outputs)
    assert not page.errors, page.errors


# ---------------------------------------------------------------- the worker dies or hangs

@pytest.fixture
def sabotaged(browser, base_url):
    """A page whose engine worker dies on die.jpg and hangs on hang.jpg (no service worker: the route must apply)."""
    ctx = browser.new_context(accept_downloads=True, service_workers="block")
    requests = RequestLog(base_url.rstrip("/"))
    ctx.on("request", requests.record)
    ctx.set_default_timeout(30_000)

    def patch_worker(route):
        response = route.fetch()
        route.fulfill(response=response, body=response.text() + SABOTAGE)

    ctx.route("**/app/worker.js", patch_worker)
    # A short per-job budget so the hang test does not wait for the real one.
    ctx.add_init_script("globalThis.imageStudioJobTimeoutMs = 8000;")
    page = ctx.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.spawned, page.closed = [], []

    def track(worker):
        page.spawned.append(worker)
        worker.on("close", lambda w: page.closed.append(w))

    page.on("worker", track)
    page.goto(base_url)
    yield page
    ctx.close()
    assert not requests.off_origin(), requests.off_origin()


def test_engine_dies_on_one_file_fresh_worker_finishes_the_rest(sabotaged):
    page = sabotaged
    wait_engine_ready(page)
    files = [("first.jpg", hi.dirty_jpeg()), ("die.jpg", hi.dirty_jpeg())]
    # Enough files after it that the dead worker would get some of them if it were kept.
    files += [(f"after-{i}.{ext}", make()) for i, (ext, make) in enumerate(
        [("png", hi.dirty_png), ("jpg", hi.dirty_jpeg), ("webp", hi.dirty_webp), ("gif", hi.dirty_gif)] * 2)]
    _drop(page, files)
    states = settle(page, [n for n, _ in files])
    assert states["die.jpg"] == "error"
    message = _error(page, "die.jpg")
    assert message.startswith("die.jpg: ") and "crash" in message, message
    assert {n: s for n, s in states.items() if n != "die.jpg"} == {n: "done" for n, _ in files if n != "die.jpg"}, \
        {n: (s, _error(page, n) if s == "error" else "") for n, s in states.items()}
    assert page.closed, "the dead worker was kept instead of being ended"
    alive = [w for w in page.spawned if w not in page.closed]
    assert alive, "no engine worker is left"
    # The fresh engine keeps working for files added later.
    _drop(page, [("later.jpg", hi.dirty_jpeg())])
    assert settle(page, ["later.jpg"]) == {"later.jpg": "done"}


def test_engine_hangs_on_one_file_it_times_out_and_the_rest_go_on(sabotaged):
    page = sabotaged
    wait_engine_ready(page)
    files = [("hang.jpg", hi.dirty_jpeg()), ("next-1.jpg", hi.dirty_jpeg()), ("next-2.png", hi.dirty_png())]
    _drop(page, files)
    states = settle(page, [n for n, _ in files])
    assert states == {"hang.jpg": "error", "next-1.jpg": "done", "next-2.png": "done"}, states
    message = _error(page, "hang.jpg")
    assert message.startswith("hang.jpg: ") and "time allowed" in message, message
    _drop(page, [("after-hang.jpg", hi.dirty_jpeg())])
    assert settle(page, ["after-hang.jpg"]) == {"after-hang.jpg": "done"}
    for _ in range(40):  # a worker stuck in a loop is reported closed a little after terminate()
        if page.closed:
            break
        page.wait_for_timeout(250)
    assert page.closed, "the stuck worker was not ended"


# ---------------------------------------------------------------- the CSP keeps bytes in

@pytest.fixture
def other_origin():
    """A reachable server on another origin that counts every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def _hit(self):
            hits.append((self.command, self.path))
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.end_headers()
            self.wfile.write(b"ok")

        do_GET = do_POST = _hit

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    # "localhost" is a different origin from the site's 127.0.0.1 even on the same machine.
    yield f"http://localhost:{server.server_address[1]}", hits
    server.shutdown()


PROBE = """async (url) => {
  const violations = [];
  self.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
  const out = {};
  try { await fetch(url + "/fetch", { method: "POST", body: "image bytes" }); out.fetch = "sent"; }
  catch (err) { out.fetch = "refused"; }
  try { out.beacon = navigator.sendBeacon(url + "/beacon", "image bytes") ? "queued" : "refused"; }
  catch (err) { out.beacon = "refused"; }
  await new Promise((resolve) => setTimeout(resolve, 500));
  out.violations = violations;
  return out;
}"""


def test_csp_refuses_cross_origin_requests_from_page_and_worker(browser, base_url, other_origin):
    url, hits = other_origin
    ctx = browser.new_context()
    page = ctx.new_page()
    page.goto(base_url)
    # The other server is reachable: only the policy stands in the way.
    assert page.request.get(url + "/reachable").ok
    hits.clear()
    result = page.evaluate(PROBE, url)
    assert result["fetch"] == "refused", result
    assert "connect-src" in result["violations"], result
    image = page.evaluate("""(url) => new Promise((resolve) => {
      const img = new Image();
      img.onload = () => resolve("loaded"); img.onerror = () => resolve("refused");
      img.src = url + "/pixel.png";
    })""", url)
    assert image == "refused"
    socket = page.evaluate("""(url) => new Promise((resolve) => {
      const violations = [];
      document.addEventListener("securitypolicyviolation", (e) => violations.push(e.violatedDirective));
      try {
        const ws = new WebSocket(url.replace("http", "ws") + "/socket");
        ws.onopen = () => resolve({ state: "opened", violations });
        ws.onerror = () => setTimeout(() => resolve({ state: "refused", violations }), 100);
      } catch (err) { resolve({ state: "refused", violations: ["thrown"] }); }
    })""", url)
    assert socket["state"] == "refused" and socket["violations"], socket
    wait_engine_ready(page)
    worker = page.workers[0]
    from_worker = worker.evaluate(PROBE, url)
    assert from_worker["fetch"] == "refused", from_worker
    time.sleep(0.5)
    assert hits == [], f"the other origin received requests: {hits}"
    ctx.close()
