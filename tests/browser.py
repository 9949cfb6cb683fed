"""Helpers for the end-to-end tests (a plain module: two conftest.py files would shadow each other)."""

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOOT_TIMEOUT_MS = 90_000  # Pyodide's first start compiles ~10 MB of wasm on a shared 2-core machine


class RequestLog:
    """Every request a context makes, to prove nothing leaves the page's origin."""

    def __init__(self, origin: str):
        self.origin = origin
        self.urls: list[str] = []
        self.bodies: list[bytes] = []

    def record(self, request):
        self.urls.append(request.url)
        body = request.post_data_buffer
        if body:
            self.bodies.append(body)

    def off_origin(self) -> list[str]:
        return [u for u in self.urls if not (u.startswith(self.origin) or u.startswith(("blob:", "data:")))]


def wait_engine_ready(page):
    """The engine started and its catalogue applied (the engine imports the catalogue's code on its first job)."""
    page.locator('#engine[data-state="ready"]').wait_for(timeout=BOOT_TIMEOUT_MS)
    page.locator(".preset-loading").wait_for(state="detached", timeout=BOOT_TIMEOUT_MS)
