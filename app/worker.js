// The engine worker: boots Pyodide from the site itself and hands every job to ONE Python
// entry point, imagestudio.api.handle_js. No Python source lives here.
import { loadPyodide, version as pyodideVersion } from "../pyodide/pyodide.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;
// Not under the service worker's "image-studio-" prefix: a new site version must not drop it,
// only a new Pyodide (its build id is checked on restore anyway).
const SNAPSHOT_CACHE = `pyodide-snapshot-${pyodideVersion}`;
const SNAPSHOT_KEY = new URL("snapshot.bin", indexURL).href;
let pyodide = null;
let api = null;

function stage(step, total, label) {
  postMessage({ type: "boot", step, total, label });
}

async function snapshotCache() {
  try {
    return self.caches ? await caches.open(SNAPSHOT_CACHE) : null;
  } catch {
    return null;  // storage off (some private modes): boot the ordinary way
  }
}

// CPython's own start-up is most of the boot time. The first visit saves a memory snapshot of the
// freshly started interpreter (before any package or file: it holds no user data); later visits
// restore it instead of starting Python again.
async function startPython() {
  const cache = await snapshotCache();
  const saved = cache ? await cache.match(SNAPSHOT_KEY) : null;
  if (saved) {
    try {
      return await loadPyodide({ indexURL, _loadSnapshot: saved.arrayBuffer() });
    } catch (err) {
      console.warn("Pyodide snapshot refused, starting Python normally:", err);
      await cache.delete(SNAPSHOT_KEY);
    }
  }
  const fresh = await loadPyodide({ indexURL, _makeSnapshot: Boolean(cache) });
  if (cache) {
    const snapshot = fresh.makeMemorySnapshot();
    cache.put(SNAPSHOT_KEY, new Response(snapshot)).catch(() => { /* quota: next visit boots normally */ });
  }
  return fresh;
}

async function boot() {
  const started = performance.now();
  stage(1, 3, "Starting Python");
  pyodide = await startPython();
  stage(2, 3, "Loading Pillow and the engine");
  // Pillow comes through the lock; micropip installs the pure-Python wheels from the site's own
  // lock file meanwhile.
  await Promise.all([
    pyodide.loadPackage("pillow"),
    pyodide.loadPackage("micropip").then(() => pyodide.pyimport("micropip").install(["piexif", "imagestudio"])),
  ]);
  api = pyodide.pyimport("imagestudio.api");
  const versions = JSON.parse(JSON.stringify(api.versions().toJs({ dict_converter: Object.fromEntries })));
  versions.pyodide = pyodide.version;
  stage(3, 3, "Ready");
  postMessage({ type: "ready", versions, bootMs: Math.round(performance.now() - started) });
}

const ready = boot().catch((err) => {
  postMessage({ type: "fatal", message: `The engine could not start: ${err && err.message ? err.message : err}` });
  throw err;
});

function run(op, data, options, name) {
  const result = api.handle_js(op, data, JSON.stringify(options || {}), name || "");
  try {
    const meta = JSON.parse(result.get(0));
    const payload = result.get(1);
    let bytes = null;
    if (payload) {
      bytes = payload.toJs();  // a copy out of the wasm heap, so the Python object can go
      payload.destroy();
    }
    return { meta, bytes };
  } finally {
    result.destroy();
  }
}

// For measurements: the wasm heap only grows, so its size is the high-water mark so far;
// malloc's in-use bytes (mallinfo().uordblks) show whether anything is left behind after jobs.
function heapStats() {
  const module = pyodide._module;
  const heap = { heapBytes: module.HEAP8.buffer.byteLength, usedBytes: null };
  let info = 0;
  try {
    info = module._PyMem_RawMalloc(40);  // plain malloc; struct mallinfo is ten 32-bit fields
    module._mallinfo(info);
    heap.usedBytes = module.HEAPU32[(info >> 2) + 7];
  } catch { /* not exported by this Pyodide: the heap size alone */ }
  if (info) module._PyMem_RawFree(info);
  return heap;
}

self.onmessage = async (event) => {
  const { id, type, op, name, data, options } = event.data;
  await ready;
  if (type === "stats") {
    postMessage({ id, type: "stats", ...heapStats() });
    return;
  }
  try {
    const { meta, bytes } = run(op, new Uint8Array(data || new ArrayBuffer(0)), options, name);
    if (meta.ok) {
      const buffer = bytes ? bytes.buffer : null;
      postMessage({ id, ok: true, data: buffer, mime: meta.mime, name: meta.name, report: meta.report },
        buffer ? [buffer] : []);
    } else {
      postMessage({ id, ok: false, error: meta.error });
    }
  } catch (err) {
    if (err && err.pyodide_fatal_error) {
      // Python itself died (out of memory, a wasm trap): this worker is useless now. The bridge fails this
      // one file with the reason, ends this worker and starts a fresh one for the rest of the batch.
      postMessage({ type: "crashed", id, message: `the engine crashed on this file (${err.message || err})` });
      return;
    }
    postMessage({ id, ok: false, error: { code: "worker", message: `${name}: ${err && err.message ? err.message : err}` } });
  }
};
