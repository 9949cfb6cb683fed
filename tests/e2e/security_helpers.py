"""Fixtures for the security tests: the built site served as GitHub Pages serves it (none of the site's own
headers), and a sink on another origin (another port of 127.0.0.1) that records every request it gets."""

import http.server
import shutil
import threading
from functools import partial
from pathlib import Path

import pytest

import build


class Sink(http.server.BaseHTTPRequestHandler):
    """Answers everything as permissively as it can (CORS open, a script body), so that only the browser's
    own rules can keep a request from it; records each request first."""

    def _record_and_answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        self.server.received.append((self.command, self.path, self.rfile.read(length) if length else b""))
        body = b"self.leaked = true; export default 1;"
        self.send_response(200)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Headers", "*")
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = do_OPTIONS = _record_and_answer

    def log_message(self, *args):
        pass


@pytest.fixture
def sink():
    """(base URL, list of (method, path, body) received); a fresh one per test."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    server.received = []
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", server.received
    server.shutdown()


def serve_plain(site: Path):
    """Serve `site` with no header of the site's own, as GitHub Pages does."""
    return build.start_server(site, headers=False)


@pytest.fixture(scope="module")
def plain_url(site_dir):
    server = serve_plain(site_dir)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def plain_page(browser, plain_url):
    """The page from the header-less server, in a fresh profile; page.errors collects uncaught errors."""
    context = browser.new_context(accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.goto(plain_url)
    yield page
    context.close()


def site_copy(site_dir: Path, folder: Path) -> Path:
    """A copy of the built site to change (hard links where possible: only changed files are rewritten)."""
    target = folder / "site"
    shutil.copytree(site_dir, target, copy_function=partial(_link_or_copy))
    return target


def _link_or_copy(source, target):
    try:
        Path(target).hardlink_to(source)
    except OSError:
        shutil.copy2(source, target)


def rewrite(path: Path, data: bytes) -> None:
    """Replace a (possibly hard-linked) file of a site copy without touching the original."""
    path.unlink()
    path.write_bytes(data)


def flip_byte(path: Path, offset: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    at = len(data) // 2 if offset is None else offset
    data[at] ^= 0x01
    rewrite(path, bytes(data))
