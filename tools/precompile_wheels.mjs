// Add bytecode to wheels with Pyodide's own CPython (tools/precompile_wheel.py says why):
//   node tools/precompile_wheels.mjs <pyodide folder> <input.whl> <output.whl> [<input.whl> <output.whl> ...]
import { readFileSync, writeFileSync } from "node:fs";
import { basename, resolve } from "node:path";
import { pathToFileURL } from "node:url";

const [folder, ...paths] = process.argv.slice(2);
const indexURL = resolve(folder) + "/";
const { loadPyodide } = await import(pathToFileURL(indexURL + "pyodide.mjs").href);
const pyodide = await loadPyodide({ indexURL });
pyodide.FS.mkdirTree("/precompile");
pyodide.FS.writeFile("/precompile/precompile_wheel.py", readFileSync(new URL("precompile_wheel.py", import.meta.url)));
const precompile = pyodide.runPython(
  "import sys; sys.path.insert(0, '/precompile'); import precompile_wheel; precompile_wheel.precompile");
for (let i = 0; i < paths.length; i += 2) {
  const inside = `/precompile/${basename(paths[i])}`;
  pyodide.FS.writeFile(inside, readFileSync(paths[i]));
  const count = precompile(inside, "/precompile/out.whl");
  writeFileSync(paths[i + 1], pyodide.FS.readFile("/precompile/out.whl"));
  console.log(`${basename(paths[i])}: ${count} modules compiled`);
}
