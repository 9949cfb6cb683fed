"""GIF: sub-blocks after a frame's end-of-information code are never decoded, and colour-table entries no pixel
uses are never shown; the clean reports both and removes them without changing a pixel."""

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
    assert gif_lzw.scan(data, start + 10, 60 * 40).end == stop - 1
    assert gif_lzw.scan(b"\x08\x01\x00\x00", 0, 1).end is None  # one code, no end code: nothing to cut


@needs_corpus(corpus_files(".gif"))
def test_corpus_gifs_end_at_their_terminators(path):
    data = path.read_bytes()
    parts, _end = gif.blocks(data)
    assert gif._frame_data_ends(parts, gif._scans(data, parts)) == {}


def lzw_literals(indices: list[int], min_size: int = 8) -> bytes:
    """Image data (minimum code size, sub-blocks, terminator) sending each index as its own code."""
    clear, size = 1 << min_size, min_size + 1
    codes, bits, nbits, out = [clear, *indices, clear + 1], 0, 0, bytearray()
    assert len(codes) + clear + 2 < 1 << size  # the code width never grows
    for code in codes:
        bits |= code << nbits
        nbits += size
        while nbits >= 8:
            out.append(bits & 0xFF)
            bits >>= 8
            nbits -= 8
    out += bytes([bits]) if nbits else b""
    blocks = b"".join(bytes([len(out[i:i + 255])]) + out[i:i + 255] for i in range(0, len(out), 255))
    return bytes([min_size]) + blocks + b"\x00"


SECRET = b"Meet at the old bridge, 52.5163 13.3777"


def gif_with_table(indices: list[int], width: int, transparent: int | None = None, height: int = 0) -> bytes:
    """A 256-colour GIF whose pixels are `indices` (row by row, `width` wide), entries 1-3 grey and the rest black,
    with SECRET written over entries 100-112; `transparent` as a graphic control extension's transparent index."""
    table = bytearray(768)
    table[3:12] = bytes([60] * 9)
    table[300:300 + len(SECRET)] = SECRET
    height = height or -(-len(indices) // width)
    gce = bytes([0x21, 0xF9, 4, 1, 0, 0, transparent, 0]) if transparent is not None else b""
    return (b"GIF89a" + width.to_bytes(2, "little") + height.to_bytes(2, "little") + bytes([0xF7, 0, 0]) + table
            + gce + b"\x2c" + bytes(4) + width.to_bytes(2, "little") + height.to_bytes(2, "little") + b"\x00"
            + lzw_literals(indices) + b"\x3b")


def test_text_in_colours_no_pixel_uses_is_reported_and_removed():
    data = gif_with_table([1, 2, 3, 2, 1, 3], width=3)
    found = api.handle("inspect", data, {}, "t.gif")["report"]["findings"]
    assert any(f["key"] == "unused_colours" and f["value"] == "13 entries" for f in found)  # 39 bytes of text
    result = api.handle("clean", data, {}, "t.gif")
    assert result["ok"] and SECRET[:6] not in result["data"]
    assert "unused_colours" in {f["key"] for f in result["report"]["removed"]}
    assert frames_of(result["data"]) == frames_of(data)
    assert len(result["data"]) == len(data)  # the table keeps its size: only the unused colours became black


def test_codes_sent_after_the_last_pixel_do_not_protect_a_colour():
    """Decoders stop at the frame's last pixel: indices sent after it are not drawn, so their colours are unused."""
    data = gif_with_table([1, 2, *range(100, 113)], width=2, height=1)  # 2 pixels, then the secret's indices
    result = api.handle("clean", data, {}, "t.gif")
    assert result["ok"] and SECRET[:6] not in result["data"]
    assert frames_of(result["data"]) == frames_of(data)


def test_colours_a_pixel_uses_and_the_transparent_one_stay():
    data = gif_with_table([1, 100, 101, 2], width=2, transparent=104)
    cleaned = api.handle("clean", data, {}, "t.gif")["data"]
    table = cleaned[13:13 + 768]
    assert table[300:306] == SECRET[:6]  # entries 100 and 101 are drawn
    assert table[312:315] == SECRET[12:15]  # 104 is the transparent index
    assert table[306:312] == bytes(6) and table[315:339] == bytes(24)
    assert frames_of(cleaned) == frames_of(data)


def test_a_table_is_left_alone_when_a_frame_that_uses_it_was_not_walked(monkeypatch):
    monkeypatch.setattr(gif_lzw, "MAX_WALK", 10)
    data = gif_with_table([1, 2, 3], width=3)
    assert not any(f["key"] == "unused_colours" for f in api.handle("inspect", data, {}, "t.gif")["report"]["findings"])
    result = api.handle("clean", data, {}, "t.gif")
    assert SECRET in result["data"] and any("unused colours" in n for n in result["report"]["notes"])
