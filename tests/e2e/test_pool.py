"""The engine pool in a real Chromium: every result belongs to its own call, a crashed worker fails only
its own job and is replaced, cancel resolves everything and the pool keeps working. No timings here."""

from pictures import gps_photo

# A second EngineBridge on the page (the page's own one is private to main.js), as window.pool.
_INSTALL = """async ({ size }) => {
  const { EngineBridge } = await import("./app/bridge.js");
  window.pool = new EngineBridge(undefined, { size });
  window.photoBytes = (list) => new Uint8Array(list).buffer;
  return pool.size;
}"""

_WAIT_READY = """() => new Promise((resolve) => pool.ready ? resolve(true)
  : pool.addEventListener("ready", () => resolve(true), { once: true }))"""


def _install(page, size=2):
    assert page.evaluate(_INSTALL, {"size": size}) == size


def _photos(count):
    return [list(gps_photo(size=(40 + 8 * i, 30 + 4 * i))) for i in range(count)]


def test_results_keep_their_ids_and_order_across_workers(page):
    _install(page, size=2)
    # Queued before the first worker is ready: once it is, the waiting jobs make the pool grow.
    results = page.evaluate("""(photos) => Promise.all(photos.map((p, i) =>
        pool.call("clean", `photo${i}.jpg`, photoBytes(p), { policy: {} })))
      .then((results) => ({ results: results.map((r) => ({ ok: r.ok, name: r.name, size: r.data.byteLength })),
                            workers: pool.workers.length }))""", _photos(8))
    names = [r["name"] for r in results["results"]]
    assert names == [f"photo{i}-clean.jpg" for i in range(8)]
    assert all(r["ok"] and r["size"] > 0 for r in results["results"])
    assert results["workers"] == 2
    assert not page.errors


def test_one_waiting_file_job_starts_no_second_worker(page):
    # A worker's start costs about a second of CPU: for one waiting job the busy worker is sooner.
    _install(page, size=2)
    page.evaluate(_WAIT_READY)
    counts = page.evaluate("""async (photos) => {
        const one = async (p, name) => pool.call("clean", name, photoBytes(p), { policy: {} });
        // As the page does for a dropped photo: its thumbnail runs, its clean waits behind it.
        const thumbnail = pool.call("inspect", "a.jpg", photoBytes(photos[0]), { thumbnail: true }, { grow: false });
        const first = await Promise.all([thumbnail, one(photos[0], "a.jpg")]);
        const alone = pool.workers.length;
        await Promise.all(photos.slice(1).map((p, i) => one(p, `b${i}.jpg`)));
        return { ok: first[0].ok && first[1].ok, alone, batch: pool.workers.length };
    }""", _photos(5))
    assert counts == {"ok": True, "alone": 1, "batch": 2}


def test_a_crashed_worker_fails_only_its_job_and_is_replaced(page):
    _install(page, size=2)
    page.evaluate(_WAIT_READY)
    outcome = page.evaluate("""async (photos) => {
      const victim = pool.call("clean", "victim.jpg", photoBytes(photos[0]), { policy: {} });
      const slot = pool.workers.find((s) => s.job && s.job.name === "victim.jpg");
      slot.worker.onerror(new ErrorEvent("error", { message: "simulated crash" }));  // as a wasm abort would
      const after = await Promise.all(photos.slice(1).map((p, i) =>
        pool.call("clean", `after${i}.jpg`, photoBytes(p), { policy: {} })));
      const crashed = await victim;
      return { crashed: { ok: crashed.ok, error: crashed.error }, after: after.map((r) => [r.ok, r.name]),
               workers: pool.workers.length, alive: !pool.workers.includes(slot) };
    }""", _photos(4))
    assert outcome["crashed"]["ok"] is False
    assert outcome["crashed"]["error"]["code"] == "worker_crashed"
    assert "victim.jpg" in outcome["crashed"]["error"]["message"]
    assert outcome["after"] == [[True, f"after{i}-clean.jpg"] for i in range(3)]
    assert outcome["alive"] and outcome["workers"] >= 1


def test_cancel_resolves_every_job_and_the_pool_still_works(page):
    _install(page, size=2)
    page.evaluate(_WAIT_READY)
    outcome = page.evaluate("""async (photos) => {
      const pending = photos.map((p, i) => pool.call("clean", `c${i}.jpg`, photoBytes(p), { policy: {} }));
      pool.cancelAll();
      const cancelled = await Promise.all(pending);
      const again = await pool.call("clean", "again.jpg", photoBytes(photos[0]), { policy: {} });
      return { codes: cancelled.map((r) => r.ok ? "ok" : r.error.code), again: [again.ok, again.name] };
    }""", _photos(5))
    assert outcome["codes"] == ["cancelled"] * 5
    assert outcome["again"] == [True, "again-clean.jpg"]
