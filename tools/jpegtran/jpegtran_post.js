// Added to the Emscripten loader (--post-js): Module.transcode(jpegBytes) -> the recoded JPEG's bytes, a copy out
// of the module's memory; throws with libjpeg's own message when MozJPEG cannot recode the file.
Module["transcode"] = function (input) {
  const inputPtr = _malloc(input.length);
  const outputPtrPtr = _malloc(4);
  try {
    HEAPU8.set(input, inputPtr);
    HEAPU32[outputPtrPtr >> 2] = 0;
    const size = _jpegtran_optimize(inputPtr, input.length, outputPtrPtr);
    if (!size) throw new Error(UTF8ToString(_jpegtran_error()) || "MozJPEG could not recode it");
    const outputPtr = HEAPU32[outputPtrPtr >> 2];
    const output = HEAPU8.slice(outputPtr, outputPtr + size);
    _free(outputPtr);
    return output;
  } finally {
    _free(inputPtr);
    _free(outputPtrPtr);
  }
};
