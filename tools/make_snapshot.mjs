// Start CPython once under Node and write Pyodide's memory snapshot of the fresh interpreter.
// build.py feeds this file to `node --input-type=module` on stdin, with SNAPSHOT_PYODIDE (the folder
// holding pyodide.mjs) and SNAPSHOT_OUTPUT in the environment: a script path in argv would end up in
// the interpreter as sys.executable; this way it is "./this.program", as in the browser.
// The browser worker restores the snapshot instead of starting Python (~2.5 s of a first visit).
// Nothing is imported or run before it is taken: it holds the bare interpreter, no packages, no data.
import { writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

const folder = resolve(process.env.SNAPSHOT_PYODIDE) + "/";
const { loadPyodide } = await import(pathToFileURL(folder + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL: folder, _makeSnapshot: true, env: { _: "./this.program" } });
writeFileSync(process.env.SNAPSHOT_OUTPUT, pyodide.makeMemorySnapshot());
