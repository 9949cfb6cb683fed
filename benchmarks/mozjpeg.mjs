// The compression reference, never shipped: MozJPEG at Squoosh's defaults (@jsquash/jpeg, quality 75).
// Usage: node benchmarks/mozjpeg.mjs jobs.json, where jobs.json lists {rgba, width, height, out}:
// raw RGBA pixels in, a JPEG file out.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import encode, { init } from "@jsquash/jpeg/encode.js";

// In Node the codec cannot fetch its wasm file: compile it from node_modules and hand it over.
const require = createRequire(import.meta.url);
const wasmPath = require.resolve("@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm");
await init(await WebAssembly.compile(await readFile(wasmPath)));

const jobs = JSON.parse(await readFile(process.argv[2], "utf8"));
for (const job of jobs) {
  const data = new Uint8ClampedArray(await readFile(job.rgba));
  const jpeg = await encode({ data, width: job.width, height: job.height });  // Squoosh's defaults
  await writeFile(job.out, new Uint8Array(jpeg));
}
