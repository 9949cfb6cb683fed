// The engine worker: boots Pyodide from the site itself and hands every job to ONE Python
// entry point, imagestudio.api.handle_js. No Python source lives here.
import { loadPyodide } from "../pyodide/pyodide.mjs";

const indexURL = new URL("../pyodide/", import.meta.url).href;
let api = null;

function stage(step, total, label) {
  postMessage({ type: "boot", step, total, label });
}

async function boot() {
  const started = performance.now();
  stage(1, 3, "Starting Python");
  // micropip comes in with the runtime; Pillow and the pure-Python wheels then load side by side.
  const pyodide = await loadPyodide({ indexURL, packages: ["micropip"] });
  stage(2, 3, "Loading Pillow and the engine");
  const micropip = pyodide.pyimport("micropip");
  await Promise.all([
    pyodide.loadPackage("pillow"),
    micropip.install(["piexif", "imagestudio"]),  // resolved from the site's own lock file
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

self.onmessage = async (event) => {
  const { id, op, name, data, options } = event.data;
  await ready;
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
    postMessage({ id, ok: false, error: { code: "worker", message: `${name}: ${err && err.message ? err.message : err}` } });
  }
};
