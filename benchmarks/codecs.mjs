// The page's WebAssembly encoders under Node, for the benchmarks (never shipped): the same Emscripten loaders and
// wasm files build.py vendors into the site (vendor/<codec>/), given their bytes the way app/codecs.js gives them.
// Usage: node benchmarks/codecs.mjs jobs.json, where jobs.json lists {codec, rgba, width, height, options, out}:
// raw RGBA pixels in, the encoded file out; the encode times (ms) go to jobs.ms.json. With --serve, one job per
// line of standard input, each answered by a line {"ms": ...} once its file is written.
import { readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

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

async function run(job) {
  const module = await codec(job.codec);
  const pixels = new Uint8Array(await readFile(job.rgba));
  const started = performance.now();
  const output = module.encode(pixels, job.width, job.height, job.options);
  const ms = performance.now() - started;
  if (!output) throw new Error(`${job.codec} returned nothing for ${job.rgba}`);
  await writeFile(job.out, new Uint8Array(output));
  return ms;
}

if (process.argv[2] === "--serve") {
  for await (const line of createInterface({ input: process.stdin })) {
    if (line.trim()) process.stdout.write(JSON.stringify({ ms: await run(JSON.parse(line)) }) + "\n");
  }
} else {
  const jobsFile = process.argv[2];
  const times = [];
  for (const job of JSON.parse(await readFile(jobsFile, "utf8"))) times.push(await run(job));
  await writeFile(jobsFile.replace(/\.json$/, ".ms.json"), JSON.stringify(times));
}
