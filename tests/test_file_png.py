"""PNG palettes: entries no pixel uses are never shown, so they can hold anything; the clean blanks them (colour
and transparency) without changing a pixel, in still pictures and in every APNG frame."""

import io
import struct
import zlib

from PIL import Image

from corpus import all_frames
from hostile_inputs import PNG_SIG, png_chunk, png_raw
from imagestudio import api, decode
from imagestudio.containers import png
from imagestudio.containers.recent import RecentAnswers

SECRET = b"Meet at the old bridge, 52.5163 13.3777"


def palette_with_secret() -> bytes:
    """256 entries: 1-3 in colour, the rest black apart from SECRET written over entries 100-112."""
    table = bytearray(768)
    table[3:12] = bytes([200, 30, 30, 30, 200, 30, 30, 30, 200])
    table[300:300 + len(SECRET)] = SECRET
    return bytes(table)


def rows_of(indices: list[int], width: int) -> bytes:
    return b"".join(b"\x00" + bytes(indices[y:y + width]) for y in range(0, len(indices), width))


def still(indices: list[int], width: int = 3, extra: list[bytes] = (), trns: bytes | None = None) -> bytes:
    return png_raw(width, len(indices) // width, color=3, rows=rows_of(indices, width), palette=palette_with_secret(),
                   trns=trns, extra=list(extra))


def apng(frames: list[list[int]], width: int = 2) -> bytes:
    """An APNG whose default image is frame 0; every frame `width` wide."""
    height = len(frames[0]) // width
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 3, 0, 0, 0)
    out, seq = [PNG_SIG, png_chunk(b"IHDR", ihdr), png_chunk(b"acTL", struct.pack(">II", len(frames), 0)),
                png_chunk(b"PLTE", palette_with_secret())], 0
    for n, indices in enumerate(frames):
        out.append(png_chunk(b"fcTL", struct.pack(">IIIIIHHBB", seq, width, height, 0, 0, 1, 10, 0, 0)))
        seq += 1
        data = zlib.compress(rows_of(indices, width))
        if n == 0:
            out.append(png_chunk(b"IDAT", data))
        else:
            out.append(png_chunk(b"fdAT", struct.pack(">I", seq) + data))
            seq += 1
    return b"".join(out + [png_chunk(b"IEND", b"")])


def rgba(data: bytes) -> list:
    return all_frames(data)  # every frame as RGBA, with its duration


def findings(data: bytes) -> dict:
    return {f["key"]: f["value"] for f in api.handle("inspect", data, {}, "p.png")["report"]["findings"]}


def test_text_in_palette_entries_no_pixel_uses_is_reported_and_removed():
    data = still([1, 2, 3, 3, 2, 1], trns=bytes([255] * 4) + b"hidden alpha")
    assert findings(data)["unused_colours"] == "26 entries"  # SECRET in 13 colours; 13 alphas: entry 0, 12 letters
    result = api.handle("clean", data, {}, "p.png")
    assert result["ok"] and SECRET[:6] not in result["data"] and b"hidden alpha" not in result["data"]
    assert "unused_colours" in {f["key"] for f in result["report"]["removed"]}
    assert rgba(result["data"]) == rgba(data)
    assert Image.open(io.BytesIO(result["data"])).getpalette()[3:12] == [200, 30, 30, 30, 200, 30, 30, 30, 200]


def test_a_colour_drawn_only_in_a_later_apng_frame_stays():
    data = apng([[1, 2, 3, 1], [100, 2, 3, 1]])
    result = api.handle("clean", data, {}, "a.png")
    assert result["ok"] and SECRET[:3] in result["data"] and SECRET[3:6] not in result["data"]
    assert rgba(result["data"]) == rgba(data) and len(rgba(data)) == 2
    assert rgba(data)[0][1] != rgba(data)[1][1]


def test_the_background_colour_counts_as_used():
    data = still([1, 2, 3], extra=[png_chunk(b"bKGD", bytes([101]))])
    result = api.handle("clean", data, {}, "p.png")
    assert SECRET[3:6] in result["data"] and SECRET[:3] not in result["data"]


def test_a_palette_histogram_is_dropped():
    data = still([1, 2, 3], extra=[png_chunk(b"hIST", b"\x00\x01" * 256)])
    result = api.handle("clean", data, {}, "p.png")
    assert b"hIST" not in result["data"] and rgba(result["data"]) == rgba(data)


def test_a_palette_that_cannot_be_checked_is_kept_with_a_note(monkeypatch):
    monkeypatch.setattr(decode, "MAX_PIXELS", 2)
    data = still([1, 2, 3])
    assert "unused_colours" not in findings(data)
    result = api.handle("clean", data, {}, "p.png")
    assert SECRET in result["data"]
    assert any("palette was not checked" in n for n in result["report"]["notes"])


def test_a_true_colour_png_is_not_decoded_for_its_palette(monkeypatch):
    monkeypatch.setattr(Image, "open", None)  # a call would fail: only palette pictures are decoded
    assert api.handle("clean", png_raw(4, 4), {}, "rgb.png")["ok"]


def test_a_palette_png_is_decoded_once_for_inspect_clean_and_verify(monkeypatch):
    calls = []
    monkeypatch.setattr(png, "_drawn_known", RecentAnswers())
    monkeypatch.setattr(png, "_drawn", lambda *args, real=png._drawn: calls.append(1) or real(*args))
    data = still([1, 2, 3, 3, 2, 1])
    assert "unused_colours" in findings(data)
    result = api.handle("clean", data, {}, "p.png")  # inspects, cleans, notes and verifies the blanked output
    assert "unused_colours" in {f["key"] for f in result["report"]["removed"]}
    assert "unused_colours" not in findings(result["data"])
    assert len(calls) == 1
    assert "unused_colours" in findings(still([1, 2, 3, 3, 2, 2]))  # other pixels: decoded again
    assert len(calls) == 2
