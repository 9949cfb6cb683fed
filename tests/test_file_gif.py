"""GIF: sub-blocks after a frame's end-of-information code are never decoded; the clean reports and drops them."""

import io

import pytest
from PIL import Image, ImageSequence

from corpus import corpus_files, needs_corpus
from imagestudio import api
from imagestudio.containers import gif, gif_lzw


def still() -> bytes:
    im = Image.new("P", (60, 40))
    im.putdata([(x // 3 + y // 2) % 64 for y in range(40) for x in range(60)])
    buf = io.BytesIO()
    im.save(buf, "GIF")
    return buf.getvalue()


def animated() -> bytes:
    frames = [Image.new("RGB", (30, 20), (i * 90, 255 - i * 90, 40)).convert("P") for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=100, loop=0)
    return buf.getvalue()


def hide_after_frame(data: bytes, frame: int, secret: bytes) -> bytes:
    """`secret` as extra sub-blocks just before the terminator of frame `frame`'s image data."""
    parts, _end = gif.blocks(data)
    image = [p for p in parts if p[0] == "image"][frame]
    terminator = image[3] - 1
    return data[:terminator] + bytes([len(secret)]) + secret + data[terminator:]


def frames_of(data: bytes) -> list:
    with Image.open(io.BytesIO(data)) as im:
        return [f.convert("RGBA").tobytes() for f in ImageSequence.Iterator(im)]


@pytest.mark.parametrize("make, frame", [(still, 0), (animated, 1)])
def test_sub_blocks_after_the_end_code_are_reported_and_dropped(make, frame):
    original = make()
    data = hide_after_frame(original, frame, b"meet me at the station at noon")
    assert frames_of(data) == frames_of(original)  # decoders never read them
    found = api.handle("inspect", data, {}, "h.gif")["report"]["findings"]
    assert any(f["key"] == "extra_data" and f["value"] == "31 bytes" for f in found)
    result = api.handle("clean", data, {}, "h.gif")
    assert result["ok"] and b"station" not in result["data"]
    assert frames_of(result["data"]) == frames_of(original)
    assert "extra_data" in {f["key"] for f in result["report"]["removed"]}


def test_a_frame_without_an_end_code_is_left_whole():
    data = still()
    parts, _end = gif.blocks(data)
    start, stop = next((s, e) for kind, _lb, s, e in parts if kind == "image")
    assert gif_lzw.data_end(data, start + 10) == stop - 1
    assert gif_lzw.data_end(b"\x08\x01\x00\x00", 0) is None  # one code, no end code: nothing to cut


@needs_corpus(corpus_files(".gif"))
def test_corpus_gifs_end_at_their_terminators(path):
    data = path.read_bytes()
    parts, _end = gif.blocks(data)
    assert gif._frame_data_ends(data, parts) == {}
