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

const folder = resolve(process.env.SNAPSHOT_PYODIDE) + "/";
const { loadPyodide } = await import(pathToFileURL(folder + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL: folder, _makeSnapshot: true, env: { _: "./this.program" } });
for (const name of PRELOADED) pyodide.pyimport(name).destroy();
writeFileSync(process.env.SNAPSHOT_OUTPUT, pyodide.makeMemorySnapshot());
