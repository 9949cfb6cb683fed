"""Errors read as sentences about the file: no Python object reprs, no bare library jargon."""

import re

import pytest

from hostile_inputs import dirty_jpeg
from imagestudio import api
from imagestudio.errors import plain

REPR = re.compile(r"object at 0x|<_io\.|Traceback")


def test_pillow_messages_become_plain_words():
    assert plain(OSError("cannot identify image file <_io.BytesIO object at 0x7f3b2c1d0>")) == \
        "the file is damaged, or is not the kind of picture its first bytes claim"
    assert plain(OSError("image file is truncated (5 bytes not processed)")) == "the file is cut short"
    assert "object at" not in plain(ValueError("bad thing in <PIL.Image.Image object at 0x7f00>"))


@pytest.mark.parametrize("op", ["inspect", "clean", "process"])
@pytest.mark.parametrize("data", [
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 40,            # a JPEG header and nothing of a picture
    b"\x89PNG\r\n\x1a\n" + b"\x00" * 30,                          # a PNG signature and garbage
    b"RIFF\x20\x00\x00\x00WEBPVP8 " + b"\x00" * 24,               # a WebP with an empty frame
    b"GIF89a" + b"\x00" * 20,
    b"II*\x00\x08\x00\x00\x00" + b"\x00" * 16,                    # a TIFF with an empty directory
], ids=["jpeg", "png", "webp", "gif", "tiff"])
def test_damaged_files_get_a_sentence_that_names_the_file(op, data):
    options = {"resize": {"long_edge": 8}} if op == "process" else {}
    result = api.handle(op, data, options, "holiday.img")
    if result["ok"]:
        return  # inspect may report what it read before the damage
    message = result["error"]["message"]
    assert message.startswith("holiday.img: ") and not REPR.search(message), message
    assert result["error"]["code"] != "internal", message


def test_a_segment_that_runs_past_the_end_is_described_in_plain_words():
    data = dirty_jpeg()
    at = data.index(b"\xff\xe1")
    broken = data[:at + 2] + b"\xff\xd9" + data[at + 4:at + 300]
    result = api.handle("clean", broken, {}, "cut.jpg")
    message = result["error"]["message"]
    assert not result["ok"] and "the APP1 segment (metadata)" in message and "says it is 65497 bytes long" in message
    assert "cut short" in message
