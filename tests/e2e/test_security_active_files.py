"""Issue 14, point 2: a dropped SVG, HTML or XML file never becomes an active same-origin document. Each one gets
a "not a photo" message; every blob: URL the page makes has an inert type; opening each of them in a new tab
runs no script, and the offline cache stays as it was. Served as GitHub Pages serves it (no headers)."""

from conftest import wait_engine_ready
from security_helpers import plain_url  # noqa: F401  (fixture)
import base64

from studio_helpers import gps_photo

# Each file tries to leave a mark where a later visit would find it: storage and the offline cache.
PAYLOAD = ("localStorage.setItem('pwned', '{name}');"
           "caches.open('pwned-{name}').then((c) => c.put('index.html', new Response('pwned')));")
HOSTILE = {
    "drawing.svg": ('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>{js}</script>'
                    '<rect width="10" height="10"/></svg>'),
    "page.html": "<!doctype html><html><body><script>{js}</script><img src=x onerror=\"{js}\"></body></html>",
    "photo.jpg": "<!doctype html><script>{js}</script>",   # a web page named like a photo
    "data.xml": ('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><script>{js}</script></html>'),
}
RECORD_BLOB_URLS = """
(() => {
  const make = URL.createObjectURL.bind(URL);
  window.madeBlobUrls = [];
  URL.createObjectURL = (blob) => {
    const url = make(blob);
    window.madeBlobUrls.push({ url, type: blob.type });
    return url;
  };
})();
"""
CACHE_STATE = """async () => {
  const state = { pwned: localStorage.getItem("pwned"), caches: {} };
  for (const key of await caches.keys()) {
    const cache = await caches.open(key);
    const requests = await cache.keys();
    const page = await cache.match("./");
    state.caches[key] = { files: requests.length, page: page ? (await page.text()).length : null };
  }
  return state;
}"""


def _declared_type(name: str) -> str:
    return {"svg": "image/svg+xml", "html": "text/html", "xml": "text/xml", "jpg": "image/jpeg"}[name.rsplit(".", 1)[1]]


def _drop_with_types(page, files: dict[str, bytes]):
    """Drop files carrying the type a browser gives them from their names (image/svg+xml, text/html, ...)."""
    payload = [{"name": n, "b64": base64.b64encode(d).decode(), "type": _declared_type(n)} for n, d in files.items()]
    page.evaluate("""(payload) => {
        const dt = new DataTransfer();
        for (const f of payload) {
          const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
          dt.items.add(new File([bytes], f.name, { type: f.type }));
        }
        const target = document.getElementById("files");
        for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
    }""", payload)


def test_markup_files_are_not_photos_and_no_blob_url_is_active(browser, plain_url):
    context = browser.new_context(accept_downloads=True)
    context.add_init_script(RECORD_BLOB_URLS)
    try:
        page = context.new_page()
        page.goto(plain_url)
        wait_engine_ready(page)
        page.locator('#offline[data-state="ready"]').wait_for(timeout=120_000)  # the offline cache is filled
        before = page.evaluate(CACHE_STATE)
        assert any(key.startswith("image-studio-") for key in before["caches"])

        files = {name: template.format(js=PAYLOAD.format(name=name.split(".")[0])).encode()
                 for name, template in HOSTILE.items()}
        files["real.jpg"] = gps_photo()
        _drop_with_types(page, files)
        for name in HOSTILE:
            error = page.locator(".file", has_text=name).locator(".file-error")
            error.wait_for(timeout=60_000)
            assert error.inner_text().startswith(f"{name}: ") and "not a photo" in error.inner_text()
        page.locator(".file", has_text="real.jpg").locator(".download").wait_for(timeout=60_000)
        page.get_by_role("button", name="Compare before and after for real.jpg").click()  # its blob: URLs too
        page.keyboard.press("Escape")

        made = page.evaluate("() => window.madeBlobUrls")
        # The real photo's thumbnail (from the engine: no file the engine refuses gets a blob: URL), its
        # download, the compare view.
        assert len(made) >= 3
        assert not [m for m in made if "svg" in m["type"] or "html" in m["type"] or "xml" in m["type"]], made
        for blob in made:
            with page.expect_popup() as opened:
                page.evaluate("(url) => window.open(url)", blob["url"])
            tab = opened.value
            tab.wait_for_load_state()
            tab.wait_for_timeout(300)  # an onerror handler would have run by now
            tab.close()
        after = page.evaluate(CACHE_STATE)
        assert after == before
        assert after["pwned"] is None
    finally:
        context.close()
