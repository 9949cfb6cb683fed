// The engine worker: boots Pyodide from the site itself and hands every job to ONE Python
// entry point, imagestudio.api.handle_js. No Python source lives here.
// The page starts it through a blob: bootstrap (app/worker-start.js) that sets self.imageStudioSite:
// the site's root and the sha256 of every file of this version of the site.
import { dataSegment, xorDataRegion } from "./snapshot-delta.js";

const SITE = self.imageStudioSite || { files: null, root: new URL("../", import.meta.url).href };
const indexURL = new URL("pyodide/", SITE.root).href;
// build.py ships a memory snapshot of a freshly started CPython (tools/make_snapshot.mjs: the interpreter
// and the standard-library modules every start imports; no package, no data). Restoring it skips
// CPython's own start-up, most of a first visit's boot; the service worker keeps it for offline visits
// like every other file of the site.
const SNAPSHOT_URL = new URL("python-snapshot.bin.gz", indexURL).href;
// A start from the snapshot loads the standard library without the modules the snapshot already holds
// (tools/make_snapshot.mjs made the two together); only a normal start needs the whole python_stdlib.zip.
const STDLIB_REST_URL = new URL("python_stdlib_rest.zip", indexURL).href;
const WASM_URL = new URL("pyodide.asm.wasm", indexURL).href;

// --- every file is checked before use ------------------------------------------------------------------
// Pyodide's core, the standard library, the lock file, the wheels and the snapshot all come through
// fetch(): each one's sha256 must be the one in the page's list, or it is refused. Checking the lock
// file too means a wheel swapped together with its hash in the lock is refused as well.
class Refused extends Error {}
let refusal = null;  // the first file refused: the reason the engine cannot start
// Pyodide can hang after a refused file (its wasm start waits for ever): a refusal ends the start at once.
let stopStart;
const refused = new Promise((_, reject) => { stopStart = reject; });
refused.catch(() => {});

function noteRefusal(err) {
  if (err instanceof Refused) {
    refusal ??= err.message;
    stopStart(err);
  }
  throw err;
}
const siteFetch = self.fetch.bind(self);

function sitePath(url) {
  return url.startsWith(SITE.root) ? url.slice(SITE.root.length).split(/[?#]/)[0] : url;
}

function refuse(reason) {
  const err = new Refused(`The engine could not start: ${reason}. Reload the page; if this happens again, clear the offline copy.`);
  err.reason = reason;  // what a module loaded later says (the engine itself runs on)
  throw err;
}

// The server's (or the service worker's) own response, once a copy of its bytes passed the check. Handing
// on that response rather than a new one keeps what the browser knows about it: the wasm's compiled code is
// then cached with the service worker's copy and reused on the next visit instead of compiled again.
async function verifiedResponse(url) {
  const path = sitePath(url);
  if (!SITE.files) refuse("this copy of the site has no list of its files' hashes to check them against");
  const expected = Object.hasOwn(SITE.files, path) ? SITE.files[path] : null;
  if (!expected) refuse(`${path} is not a file of this version of the site, so it was not loaded`);
  const response = await siteFetch(url);
  if (!response.ok) throw new Error(`${path} could not be loaded (HTTP ${response.status})`);
  const bytes = await response.clone().arrayBuffer();
  const digest = [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))]
    .map((b) => b.toString(16).padStart(2, "0")).join("");
  if (digest !== expected) refuse(`${path} is not the file this version of the site shipped (its SHA-256 differs), so it was refused`);
  return [response, bytes];
}

async function verifiedBytes(url) {
  return (await verifiedResponse(url))[1];
}

// The wasm is fetched once, before Python starts: the snapshot needs its bytes (app/snapshot-delta.js) and
// Pyodide its response, which it takes here the first time it asks.
let wasmFetched = null;

self.fetch = async (input) => {
  const url = new URL(input instanceof Request ? input.url : String(input), SITE.root).href;
  const pending = url === WASM_URL ? wasmFetched : null;
  if (pending) wasmFetched = null;
  const [response] = await (pending || verifiedResponse(url)).catch(noteRefusal);
  return response;
};

// Emscripten falls back to a synchronous XMLHttpRequest when a fetch fails, which would load the refused
// file unchecked; the engine never needs one.
delete self.XMLHttpRequest;

// Pyodide's JavaScript is checked the same way before it is imported (worker.js itself is checked by the
// service worker when it installs the site).
async function importPyodide() {
  await Promise.all(["pyodide.mjs", "pyodide.asm.js"].map((name) => verifiedBytes(indexURL + name))).catch(noteRefusal);
  return import(indexURL + "pyodide.mjs");
}

let pyodide = null;
let api = null;

function stage(step, total, label) {
  postMessage({ type: "boot", step, total, label });
}

const WASM_PAGE = 65536;

// Pyodide rejects a snapshot of another build (its build id is checked) but hangs on one whose size is
// not whole memory pages (a truncated file): check that much here.
async function fetchSnapshot(wasm) {
  const packed = await verifiedBytes(SNAPSHOT_URL);
  // Gzipped by build.py (24 MB -> 4 MB): static hosts would send it as it is.
  const bytes = new Uint8Array(await new Response(new Response(packed).body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer());
  const header = new Uint32Array(bytes.buffer, 0, Math.min(2, bytes.length >> 2));
  const heapBytes = bytes.length - (header[1] ?? bytes.length);
  if (heapBytes <= 0 || heapBytes % WASM_PAGE) {
    throw new Error(`${SNAPSHOT_URL} is not a whole Pyodide snapshot (${bytes.length} bytes)`);
  }
  const segment = dataSegment((await wasm)[1]);
  if (!segment) throw new Error("pyodide.asm.wasm has not the one data segment its snapshot was made against");
  return xorDataRegion(bytes, segment);  // checks the snapshot's magic number too
}

// Resolves with [pyodide, how Python started: "snapshot" or "fresh"].
async function startPython() {
  const { loadPyodide } = await importPyodide();
  try {
    wasmFetched = verifiedResponse(WASM_URL);
    wasmFetched.catch(noteRefusal).catch(() => {});
    const snapshot = fetchSnapshot(wasmFetched);
    snapshot.catch(() => {});  // awaited by loadPyodide; a rejection is handled below
    const start = loadPyodide({ indexURL, stdLibURL: STDLIB_REST_URL, _loadSnapshot: snapshot });
    return [await Promise.race([start, refused]), "snapshot"];
  } catch (err) {
    // Missing, damaged, refused or from another Pyodide build (its build id is checked): start Python
    // normally; nothing of a refused snapshot is used.
    console.warn("Python start-up snapshot not used, starting Python normally:", err);
    return [await Promise.race([loadPyodide({ indexURL }), refused]), "fresh"];
  }
}

async function boot() {
  const started = performance.now();
  stage(1, 3, "Starting Python");
  let pythonStart;
  [pyodide, pythonStart] = await startPython();
  stage(2, 3, "Loading Pillow and the engine");
  // All three from the site's own lock, in one step: Pyodide checks each wheel's sha256 against it. Every
  // wheel carries its bytecode (build.py), so none of this compiles Python. (micropip did this before: it
  // cost ~0.45 s of every start and 0.46 MB of every first visit, for what the lock does by itself.)
  await Promise.race([refused, pyodide.loadPackage(["pillow", "piexif", "imagestudio"])]);
  api = pyodide.pyimport("imagestudio.api");
  const versions = JSON.parse(JSON.stringify(api.versions().toJs({ dict_converter: Object.fromEntries })));
  versions.pyodide = pyodide.version;
  stage(3, 3, "Ready");
  postMessage({ type: "ready", versions, pythonStart, bootMs: Math.round(performance.now() - started),
    heapBytes: pyodide._module.HEAP8.buffer.byteLength });
}

// A start that fails says why in one sentence: the refused file, or the last line of Python's error
// (never a whole traceback).
function startFailure(err) {
  if (refusal) return refusal;
  const lines = String(err && err.message ? err.message : err).trim().split("\n").filter((line) => line.trim());
  const reason = (lines[lines.length - 1] || "unknown error").trim().slice(0, 200);
  return `The engine could not start (${reason}). Reload the page; if this happens again, clear the offline copy.`;
}

const ready = boot().catch((err) => {
  postMessage({ type: "fatal", message: startFailure(err) });
  throw err;
});

// The result's metadata stays the JSON text Python wrote: posted as one string (cheap to clone) and
// parsed once, by the page (bridge.js). Parsing it here cost a parse plus a deep clone of every finding.
// The engine tells each stage of the job (py/imagestudio/progress.py); the page's card shows it.
function run(op, data, options, name, id) {
  const report = (stage, label, fraction) => postMessage({ type: "progress", id, stage, label, fraction });
  const result = api.handle_js(op, data, JSON.stringify(options || {}), name || "", report);
  try {
    const meta = result.get(0);
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

// Modules loaded on demand: when a job needs one, Python answers with what it needs and the worker provides it,
// then runs the job again. Each module's files are checked against the page's list of hashes before it is
// imported, like Pyodide's own JavaScript; a failed load is tried again with the next file.
// - "needs_codec": an encoder (app/codecs.js): registered as the JS module imagestudio_codecs, which Python
//   calls through the FFI (py/imagestudio/encode/page_codecs.py). Python asks before decoding anything.
// - "needs_decoder": HEIC/AVIF pixels (app/heif-decoder.js): the picture it decodes waits in the JS module
//   imagestudio_heif, which Python takes it from (py/imagestudio/heif_decode.py).
// - "needs_file": a file of the site written into Python's file system where Python says (the watermark font:
//   the engine's wheel does not carry a second copy of it).
const imported = new Map();

function checkedImport(files, specifier) {
  if (!imported.has(specifier)) {
    const loading = Promise.all(files.map((path) => verifiedBytes(new URL(path, SITE.root).href)))
      .then(() => import(specifier));
    loading.catch(() => imported.delete(specifier));
    imported.set(specifier, loading);
  }
  return imported.get(specifier);
}

const loadError = (what, err) => `${what} could not be loaded (${err && (err.reason || err.message) ? err.reason || err.message : err})`;
const heifPixels = { picture: null, take() { const picture = this.picture; this.picture = null; return picture; } };
let codecBridge = null;

const PROVIDERS = {
  async needs_codec({ codec }) {
    const module = await checkedImport(["app/codecs.js"], "./codecs.js");
    if (!codecBridge) {
      codecBridge = module.createBridge();
      pyodide.registerJsModule("imagestudio_codecs", codecBridge);
    }
    // A failure here is the job's own error (the job is not run again): the file fails, saying why.
    await codecBridge.load(codec, SITE.root, (path) => verifiedBytes(new URL(path, SITE.root).href));
  },
  async needs_decoder({ decoder }, data) {
    if (!imported.has("./heif-decoder.js")) pyodide.registerJsModule("imagestudio_heif", heifPixels);
    heifPixels.picture = await checkedImport(["app/heif-decoder.js", "vendor/libheif/libheif-bundle.mjs"],
      "./heif-decoder.js").then((module) => module.decodePicture(decoder, data))
      .catch((err) => ({ error: loadError("the decoder", err) }));
  },
  async needs_file({ site_path, dest }) {
    const bytes = await verifiedBytes(new URL(site_path, SITE.root).href);
    pyodide.FS.mkdirTree(dest.slice(0, dest.lastIndexOf("/")));
    pyodide.FS.writeFile(dest, new Uint8Array(bytes));
  },
};
const MAX_PROVISIONS = 4;  // a codec, a decoder, a file: never a loop

async function runProvided(op, data, options, name, id) {
  try {
    for (let round = 0; ; round++) {
      const result = run(op, data, options, name, id);
      const need = !result.bytes && round < MAX_PROVISIONS && result.meta.includes('"needs_')
        ? JSON.parse(result.meta).error : null;
      if (!need || !PROVIDERS[need.code]) return result;
      try {
        await PROVIDERS[need.code](need, data);
      } catch (err) {
        const what = need.codec ? `the page's ${need.codec} encoder` : need.site_path;
        const error = { code: "codec_failed", message: `${name}: ${loadError(what, err)}` };
        return { meta: JSON.stringify({ ok: false, error }), bytes: null };
      }
    }
  } finally {
    heifPixels.picture = null;
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
    const { meta, bytes } = await runProvided(op, new Uint8Array(data || new ArrayBuffer(0)), options, name, id);
    const buffer = bytes ? bytes.buffer : null;
    // The wasm heap never shrinks: its size tells the bridge when this worker is worth replacing.
    postMessage({ id, meta, data: buffer, heapBytes: pyodide._module.HEAP8.buffer.byteLength }, buffer ? [buffer] : []);
  } catch (err) {
    if (err && err.pyodide_fatal_error) {
      // Python itself died (out of memory, a wasm trap): this worker is useless now. The bridge fails this
      // one file with the reason, ends this worker and starts a fresh one for the rest of the batch.
      postMessage({ type: "crashed", id, message: `the engine crashed on this file (${err.message || err})` });
      return;
    }
    const error = { code: "worker", message: `${name}: ${err && err.message ? err.message : err}` };
    postMessage({ id, meta: JSON.stringify({ ok: false, error }) });
  }
};
