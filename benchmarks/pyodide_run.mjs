// node benchmarks/pyodide_run.mjs SCRIPT.py [ARGS...]
// Runs a Python script inside Pyodide (the browser's engine: wasm CPython + Pillow 10.2 wheel from
// .cache/wheels, as build.py fetched it), with the repository mounted at its own path. ARGV holds the
// arguments; js_cpu_ms() returns this process's CPU time, steadier than wall time on a busy machine.
import { loadPyodide } from "../node_modules/pyodide/pyodide.mjs";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const wheels = path.join(root, ".cache", "wheels");
const find = (prefix) => {
  const hit = fs.existsSync(wheels) && fs.readdirSync(wheels).find((f) => f.startsWith(prefix));
  if (!hit) throw new Error(`no ${prefix}* wheel in ${wheels}: run python3 build.py first`);
  return path.join(wheels, hit);
};
const py = await loadPyodide({ indexURL: path.join(root, "node_modules", "pyodide") + "/" });
await py.loadPackage(find("pillow-10.2.0"));
for (const dir of [root, "/tmp"]) {
  py.FS.mkdirTree(dir);
  py.FS.mount(py.FS.filesystems.NODEFS, { root: dir }, dir);
}
py.globals.set("ARGV", process.argv.slice(3));
py.globals.set("js_cpu_ms", () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; });
await py.runPythonAsync(`
import sys, zipfile
zipfile.ZipFile(${JSON.stringify(find("piexif-"))}).extractall("/lib/python3.12/site-packages")
sys.path[:0] = [${JSON.stringify(path.join(root, "py"))}, ${JSON.stringify(root)}]
`);
await py.runPythonAsync(fs.readFileSync(process.argv[2], "utf8"));
