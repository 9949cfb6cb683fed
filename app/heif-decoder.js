// HEIC/AVIF pixels for the engine. The worker imports this module only when Python asks for such pixels
// (a "needs_decoder" answer, see py/imagestudio/heif_decode.py); Python names the decoder, this file runs it:
// - "libheif": libheif compiled to WebAssembly (npm libheif-js 1.23.2, LGPL-3.0), shipped as its own
//   replaceable file vendor/libheif/libheif-bundle.mjs (build.py pins its sha256). HEIC needs it: no
//   Chromium or Firefox decodes HEVC pictures. It has no AV1 decoder.
// - "browser": the browser's own AVIF decoder (createImageBitmap in this worker): nothing to download.
// Both return upright RGBA pixels; libheif's are in the file's colour space ("stored"), the browser's in sRGB.
const LIBHEIF_URL = new URL("../vendor/libheif/libheif-bundle.mjs", import.meta.url).href;
let libheif = null;

async function loadLibheif() {
  libheif ??= import(LIBHEIF_URL).then((module) => module.default());
  return libheif;
}

async function withLibheif(bytes) {
  const lib = await loadLibheif();
  const context = lib.heif_context_alloc();
  let image = null;
  try {
    const error = lib.heif_context_read_from_memory(context, bytes);
    if (error.code !== lib.heif_error_code.heif_error_Ok) throw new Error(error.message);
    const handle = lib.heif_js_context_get_primary_image_handle(context);
    if (!handle || handle.code) throw new Error(handle && handle.message ? handle.message : "no primary picture");
    image = new lib.HeifImage(handle);
    const width = image.get_width();
    const height = image.get_height();
    const target = { data: new Uint8ClampedArray(width * height * 4), width, height };
    const shown = await new Promise((resolve) => image.display(target, resolve));
    if (!shown) throw new Error("libheif could not decode the picture");
    return { width, height, data: shown.data, colour: "stored" };
  } finally {
    if (image) image.free();
    lib.heif_context_free(context);
  }
}

async function withBrowser(bytes) {
  const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/avif" }),
    { premultiplyAlpha: "none", colorSpaceConversion: "default" });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const context = canvas.getContext("2d", { willReadFrequently: true });
    context.drawImage(bitmap, 0, 0);
    const { data } = context.getImageData(0, 0, bitmap.width, bitmap.height);
    return { width: bitmap.width, height: bitmap.height, data, colour: "srgb" };
  } finally {
    bitmap.close();
  }
}

// -> {width, height, data, colour} or {error}: a failure is Python's to word, with the file's name.
export async function decodePicture(decoder, bytes) {
  try {
    return await (decoder === "browser" ? withBrowser(bytes) : withLibheif(bytes));
  } catch (err) {
    return { error: `${decoder === "browser" ? "the browser" : "libheif"}: ${err && err.message ? err.message : err}` };
  }
}
