"""Format details a generic table cannot see: WebP VP8X flags and sizes, APNG frames, GIF loop count,
metadata hidden after the image data, truncated and malformed chunk lengths."""

import io

import pytest
from PIL import Image, PngImagePlugin

import pictures
from corpus import all_frames
from imagestudio import api
from imagestudio.containers import png, webp


def _vp8x_flags(data: bytes) -> int:
    chunks, _end = webp.chunks(data)
    body = next(b for fourcc, _s, _e, b in chunks if fourcc == b"VP8X")
    return body[0]


@pytest.mark.parametrize("policy, flags", [({}, webp.FLAG_ICC | webp.FLAG_EXIF),
                                           ({"keep_icc": False, "keep_orientation": False}, 0)])
def test_webp_flags_and_riff_size_match_the_chunks(policy, flags):
    out = api.handle("clean", pictures.dirty_webp(), {"policy": policy}, "d.webp")["data"]
    assert _vp8x_flags(out) & ~webp.FLAG_ALPHA == flags
    assert int.from_bytes(out[4:8], "little") + 8 == len(out)
    fourccs = [c[0] for c in webp.chunks(out)[0]]
    assert b"XMP " not in fourccs and fourccs.count(b"EXIF") == (1 if flags & webp.FLAG_EXIF else 0)


def test_animated_webp_keeps_frames_timing_and_loop():
    data = pictures.dirty_webp(animated=True)
    out = api.handle("clean", data, {}, "a.webp")["data"]
    assert _vp8x_flags(out) & webp.FLAG_ANIMATION
    assert all_frames(out) == all_frames(data) and len(all_frames(out)) == 3
    with Image.open(io.BytesIO(out)) as im:
        assert im.info.get("loop") == 0


def test_apng_keeps_every_frame_and_drops_text():
    frames = [pictures.small_picture(mode="RGBA").rotate(90 * i) for i in range(3)]
    buf = io.BytesIO()
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane Doe")
    frames[0].save(buf, "PNG", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                   pnginfo=info)
    data = buf.getvalue()
    result = api.handle("clean", data, {}, "a.png")
    assert result["ok"] and b"Jane Doe" not in result["data"]
    assert all_frames(result["data"]) == all_frames(data) and len(all_frames(data)) == 3


def test_gif_keeps_loop_and_timing():
    data = pictures.dirty_gif()
    out = api.handle("clean", data, {}, "a.gif")["data"]
    with Image.open(io.BytesIO(out)) as im:
        assert im.info.get("loop") == 0 and im.n_frames == 3
    assert [d for _s, _p, d in all_frames(out)] == [100, 200, 300]


def test_png_text_after_image_data_and_acropalypse_tail_are_removed():
    data = pictures.dirty_png()
    before = api.handle("inspect", data, {}, "a.png")["report"]["findings"]
    assert any(f["where"] == "PNG tEXt chunk" and f["key"] == "model" for f in before)
    tail = next(f for f in before if f["key"] == "trailing_data")
    assert "aCropalypse" in tail["label"]
    out = api.handle("clean", data, {}, "a.png")["data"]
    assert out.endswith(b"IEND\xaeB`\x82")


@pytest.mark.parametrize("make, cut", [(pictures.dirty_png, 40), (pictures.dirty_webp, 30), (pictures.dirty_gif, 60),
                                       (pictures.dirty_jpeg, 25)])
def test_truncated_headers_are_corrupt_not_crashes(make, cut):
    data = make()[:cut]
    result = api.handle("clean", data, {}, "cut.bin")
    assert not result["ok"] and result["error"]["code"] == "corrupt" and "cut.bin" in result["error"]["message"]


def test_chunk_lengths_near_4_gb_fail_fast():
    """Refused from the length alone ("past the end"): nothing waits for, or allocates, 2 GB."""
    data = bytearray(pictures.dirty_png())
    at = data.index(b"tEXt") - 4
    data[at:at + 4] = b"\x7f\xff\xff\xf0"
    result = api.handle("clean", bytes(data), {}, "huge.png")
    assert result["error"]["code"] == "corrupt" and "past the end" in result["error"]["message"]


def test_unknown_critical_png_chunk_is_refused_not_kept():
    data = pictures.dirty_png()
    at = data.index(b"IDAT") - 4
    chunk = png._chunk(b"ZZZZ", b"payload")
    result = api.handle("clean", data[:at] + chunk + data[at:], {}, "odd.png")
    assert result["error"]["code"] == "corrupt" and "critical chunk" in result["error"]["message"]


def test_extra_chunks_inside_an_animation_frame_are_removed():
    data = pictures.dirty_webp(animated=True)
    parts, _end = webp.chunks(data)
    fourcc, start, end, body = next(p for p in parts if p[0] == b"ANMF")
    frame = bytes(body) + webp._chunk(b"SPY ", b"Jane Doe was here")
    grown = webp._chunk(b"ANMF", frame)
    riff_size = int.from_bytes(data[4:8], "little") + len(grown) - (end - start)
    planted = data[:4] + riff_size.to_bytes(4, "little") + data[8:start] + grown + data[end:]
    report = api.handle("inspect", planted, {}, "a.webp")["report"]
    assert any(f["label"] == "Extra data inside an animation frame" for f in report["findings"])
    result = api.handle("clean", planted, {}, "a.webp")
    assert result["ok"] and b"Jane Doe was here" not in result["data"]
    assert all_frames(result["data"]) == all_frames(data)


@pytest.mark.parametrize("make, name", [(pictures.dirty_jpeg, "cut.jpg"), (pictures.dirty_png, "cut.png")])
def test_damaged_file_still_shows_what_it_reveals_but_is_not_cleaned(make, name):
    data = make()
    cut = data[:data.index(b"IDAT") + 100] if name.endswith(".png") else data[:data.index(b"\xff\xdb") + 30]
    report = api.handle("inspect", cut, {}, name)["report"]
    keys = {f["key"] for f in report["findings"]}
    assert "gps" in keys and "damaged" in keys
    assert api.handle("clean", cut, {}, name)["error"]["code"] == "corrupt"
