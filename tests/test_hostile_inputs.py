"""Bad files from strangers, through the one entry point, for every operation the engine has.

Each input gets either a correct result (bytes that re-inspect clean and hold none of the planted canary)
or a one-line typed error naming the file and the reason; never an internal error, never a hang, and the
caller's bytes are never changed.
"""

from PIL import ImageFile

import pytest

from hostile_inputs import CANARY, bad_inputs, dirty_jpeg
from imagestudio import api
from imagestudio.containers import CONTAINERS
from imagestudio.errors import EngineError
from imagestudio.policy import CleanPolicy
from imagestudio.sniff import sniff

CASES = bad_inputs()
# Operations that take one image, with options that make them do real work: process re-encodes (decodes every
# pixel) because of the resize; without a pixel step it would be the lossless clean again.
RESIZE = {"resize": {"long_edge": 64}}
OPS = [("inspect", {}), ("clean", {}), ("process", RESIZE)]
OP_IDS = [op for op, _ in OPS]


def _typed_codes() -> set[str]:
    codes, todo = set(), [EngineError]
    while todo:
        cls = todo.pop()
        codes.add(cls.code)
        todo += cls.__subclasses__()
    return codes | {"too_large"}  # api.handle turns MemoryError into too_large


TYPED_CODES = _typed_codes()


def check_result(op: str, name: str, data: bytes, result: dict) -> None:
    """The contract every result of api.handle keeps, whatever the input (how long it takes is the bench's)."""
    assert isinstance(result, dict) and isinstance(result.get("ok"), bool), result
    if not result["ok"]:
        error = result["error"]
        assert error["code"] in TYPED_CODES, f"{op} {name}: untyped error {error}"
        message = error["message"]
        assert name in message, f"{op} {name}: message does not name the file: {message!r}"
        assert "\n" not in message and len(message) < 400, f"{op} {name}: not one line: {message!r}"
        assert len(message.replace(name, "").strip(" :")) > 8, f"{op} {name}: message gives no reason: {message!r}"
        assert result.get("data") is None
        return
    out = result.get("data")
    if op == "inspect":
        assert out is None
        assert isinstance(result["report"]["findings"], list)
        return
    assert isinstance(out, bytes) and out, f"{op} {name}: ok without bytes"
    assert CANARY not in out, f"{op} {name}: the planted canary survived"
    fmt = sniff(out, name)
    leftover = [f for f in CONTAINERS[fmt.name].inspect(out, name) if not CleanPolicy().allows(f)]
    assert not leftover, f"{op} {name}: output still holds {[f.key for f in leftover]}"
    assert result["name"] and "/" not in result["name"]


def run(op: str, name: str, data: bytes, options: dict | None = None) -> dict:
    given = bytearray(data)  # the caller's buffer: must come back untouched
    result = api.handle(op, given, options or {}, name)
    assert bytes(given) == data, f"{op} {name}: the original bytes were modified"
    check_result(op, name, data, result)
    return result


@pytest.mark.parametrize("op,options", OPS, ids=OP_IDS)
@pytest.mark.parametrize("name,data", CASES, ids=[n for n, _ in CASES])
def test_bad_input_gives_a_result_or_a_typed_error(op, options, name, data):
    run(op, name, data, options)


def test_the_catalogue_is_big_and_varied():
    names = [n for n, _ in CASES]
    assert len(names) == len(set(names)) >= 500
    for family in ("empty.", "random-", "truncated-", "is-", "exif-", "bomb-", "polyglot-", "frames", "16bit",
                   "cmyk", "palette-trns", "1x65500", "ztxt-bomb"):
        assert any(family in n for n in names), family


@pytest.mark.parametrize("op,options", OPS, ids=OP_IDS)
def test_empty_and_garbage_name_the_file_and_the_reason(op, options):
    empty = api.handle(op, b"", options, "holiday.jpg")
    assert empty == {"ok": False, "error": {"code": "not_an_image",
                                            "message": "holiday.jpg: the file is empty (0 bytes)"}}
    garbage = api.handle(op, b"\x00\x01garbage" * 10, options, "IMG_0001.png")
    assert not garbage["ok"] and garbage["error"]["code"] == "not_an_image"
    assert garbage["error"]["message"].startswith("IMG_0001.png: ")


def test_truncated_jpeg_is_cleaned_or_refused_never_leaks():
    full = dirty_jpeg()
    outcomes = {"ok": 0, "error": 0}
    for cut in range(2, len(full), 13):
        result = run("clean", f"cut{cut}.jpg", full[:cut])
        outcomes["ok" if result["ok"] else "error"] += 1
    # Cuts inside the headers are refused; cuts inside the image data still give a clean partial file.
    assert outcomes["ok"] and outcomes["error"], outcomes


def test_unknown_operation_is_a_typed_error():
    result = api.handle("format_disk", b"\xff\xd8\xff", {}, "x.jpg")
    assert result["ok"] is False and result["error"]["code"] == "bad_options"


def test_bad_options_are_typed_errors():
    for options in ({"policy": {"keep_gps": True}}, {"policy": {"keep_icc": "yes"}}):
        result = api.handle("clean", dirty_jpeg(), options, "opt.jpg")
        assert not result["ok"] and result["error"]["code"] == "bad_options", result


def _count_decodes(monkeypatch) -> list:
    """The size of every picture Pillow decodes from here on (counted, not timed)."""
    sizes: list = []
    load = ImageFile.ImageFile.load

    def counted(image):
        sizes.append(image.size)
        return load(image)
    monkeypatch.setattr(ImageFile.ImageFile, "load", counted)
    return sizes


@pytest.mark.parametrize("name", ["bomb-60000x60000.jpg", "bomb-60000x60000.png", "bomb-60000x60000.gif",
                                  "bomb-60000x60000.tif"])
def test_decompression_bomb_is_refused_before_decoding_with_a_visible_limit(name, monkeypatch):
    data = dict(CASES)[name]
    decoded = _count_decodes(monkeypatch)
    result = api.handle("process", data, RESIZE, name)
    assert decoded == [], "a refused bomb must not be decoded first"
    assert not result["ok"] and result["error"]["code"] == "too_large", result
    message = result["error"]["message"]
    assert name in message and "60000" in message
    assert any(ch.isdigit() for ch in message.replace("60000", "")), f"the limit is not shown: {message}"


@pytest.mark.parametrize("side", [12000, 60000])
def test_gif_whose_later_frame_grows_the_canvas_is_refused_before_decoding_it(side, monkeypatch):
    """The first frame is 4x4; the second claims side x side. Pillow grows the canvas on seek."""
    name = f"grow-{side}.gif"
    data = dict(CASES)[f"bomb-gif-second-frame-{side}x{side}.gif"]
    decoded = _count_decodes(monkeypatch)
    result = api.handle("process", data, RESIZE, name)
    assert not [size for size in decoded if size[0] * size[1] > 4 * 4], "the grown frame was decoded"
    assert not result["ok"] and result["error"]["code"] == "too_large", result
    assert result["error"]["message"].startswith(f"{name}: ") and "limit" in result["error"]["message"]


def test_tiff_whose_second_page_is_huge_is_refused_before_decoding_it():
    """TIFF is cleaned by re-encoding every page: each page must pass the pixel limit, not only the first."""
    name = "pages.tif"
    result = api.handle("clean", dict(CASES)["bomb-tiff-second-page-12000x12000.tif"], {}, name)
    assert not result["ok"] and result["error"]["code"] == "too_large", result
    assert result["error"]["message"].startswith(f"{name}: 12000x12000") and "limit" in result["error"]["message"]


@pytest.mark.parametrize("failure,code", [(MemoryError, "too_large"), (RecursionError, "internal"),
                                          (KeyError, "internal")])
def test_unexpected_failures_inside_the_engine_still_name_the_file(monkeypatch, failure, code):
    """Out of memory (Python's MemoryError in the wasm heap) or a bug: one error naming the file, no raise."""
    from imagestudio.containers import jpeg

    def boom(*args, **kwargs):
        raise failure("simulated")

    monkeypatch.setattr(jpeg, "inspect", boom)
    result = api.handle("inspect", dirty_jpeg(), {}, "victim.jpg")
    assert result["ok"] is False and result["error"]["code"] == code
    assert result["error"]["message"].startswith("victim.jpg: ")
