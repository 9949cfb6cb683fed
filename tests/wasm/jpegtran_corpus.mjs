// MozJPEG's lossless transcode as the page runs it (tools/jpegtran/, the committed build) on each file named on the
// command line: prints {name: sha256 of the output | {error}} as JSON. A failed file gets a fresh instance after it,
// as app/codecs.js does.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { basename, join } from "node:path";

const [folder, ...files] = process.argv.slice(2);
const { default: createJpegtran } = await import(join(folder, "jpegtran.js"));
const wasmBinary = readFileSync(join(folder, "jpegtran.wasm"));
const results = {};
let module = null;
for (const file of files) {
  module ??= await createJpegtran({ wasmBinary });
  try {
    results[basename(file)] = createHash("sha256").update(module.transcode(readFileSync(file))).digest("hex");
  } catch (err) {
    results[basename(file)] = { error: String(err && err.message ? err.message : err) };
    module = null;
  }
}
console.log(JSON.stringify(results));
