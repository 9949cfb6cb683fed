// Start CPython once under Node and write Pyodide's memory snapshot of the fresh interpreter.
// build.py feeds this file to `node --input-type=module` on stdin, with SNAPSHOT_PYODIDE (the folder
// holding pyodide.mjs) and SNAPSHOT_OUTPUT in the environment: a script path in argv would end up in
// the interpreter as sys.executable; this way it is "./this.program", as in the browser.
// The browser worker restores the snapshot instead of starting Python (~2.5 s of a first visit).
// It holds the interpreter and the standard-library modules below, nothing else: no package, no data.
import { readFileSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// Standard-library modules that Pillow, Pyodide's package loader and the engine import on every start (measured: ~0.65 s
// of imports under Node). All are pure Python or built into pyodide.asm.wasm: no dynamic library and no
// JavaScript object ends up in the snapshot. Nothing here reads the machine it runs on at import.
const PRELOADED = [
  "__future__", "base64", "calendar", "csv", "dataclasses", "datetime", "decimal", "email.encoders", "email.header",
  "email.iterators", "email.message", "email.utils", "fractions", "hashlib", "html.parser", "importlib.metadata",
  "hmac", "json", "quopri", "secrets", "tarfile", "unicodedata", "xml.etree.ElementTree",
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
// A start from the snapshot never reads the sources of the standard-library modules it holds: they are left
// out of the zip that start loads (python_stdlib_rest.zip, written to SNAPSHOT_STDLIB). The smaller zip replaces
// the whole one here, before the snapshot is taken, so the zip importers it holds know the smaller zip's table
// of contents (they cache it) and the browser needs no step of its own. The zip is cut here in JavaScript:
// doing it in Python left ~0.7 MB more of freed objects in the snapshot.
// The answer is one str (a JavaScript string, no proxy): a proxy left to JavaScript's garbage collector is
// released at a moment that differs from run to run, and so did the snapshot's heap.
const [zipPath, held] = JSON.parse(pyodide.runPython(`
import json, sys
_zip = next(p for p in sys.path if p.endswith(".zip"))
json.dumps([_zip, sorted({f[len(_zip) + 1:] for m in list(sys.modules.values())
                          if (f := getattr(m, "__file__", None) or "").startswith(_zip + "/")})])
`));
const rest = withoutEntries(pyodide.FS.readFile(zipPath), new Set(held));
pyodide.FS.writeFile(zipPath, rest);
writeFileSync(process.env.SNAPSHOT_STDLIB, rest);
// Every zip importer (one per package path) gets the smaller zip's one table: importlib.invalidate_caches()
// would give each its own copy (+0.6 MB gzipped of snapshot).
pyodide.runPython(`
import gc, sys, zipimport
_files = zipimport._zip_directory_cache[_zip] = zipimport._read_directory(_zip)
for _importer in sys.path_importer_cache.values():
    if isinstance(_importer, zipimport.zipimporter) and _importer.archive == _zip:
        _importer._files = _files
del _zip, _files, _importer
gc.collect()
`);
zeroFreeMemory(pyodide._module);
const { DATA_BASE, dataSegment, xorDataRegion } = await import(pathToFileURL(resolve("app/snapshot-delta.js")).href);
const snapshot = pyodide.makeMemorySnapshot();
const segment = dataSegment(readFileSync(folder + "pyodide.asm.wasm"));
const heapStart = new DataView(snapshot.buffer, snapshot.byteOffset, 8).getUint32(4, true);
const region = snapshot.subarray(heapStart + DATA_BASE, heapStart + DATA_BASE + (segment ? segment.length : 0));
if (!segment || region.filter((byte, i) => byte === segment[i]).length < 0.9 * segment.length) {
  throw new Error(`pyodide.asm.wasm's data segment is not at ${DATA_BASE} in the snapshot: app/snapshot-delta.js must change`);
}
writeFileSync(process.env.SNAPSHOT_OUTPUT, xorDataRegion(snapshot, segment));

// The imports leave ~4 MB of freed malloc chunks holding what they held (zip reads, parsed sources); every
// visitor downloads them. Taking every free chunk, zeroing it and freeing it again makes them compress to
// almost nothing (snapshot 6.4 -> 5.3 MB gzipped). Only chunks below the current break are taken, so the
// memory does not grow; the interpreter's state is not touched.
function zeroFreeMemory(module) {
  const brk = module.HEAPU32[module._emscripten_get_sbrk_ptr() >> 2];
  const taken = [];
  for (let size = 1 << 20; size >= 16; size >>= 1) {
    for (;;) {
      const pointer = module._PyMem_RawMalloc(size);
      if (!pointer) break;
      taken.push(pointer);
      if (pointer + size > brk) break;  // from beyond the old break: no free chunk of this size is left
      module.HEAP8.fill(0, pointer, pointer + size);
    }
  }
  for (const pointer of taken) module._PyMem_RawFree(pointer);
}

// The zip without the named entries: each kept entry's local part (header, data, descriptor) copied as it is,
// the central directory rewritten with the new offsets. Pyodide's zip has no archive comment and no ZIP64.
function withoutEntries(zip, leaveOut) {
  const view = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.length - 22;
  if (view.getUint32(end, true) !== 0x06054b50) throw new Error("python_stdlib.zip: no end record where expected");
  const count = view.getUint16(end + 10, true);
  const directory = view.getUint32(end + 16, true);
  const entries = [];
  for (let at = directory, i = 0; i < count; i += 1) {
    const size = 46 + view.getUint16(at + 28, true) + view.getUint16(at + 30, true) + view.getUint16(at + 32, true);
    const name = new TextDecoder().decode(zip.subarray(at + 46, at + 46 + view.getUint16(at + 28, true)));
    entries.push({ name, central: zip.slice(at, at + size), local: view.getUint32(at + 42, true) });
    at += size;
  }
  const starts = [...entries.map((e) => e.local), directory].sort((a, b) => a - b);
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const entry of entries) {
    if (leaveOut.has(entry.name)) continue;
    const local = zip.subarray(entry.local, starts.find((start) => start > entry.local));
    new DataView(entry.central.buffer).setUint32(42, offset, true);
    locals.push(local);
    centrals.push(entry.central);
    offset += local.length;
  }
  const record = zip.slice(end);
  const fields = new DataView(record.buffer);
  fields.setUint16(8, centrals.length, true);
  fields.setUint16(10, centrals.length, true);
  fields.setUint32(12, centrals.reduce((sum, c) => sum + c.length, 0), true);
  fields.setUint32(16, offset, true);
  return Buffer.concat([...locals, ...centrals, record]);
}
