// The page's WebAssembly encoders, for the engine. The worker imports this module only when Python asks for an
// encoder (a "needs_codec" answer, see py/imagestudio/encode/page_codecs.py) and registers what `load` returns as
// the JS module imagestudio_codecs, which Python calls synchronously with RGBA pixels and the options it chose.
// An encoder only encodes: which one, its settings, the quality and the verification are Python's.
// Each codec is an Emscripten loader and its wasm from an npm package (build.py vendors them into vendor/<codec>/
// with their licences, pinned by sha256); both files are checked against the page's list of hashes before use.
// A codec: its encoder and, where Python must decode what it wrote (AVIF: Pillow cannot), its decoder.
const CODECS = {
  avif: {  // @jsquash/avif 2.1.1: libavif with libaom, and dav1d
    encoder: ["vendor/avif/avif_enc.js", "vendor/avif/avif_enc.wasm"],
    decoder: ["vendor/avif/avif_dec.js", "vendor/avif/avif_dec.wasm"],
  },
  mozjpeg: { encoder: ["vendor/mozjpeg/mozjpeg_enc.js", "vendor/mozjpeg/mozjpeg_enc.wasm"] },  // @jsquash/jpeg 1.6.0
  // Transcoders: a file's bytes in, smaller bytes out (Python proves the pixels the same).
  // MozJPEG's lossless transcode, built here (tools/jpegtran/): Module.transcode(bytes).
  jpegtran: { encoder: ["vendor/jpegtran/jpegtran.js", "vendor/jpegtran/jpegtran.wasm"] },
  // @jsquash/oxipng 2.3.0, single-threaded: a wasm-bindgen module, not an Emscripten one.
  oxipng: { encoder: ["vendor/oxipng/squoosh_oxipng.js", "vendor/oxipng/squoosh_oxipng_bg.wasm"], start: startOxipng },
};

// wasm-bindgen's init takes the checked wasm bytes; the module keeps one instance for the worker's life.
async function startOxipng(wasmBytes, loader) {
  await loader.default(wasmBytes);
  return { transcode: (bytes, o) => loader.optimise(bytes, o.level, o.interlace, o.optimiseAlpha) };
}

// -> the running Emscripten module. `verifiedBytes(path)` is the worker's checked fetch: it refuses a file whose
// hash is not the one in the page's list.
async function instantiate([loader, wasm], siteRoot, verifiedBytes, start) {
  const [, wasmBinary] = await Promise.all([verifiedBytes(loader), verifiedBytes(wasm)]);
  const module = await import(new URL(loader, siteRoot).href);
  if (start) return start(wasmBinary, module);
  return module.default({ noInitialRun: true, wasmBinary });  // the checked bytes: the loader fetches nothing itself
}

async function instantiateCodec(name, siteRoot, verifiedBytes) {
  const codec = CODECS[name];
  if (!codec) throw new Error(`no such codec: ${name}`);
  const [encoder, decoder] = await Promise.all([codec.encoder, codec.decoder]
    .map((files) => (files ? instantiate(files, siteRoot, verifiedBytes, files === codec.encoder && codec.start) : null)));
  return { encoder, decoder };
}

// The object Python sees as imagestudio_codecs. A codec that fails (its own error, a wasm trap, out of memory)
// is dropped after that call: the file fails with the reason, and the next file loads a fresh instance.
export function createBridge() {
  const running = new Map();
  const call = (name, use) => {
    const codec = running.get(name);
    if (!codec) throw new Error(`${name} is not loaded`);
    try {
      return use(codec);
    } catch (err) {
      running.delete(name);
      throw new Error(err && err.message ? err.message : String(err));
    }
  };
  return {
    loaded: (name) => running.has(name),
    async load(name, siteRoot, verifiedBytes) {
      if (!running.has(name)) running.set(name, await instantiateCodec(name, siteRoot, verifiedBytes));
    },
    encode(name, pixels, width, height, optionsJson) {
      return call(name, (codec) => {
        const output = codec.encoder.encode(pixels, width, height, JSON.parse(optionsJson));
        if (!output || !output.length) throw new Error("it returned no file");
        return new Uint8Array(output);  // a copy, out of the codec's memory
      });
    },
    transcode(name, bytes, optionsJson) {
      return call(name, (codec) => {
        const output = codec.encoder.transcode(bytes, JSON.parse(optionsJson));
        if (!output || !output.length) throw new Error("it returned no file");
        return new Uint8Array(output);
      });
    },
    // -> {width, height, data: RGBA}
    decode(name, bytes) {
      return call(name, (codec) => {
        const picture = codec.decoder.decode(bytes, 8);
        if (!picture) throw new Error("the file could not be decoded");
        const { data } = picture;
        return { width: picture.width, height: picture.height, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
      });
    },
  };
}
