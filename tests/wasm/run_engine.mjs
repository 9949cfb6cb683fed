// Run a Python script against the engine inside Pyodide (the browser's wasm CPython and Pillow) under Node.
// usage: node run_engine.mjs PYODIDE_DIR ENGINE_DIR CORPUS_DIR SCRIPT.py  -> prints the script's last value
import fs from "node:fs";
import path from "node:path";
import zlib from "node:zlib";
const [pyodideDir, engineDir, corpusDir, script] = process.argv.slice(2);
const { loadPyodide } = await import(path.join(pyodideDir, "pyodide.mjs"));
// From the snapshot the site ships (build.py), as the browser worker starts: the corpus runs on exactly that
// interpreter, its preloaded modules included.
// It ships with the wasm's data region as a XOR difference: undone as the worker does (app/snapshot-delta.js).
const { dataSegment, xorDataRegion } = await import(new URL("../../app/snapshot-delta.js", import.meta.url).href);
const snapshot = xorDataRegion(zlib.gunzipSync(fs.readFileSync(path.join(pyodideDir, "python-snapshot.bin.gz"))),
  dataSegment(fs.readFileSync(path.join(pyodideDir, "pyodide.asm.wasm"))));
// With the standard library a start from it loads (its zip importers know that zip's table, not the whole one's).
const py = await loadPyodide({ indexURL: pyodideDir + "/", stdLibURL: path.join(pyodideDir, "python_stdlib_rest.zip"),
  stdout: () => {}, stderr: () => {}, _loadSnapshot: snapshot });
const wheels = fs.readdirSync(pyodideDir).filter((f) => /^(pillow|piexif)-.*\.whl$/.test(f));
await py.loadPackage(wheels.map((f) => path.join(pyodideDir, f)), { messageCallback: () => {} });
for (const [mount, dir] of [["/engine", engineDir], ["/corpus", corpusDir]]) {
  py.FS.mkdirTree(mount);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, mount);
}
process.stdout.write(String(py.runPython(fs.readFileSync(script, "utf8"))));
