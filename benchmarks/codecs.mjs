// The page's WebAssembly encoders under Node, for the benchmarks (never shipped): the same Emscripten loaders and
// wasm files build.py vendors into the site (vendor/<codec>/), given their bytes the way app/codecs.js gives them.
// Usage: node benchmarks/codecs.mjs jobs.json, where jobs.json lists {codec, rgba, width, height, options, out}:
// raw RGBA pixels in, the encoded file out; each job's encode time (ms) is written to jobs.json's "ms" list.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const CODECS = {
  avif: ["@jsquash/avif/codec/enc/avif_enc.js", "@jsquash/avif/codec/enc/avif_enc.wasm"],
  mozjpeg: ["@jsquash/jpeg/codec/enc/mozjpeg_enc.js", "@jsquash/jpeg/codec/enc/mozjpeg_enc.wasm"],
};
const running = {};

async function codec(name) {
  if (!running[name]) {
    const [loader, wasm] = CODECS[name].map((path) => require.resolve(path));
    const { default: factory } = await import(loader);
    running[name] = await factory({ noInitialRun: true, wasmBinary: await readFile(wasm) });
  }
  return running[name];
}

const jobsFile = process.argv[2];
const jobs = JSON.parse(await readFile(jobsFile, "utf8"));
const times = [];
for (const job of jobs) {
  const module = await codec(job.codec);
  const pixels = new Uint8Array(await readFile(job.rgba));
  const started = performance.now();
  const output = module.encode(pixels, job.width, job.height, job.options);
  times.push(performance.now() - started);
  if (!output) throw new Error(`${job.codec} returned nothing for ${job.rgba}`);
  await writeFile(job.out, new Uint8Array(output));
}
await writeFile(jobsFile.replace(/\.json$/, ".ms.json"), JSON.stringify(times));
