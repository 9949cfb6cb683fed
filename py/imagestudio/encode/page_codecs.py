"""The page's WebAssembly encoders, called from Python through Pyodide's FFI.

Python decides everything (which codec, its settings, the quality search, keeping the smaller file, the verification);
an encoder only turns the RGBA pixels it is handed into file bytes. In the browser the worker (app/worker.js) loads
app/codecs.js and the codec's own files (vendor/<codec>/, each checked against the page's list of hashes) the first
time a job needs them: `require` raises NeedsCodec, the worker loads the codec, registers it as the JS module
`imagestudio_codecs` and runs the job again. In plain CPython there is no page: the writers use a native package
instead, or say that the codec is in the page only.
"""

import json
import sys

from PIL import Image

from ..errors import CodecFailed, NeedsCodec, UnsupportedFormat

IN_PAGE = sys.platform == "emscripten"  # the one place that says the engine runs in the page (tests patch it)
# codec -> what it is, for messages (app/codecs.js has the same keys: the files it loads for each)
CODECS = {"avif": "AVIF encoder (libavif with libaom and dav1d, @jsquash/avif)",
          "mozjpeg": "MozJPEG encoder (@jsquash/jpeg)",
          "jpegtran": "MozJPEG lossless transcode (tools/jpegtran)",
          "oxipng": "OxiPNG optimiser (@jsquash/oxipng)"}


def _bridge():
    """The worker's JS module, or None before the first codec is loaded (or natively)."""
    if not IN_PAGE:
        return None
    try:
        import imagestudio_codecs  # type: ignore[import-not-found]  # registered by app/worker.js
    except ImportError:
        return None
    return imagestudio_codecs


def _ffi() -> tuple:
    """Pyodide's JS error type and its converter (only in the page)."""
    from pyodide.ffi import JsException, to_js  # type: ignore[import-not-found]
    return JsException, to_js


def loaded(codec: str) -> bool:
    bridge = _bridge()
    return bool(bridge is not None and bridge.loaded(codec))


def require(codec: str, label: str) -> None:
    """In the page: raise NeedsCodec unless the codec is loaded (asked before decoding, so a retry costs little)."""
    if IN_PAGE and not loaded(codec):
        raise NeedsCodec(f"{label}: this output needs the page's {CODECS[codec]}", codec)


def page_only(codec: str, label: str, hint: str) -> UnsupportedFormat:
    """The error natively when no native package stands in for a page codec."""
    return UnsupportedFormat(f"{label}: the {CODECS[codec]} is in the web page only; {hint}")


def encode(codec: str, image: Image.Image, options: dict, label: str) -> bytes:
    """RGBA pixels and the codec's options in, file bytes out. A failing codec (its own error, a wasm trap, out of
    memory) becomes CodecFailed for this file; the worker drops that codec's instance so the next file gets a fresh
    one."""
    bridge = _bridge()
    if bridge is None or not bridge.loaded(codec):
        raise NeedsCodec(f"{label}: this output needs the page's {CODECS[codec]}", codec)
    js_error, to_js = _ffi()
    rgba = image if image.mode == "RGBA" else image.convert("RGBA")
    try:
        result = bridge.encode(codec, to_js(rgba.tobytes()), rgba.width, rgba.height, json.dumps(options))
    except js_error as err:
        raise CodecFailed(f"{label}: the {CODECS[codec]} failed ({err})") from None
    return bytes(result.to_bytes())  # a copy out of the JS array; the proxy goes with the garbage collector


def decode(codec: str, data: bytes, label: str) -> Image.Image:
    """The codec's decoder (AVIF: dav1d): the RGBA picture of a file the engine wrote, to measure or check it."""
    bridge = _bridge()
    if bridge is None or not bridge.loaded(codec):
        raise NeedsCodec(f"{label}: this output needs the page's {CODECS[codec]}", codec)
    js_error, to_js = _ffi()
    try:
        picture = bridge.decode(codec, to_js(data))
    except js_error as err:
        raise CodecFailed(f"{label}: the {CODECS[codec]} could not read back what it wrote ({err})") from None
    width, height, pixels = int(picture.width), int(picture.height), picture.data.to_bytes()
    if len(pixels) != width * height * 4:
        raise CodecFailed(f"{label}: the {CODECS[codec]} read back {len(pixels)} bytes for {width}x{height} pixels")
    return Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)


def transcode(codec: str, data: bytes, label: str, options: dict | None = None) -> bytes:
    """A file's bytes in, the transcoder's (smaller) file out: MozJPEG's lossless transcode, OxiPNG. The caller
    proves the pixels unchanged; a failing transcoder becomes CodecFailed and its instance is dropped."""
    bridge = _bridge()
    if bridge is None or not bridge.loaded(codec):
        raise NeedsCodec(f"{label}: this needs the page's {CODECS[codec]}", codec)
    js_error, to_js = _ffi()
    try:
        result = bridge.transcode(codec, to_js(data), json.dumps(options or {}))
    except js_error as err:
        raise CodecFailed(f"{label}: the {CODECS[codec]} failed ({err})") from None
    return bytes(result.to_bytes())
