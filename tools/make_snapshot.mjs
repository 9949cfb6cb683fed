// Start CPython once under Node and write Pyodide's memory snapshot of the fresh interpreter.
// build.py feeds this file to `node --input-type=module` on stdin, with SNAPSHOT_PYODIDE (the folder
// holding pyodide.mjs) and SNAPSHOT_OUTPUT in the environment: a script path in argv would end up in
// the interpreter as sys.executable; this way it is "./this.program", as in the browser.
// The browser worker restores the snapshot instead of starting Python (~2.5 s of a first visit).
// It holds the interpreter and the standard-library modules below, nothing else: no package, no data.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// Standard-library modules that Pillow, micropip and the engine import on every start (measured: ~0.65 s
// of imports under Node). All are pure Python or built into pyodide.asm.wasm: no dynamic library and no
// JavaScript object ends up in the snapshot. Nothing here reads the machine it runs on at import.
const PRELOADED = [
  "base64", "calendar", "csv", "dataclasses", "datetime", "decimal", "email.encoders", "email.header",
  "email.iterators", "email.message", "email.utils", "fractions", "hashlib", "html.parser", "importlib.metadata",
  "json", "quopri", "tarfile", "unicodedata", "xml.etree.ElementTree",
];

// The same inputs must give the same snapshot, byte for byte (a changed snapshot makes every returning
// visitor download it again). Three things made each run different, measured by comparing two runs:
// - the str/bytes hash seed (dict and set layouts in the heap): fixed with PYTHONHASHSEED=0;
// - random bytes read at start-up (the `random` module's seed): a fixed stream while the snapshot is made;
// - the clock: file times in Pyodide's in-memory file system: a fixed date.
// The browser restores this heap, so all visitors share these; none of them guards a secret (os.urandom
// and the `secrets` module still read the browser's random source after the restore).
let state = 0x2545f491;
globalThis.crypto.getRandomValues = (view) => {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let i = 0; i < bytes.length; i += 1) {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    bytes[i] = state >>> 24;
  }
  return view;
};
Date.now = () => 315532800000;  // 1980-01-01, the date in the wheels' zip entries

const folder = resolve(process.env.SNAPSHOT_PYODIDE) + "/";
const { loadPyodide } = await import(pathToFileURL(folder + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL: folder, _makeSnapshot: true, env: { _: "./this.program", PYTHONHASHSEED: "0" } });
for (const name of PRELOADED) pyodide.pyimport(name).destroy();
writeFileSync(process.env.SNAPSHOT_OUTPUT, pyodide.makeMemorySnapshot());
