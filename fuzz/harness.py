"""atheris target: the container parsers and metadata readers of py/imagestudio, coverage-guided.

The first byte of each input picks what is fuzzed, the rest is the file or blob:
  0-3  a whole file: sniff, then the container's inspect and clean (policy from the low bits), directly,
       without api's gate; for 0 also the `process` op with a resize (decode, resize, re-encode)
  4    EXIF (TIFF structure) reader     5  XMP reader     6  Photoshop IRB / IPTC-IIM readers     7  ICC reader
A "crash" is any exception other than the engine's typed EngineError, a clean output that still holds what its
policy removes (the fail-closed promise), an api result with an internal error, or an input slower than the
per-input timeout set by fuzz/run.py. Run it through fuzz/run.py.
"""

import sys
from pathlib import Path

import atheris

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "py"))

with atheris.instrument_imports(include=["imagestudio"]):
    from imagestudio import api
    from imagestudio.containers import CONTAINERS
    from imagestudio.errors import EngineError
    from imagestudio.policy import CleanPolicy
    from imagestudio.readers import exif, icc, iptc, xmp
    from imagestudio.sniff import sniff

NAME = "fuzz-input.bin"


def fuzz_file(body: bytes, mode: int) -> None:
    policy = CleanPolicy(keep_orientation=bool(mode & 1), keep_icc=bool(mode & 2), keep_copyright=bool(mode & 1))
    try:
        fmt = sniff(body, NAME)
    except EngineError:
        return
    container = CONTAINERS.get(fmt.name)
    if container is None:
        return
    try:
        container.inspect(body, NAME)
    except EngineError:
        pass
    try:
        out = container.clean(body, policy, NAME)
    except EngineError:
        out = None
    if out is not None:
        out = bytes(out)
        after = CONTAINERS[sniff(out, NAME).name].inspect(out, NAME)  # a clean output must re-inspect
        leftover = sorted({f.key for f in after if not policy.allows(f)})
        if leftover:
            raise AssertionError(f"fail-closed broken: {fmt.name} clean output still holds {leftover}")
    if mode == 0:  # decode + resize + re-encode, then api's own gate
        result = api.handle("process", body, {"resize": {"long_edge": 48}}, NAME)
        if not result["ok"] and result["error"]["code"] == "internal":
            raise AssertionError(f"process: {result['error']['message']}")


def TestOneInput(data: bytes) -> None:  # noqa: N802 - atheris' name
    if not data:
        return
    mode, body = data[0] % 8, data[1:]
    if mode < 4:
        fuzz_file(body, mode)
    elif mode == 4:
        exif.read(body, "EXIF", tiff_file=bool(data[0] & 8))
        exif.orientation(body)
        exif.copyright_text(body)
    elif mode == 5:
        xmp.read(body)
    elif mode == 6:
        iptc.read_irb(body)
        iptc.read_iim(body)
    else:
        icc.read(body)


if __name__ == "__main__":
    atheris.Setup(sys.argv, TestOneInput)
    atheris.Fuzz()
