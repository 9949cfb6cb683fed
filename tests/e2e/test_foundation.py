"""The walking skeleton in a real Chromium: clean a GPS photo, survive a bad file, work offline, stay on origin."""

import gzip
import io
import json
import shutil
import subprocess

import piexif
import pytest
from PIL import Image

from browser import wait_engine_ready
from pictures import gps_photo


def _pixels(data: bytes):
    with Image.open(io.BytesIO(data)) as im:
        return im.mode, im.size, im.tobytes()


def _drop_files(page, tmp_path, files: dict[str, bytes]):
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    page.set_input_files("#picker", paths)


def _download(page, card):
    with page.expect_download() as info:
        card.get_by_role("link", name="Download").click()
    download = info.value
    return download.suggested_filename, open(download.path(), "rb").read()


def _assert_clean(data: bytes, original: bytes):
    exif = piexif.load(data)
    assert exif["GPS"] == {} and exif["Exif"] == {} and exif["1st"] == {}
    assert set(exif["0th"]) <= {piexif.ImageIFD.Orientation}
    assert b"SpyCam" not in data and b"usual place" not in data and b"TRAILING" not in data
    assert _pixels(data) == _pixels(original)
    exiftool = shutil.which("exiftool")
    if exiftool:  # a second, independent reader
        meta = json.loads(subprocess.run([exiftool, "-j", "-G1", "-"], input=data, capture_output=True,
                                         check=True).stdout)[0]
        assert not [k for k in meta if k.startswith(("GPS:", "ExifIFD:", "IFD1:", "File:Comment"))], meta


def test_page_is_usable_before_engine_and_cleans_a_gps_photo(page, tmp_path):
    assert page.locator("#dropzone").is_visible()
    photo = gps_photo()
    # Files dropped before the engine is ready wait in the queue.
    _drop_files(page, tmp_path, {"IMG_1234.jpg": photo})
    card = page.locator(".file", has_text="IMG_1234.jpg")
    card.locator(".file-size").wait_for()
    wait_engine_ready(page)
    card.locator(".download").wait_for()
    assert card.get_attribute("data-state") == "done"
    assert "48.858333, 2.294444" in card.locator(".chips").inner_text()
    assert "SpyCam X1" in card.locator(".chips").inner_text()
    name, data = _download(page, card)
    assert name == "IMG_1234-clean.jpg"
    _assert_clean(data, photo)
    assert not page.errors


def test_non_image_gets_an_error_row_and_the_batch_goes_on(page, tmp_path):
    wait_engine_ready(page)
    _drop_files(page, tmp_path, {"notes.jpg": b"this is not a picture at all", "good.jpg": gps_photo()})
    bad = page.locator(".file", has_text="notes.jpg")
    bad.locator(".file-error").wait_for()
    message = bad.locator(".file-error").inner_text()
    assert "notes.jpg" in message and "not an image" in message
    good = page.locator(".file", has_text="good.jpg")
    good.locator(".download").wait_for()
    _, data = _download(page, good)
    assert piexif.load(data)["GPS"] == {}


def test_reload_offline_and_clean_again(context, page, base_url, tmp_path):
    wait_engine_ready(page)
    # The service worker has precached the whole site once it controls the page.
    for _ in range(120):
        if page.evaluate("() => navigator.serviceWorker.controller !== null"):
            break
        page.wait_for_timeout(500)
    page.evaluate("() => navigator.serviceWorker.ready.then(() => true)")
    context.set_offline(True)
    page.reload()
    wait_engine_ready(page)
    photo = gps_photo()
    _drop_files(page, tmp_path, {"offline.jpg": photo})
    card = page.locator(".file", has_text="offline.jpg")
    card.locator(".download").wait_for()
    _, data = _download(page, card)
    _assert_clean(data, photo)


def test_no_request_leaves_the_origin_and_no_image_bytes_are_sent(context, page, tmp_path):
    wait_engine_ready(page)
    photo = gps_photo()
    _drop_files(page, tmp_path, {"private.jpg": photo})
    page.locator(".file", has_text="private.jpg").locator(".download").wait_for()
    requests = context.requests
    assert requests.urls, "the recorder saw no requests at all"
    assert any(u.endswith(".wasm") for u in requests.urls)
    assert not requests.off_origin()
    assert not any(photo[:2000] in body for body in requests.bodies)


def test_meta_csp_and_served_header_say_the_same(base_url):
    """GitHub Pages only has the meta tag; the local server sends the header that also reaches workers."""
    import re
    import urllib.request

    with urllib.request.urlopen(base_url) as response:
        header = response.headers["Content-Security-Policy"]
        html = response.read().decode()
    meta = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1)
    assert header == meta
    assert "connect-src 'self'" in meta and "'unsafe-eval'" not in meta.replace("'wasm-unsafe-eval'", "")
    with urllib.request.urlopen(base_url + "app/worker.js") as response:
        assert response.headers["Content-Security-Policy"] == meta


_ENGINE_START = """async () => {
  const { EngineBridge } = await import("./app/bridge.js");
  const engine = new EngineBridge(undefined, { size: 1 });
  const ready = await new Promise((resolve) =>
    engine.addEventListener("ready", (e) => resolve(e.detail), { once: true }));
  const photo = new Uint8Array(await (await fetch("static/icons/icon-192.png")).arrayBuffer());
  const result = await engine.call("clean", "icon.png", photo.buffer, { policy: {} });
  return { pythonStart: ready.pythonStart, cleaned: result.ok, bytes: result.ok ? result.data.byteLength : 0 };
}"""


def test_engine_starts_from_the_shipped_python_snapshot(page):
    wait_engine_ready(page)
    started = page.evaluate(_ENGINE_START)
    assert started["pythonStart"] == "snapshot"
    assert started["cleaned"] and started["bytes"] > 0


def _other_build(snapshot: bytes) -> bytes:
    damaged = bytearray(snapshot)
    damaged[20] ^= 0xFF  # a byte of the build id the snapshot was made by
    return bytes(damaged)


def _inside(change):
    """Damage the snapshot inside its gzip wrapping."""
    return lambda shipped: gzip.compress(change(gzip.decompress(shipped)))


DAMAGED_SNAPSHOTS = {
    "zeros": _inside(lambda snapshot: bytes(4096)),
    "truncated": _inside(lambda snapshot: snapshot[:len(snapshot) // 3]),  # Pyodide itself would hang on this
    "other build": _inside(_other_build),
    "cut-off download": lambda shipped: shipped[:len(shipped) // 2],  # the gzip stream ends too soon
}


@pytest.mark.parametrize("damage", DAMAGED_SNAPSHOTS)
def test_a_damaged_snapshot_falls_back_to_starting_python(browser, base_url, damage):
    import urllib.request

    with urllib.request.urlopen(base_url + "pyodide/python-snapshot.bin.gz") as response:
        body = DAMAGED_SNAPSHOTS[damage](response.read())
    # No service worker: once it controls the page it answers from its cache and the route never sees the request.
    context = browser.new_context(service_workers="block")
    try:
        context.route("**/python-snapshot.bin.gz", lambda route: route.fulfill(status=200, body=body))
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda err: errors.append(str(err)))
        page.goto(base_url)
        wait_engine_ready(page)
        started = page.evaluate(_ENGINE_START)
        assert started["pythonStart"] == "fresh", started
        assert started["cleaned"] and started["bytes"] > 0
        assert not errors
    finally:
        context.close()


def test_the_page_fetches_one_script_for_itself(page):
    """build.py bundles main.js with every module it imports: a first visit waits for one script, not eleven."""
    wait_engine_ready(page)
    loaded = page.evaluate("""() => performance.getEntriesByType("resource").map((r) => r.name)
        .filter((url) => /\\/app\\/[\\w-]+\\.js$/.test(url)).map((url) => url.split("/").pop())""")
    # The worker's script is the other one: its blob: bootstrap (app/worker-start.js) fetches it, not the page.
    assert sorted(loaded) == ["main.js"]
    assert not page.errors
