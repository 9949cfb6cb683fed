"""End-to-end fixtures: the built site served on 127.0.0.1 and a real headless Chromium.

`python3 build.py test` builds dist/ and passes IMAGE_STUDIO_DIST and IMAGE_STUDIO_CHROMIUM;
run alone, these fixtures build dist/ themselves and look for Debian's Chromium.
"""

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
import build  # noqa: E402  (the same server the README's serve command uses)

from browser import CHROMIUM_ARGS, RequestLog, wait_engine_ready  # noqa: E402,F401  (re-exported for tests)
from security_helpers import plain_page, plain_url, sink  # noqa: E402,F401  (fixtures: a header-less server, its page, a sink)


def pytest_collection_modifyitems(items):
    for item in items:
        if "e2e" in item.nodeid.split("::")[0]:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def site_dir() -> Path:
    given = os.environ.get("IMAGE_STUDIO_DIST")
    if given and (Path(given) / "index.html").exists():
        return Path(given)
    return build.build()


@pytest.fixture(scope="session")
def base_url(site_dir):
    server = build.start_server(site_dir)
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    executable = os.environ.get("IMAGE_STUDIO_CHROMIUM") or next(
        (c for c in build.CHROMIUM_CANDIDATES if Path(c).exists()), None)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser, base_url):
    ctx = browser.new_context(accept_downloads=True)
    requests = RequestLog(base_url.rstrip("/"))
    ctx.on("request", requests.record)
    ctx.requests = requests
    ctx.set_default_timeout(30_000)
    yield ctx
    ctx.close()
    assert not requests.off_origin(), f"requests left the origin: {requests.off_origin()}"


@pytest.fixture
def page(context, base_url):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.goto(base_url)
    return page
