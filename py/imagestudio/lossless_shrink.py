""""Shrink losslessly": a cleaned JPEG recoded with optimised Huffman tables and progressive scans, same pixels.

The recode is MozJPEG's jpegtran-style transcode (the DCT coefficients are copied, only their entropy coding
changes). Natively it comes from PyPI `mozjpeg-lossless-optimization`; in the page from the same C code compiled to
WebAssembly (tools/jpegtran/, built by tools/build_jpegtran_wasm.py, loaded like every page codec). Python decides
the rest:
- the transcode copies no metadata; the cleaned file's own APPn segments (what the policy kept: JFIF and Adobe
  headers, a minimal EXIF, the anonymous ICC profile) replace whatever headers the transcode wrote;
- the result goes through the same verify as the clean (cleaning.verify_clean: nothing removed comes back);
- both files are decoded and compared pixel for pixel; a file that differs, or is not smaller, is not used: the
  plain clean is returned with a note saying why.
A transcode that fails (MozJPEG refuses the data, a wasm trap, out of memory) leaves the verified clean as it is,
with a note that says why: the cleaned file is what the user asked for, the shrink only an extra. The native package
missing is an error for the file (it says how to get it).
"""

import importlib.util
import io
import subprocess
import sys
from typing import Any

from PIL import Image

from . import cleaning
from .containers import jpeg
from .containers.jpeg_markers import COM, SOI
from .encode import page_codecs  # the page's codec loader (app/codecs.js)
from .errors import CodecFailed, CorruptImage, EngineError, UnsupportedFormat
from .policy import CleanPolicy

CODEC = "jpegtran"
NATIVE_PACKAGE = "mozjpeg-lossless-optimization==1.3.2"
APP_MARKERS = range(0xE0, 0xF0)


# Natively the transcode runs in a child process: the package's C code calls exit() when MozJPEG cannot write a file
# (e.g. "DCT coefficient out of range" in pillow_hopper_bad_exif.jpg), which would end the whole batch.
_NATIVE_CHILD = ("import sys, mozjpeg_lossless_optimization as m; "
                 "sys.stdout.buffer.write(m.optimize(sys.stdin.buffer.read(), m.COPY_MARKERS.NONE))")


def transcode(data: bytes, label: str) -> bytes:
    """MozJPEG's lossless recode of `data`, copying no optional segment; CodecFailed when it cannot."""
    if page_codecs.IN_PAGE:
        return page_codecs.transcode(CODEC, data, label)
    if importlib.util.find_spec("mozjpeg_lossless_optimization") is None:
        raise UnsupportedFormat(f"{label}: shrinking losslessly needs MozJPEG's transcode: pip install "
                                f"{NATIVE_PACKAGE} (the web page has it built in)")
    done = subprocess.run([sys.executable, "-c", _NATIVE_CHILD], input=data, capture_output=True, check=False)
    if done.returncode != 0 or not done.stdout:
        why = (done.stderr.decode("utf-8", "replace").strip().splitlines() or [f"exit status {done.returncode}"])[-1]
        raise CodecFailed(f"{label}: MozJPEG's lossless transcode failed ({why})")
    return done.stdout


def with_kept_headers(cleaned: bytes, recoded: bytes, label: str) -> bytes:
    """The recoded picture under the cleaned file's own APPn segments: SOI, those, then the transcode's tables,
    frame and scans (its own APPn and COM segments dropped)."""
    kept, _ = jpeg.segments(cleaned, label)
    coded, _ = jpeg.segments(recoded, label)
    headers = [cleaned[s.start:s.end] for s in kept if s.marker in APP_MARKERS]
    body = [recoded[s.start:s.end] for s in coded if s.marker not in APP_MARKERS and s.marker not in (SOI, COM)]
    return b"\xff\xd8" + b"".join(headers) + b"".join(body)


def _pixels(data: bytes) -> tuple[str, tuple[int, int], bytes]:
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


def same_pixels(a: bytes, b: bytes) -> bool:
    """Both decode completely to the same mode, size and samples."""
    return _pixels(a) == _pixels(b)


def shrink(cleaned: bytes, policy: CleanPolicy, name: str = "") -> tuple[bytes, dict[str, Any]]:
    """(the bytes to return, what happened). The bytes are the shrunk file only when it is verified clean, decodes
    to the same pixels and is smaller; otherwise the cleaned file, and `reason` says why."""
    label = name or "this file"
    try:
        shrunk = with_kept_headers(cleaned, transcode(cleaned, label), label)
    except (CodecFailed, CorruptImage) as err:
        return cleaned, {"applied": False, "bytes_before": len(cleaned), "bytes_after": None,
                         "reason": err.message.removeprefix(f"{label}: ")}
    cleaning.verify_clean(shrunk, policy, name)  # raises StillDirty: nothing is returned then
    outcome: dict[str, Any] = {"applied": False, "bytes_before": len(cleaned), "bytes_after": len(shrunk)}
    try:
        identical = same_pixels(cleaned, shrunk)
    except (OSError, SyntaxError, ValueError, EngineError) as err:
        outcome["reason"] = f"its pixels could not be decoded to prove them identical ({err})"
        return cleaned, outcome
    if not identical:
        outcome["reason"] = "the recoded pixels were not identical"
    elif len(shrunk) >= len(cleaned):
        outcome["reason"] = "the recoded file was not smaller"
    else:
        outcome["applied"] = True
        return shrunk, outcome
    return cleaned, outcome


def apply(result: dict[str, Any], policy: CleanPolicy, name: str = "") -> dict[str, Any]:
    """A lossless clean's result, shrunk when it is a JPEG: data, sizes, the step and a note updated."""
    report = result["report"]
    if result["mime"] != "image/jpeg":
        report["notes"].append(f"Shrink losslessly recodes JPEGs only; this {report['format'].upper()} was left as "
                               "cleaned.")
        return result
    data, outcome = shrink(result["data"], policy, name)
    report["shrink"] = outcome
    if outcome["applied"]:
        saved = 1 - outcome["bytes_after"] / outcome["bytes_before"]
        result["data"] = data
        report["bytes_out"] = len(data)
        report["operations"].append({"step": "shrink", "detail": f"recoded losslessly (optimised Huffman tables, "
                                                                 f"progressive scans): {saved:.1%} smaller, pixels "
                                                                 "identical"})
    else:
        report["notes"].append(f"Not shrunk: {outcome['reason']}; the cleaned file is kept as it is.")
    return result
