"""Resize: every mode gives the expected size and aspect, never upscales unless asked, keeps quality
on the JPEG speed paths."""

import pytest
from PIL import Image

from imagestudio import api, decode, encode, quality
from imagestudio.ops import resize
from imagestudio.recipe import Resize
from pictures import encoded, opened, photo


@pytest.mark.parametrize("opts, size, expected", [
    (dict(long_edge=200), (400, 300), (200, 150)),
    (dict(long_edge=200), (300, 400), (150, 200)),
    (dict(width=100), (400, 300), (100, 75)),
    (dict(height=100), (400, 300), (133, 100)),
    (dict(percent=25), (400, 300), (100, 75)),
    (dict(width=200, height=200), (400, 300), (200, 150)),                  # contain
    (dict(width=200, height=200, fit="cover"), (400, 300), (200, 200)),
    (dict(width=100, height=250, fit="stretch"), (400, 300), (100, 250)),
    (dict(long_edge=800), (400, 300), None),                                 # no upscale
    (dict(long_edge=800, upscale=True), (400, 300), (800, 600)),
    (dict(width=800, height=800, fit="cover"), (400, 300), (300, 300)),      # cover without upscale: shape only
    (dict(long_edge=400), (400, 300), None),
])
def test_target_sizes(opts, size, expected):
    assert resize.target_size(size, Resize(**opts)) == expected


def test_cover_fills_the_box_from_the_centre():
    im = Image.new("RGB", (400, 200), (255, 0, 0))
    im.paste((0, 0, 255), (100, 0, 300, 200))  # blue centre square, red sides
    out = resize.apply(im, Resize(width=50, height=50, fit="cover"))
    assert out.size == (50, 50)
    r, g, b = out.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
    assert b > 240 and r < 15


def test_resize_keeps_aspect_and_picture():
    im = photo((640, 480))
    out = resize.apply(im, Resize(long_edge=320))
    assert out.size == (320, 240)
    assert quality.ssim(im.resize((320, 240), Image.Resampling.LANCZOS), out) > 0.999


@pytest.mark.parametrize("edge, fast_below, floor", [
    (1000, 0.0, 0.995), (500, 0.0, 0.99), (240, 0.0, 0.99), (120, 0.0, 0.99),
    (1000, 0.6, 0.985),   # the browser's fast decode; libjpeg-turbo's fast IDCT here is coarser than wasm's
])
def test_jpeg_speed_paths_keep_quality(monkeypatch, edge, fast_below, floor):
    """Draft / fast decode / luma-first YCbCr versus the plain way (full decode, RGB LANCZOS, same quality)."""
    monkeypatch.setattr(decode, "FAST_DECODE_BELOW", fast_below)
    data = encoded(photo((2000, 1500), seed=7), quality=92)
    result = api.handle("process", data, {"resize": {"long_edge": edge}, "encode": {"quality": 90}}, "big.jpg")
    assert result["ok"], result
    out = opened(result["data"])
    plain = opened(encode.save([opened(data).resize(out.size, Image.Resampling.LANCZOS)], encode.Settings("jpeg", 90)))
    assert max(out.size) == edge
    assert quality.ssim(plain, out) >= floor
    speed = result["report"]["speed"]
    assert speed["draft_scale"] == {1000: 1, 500: 1, 240: 2, 120: 4}[edge]  # draft only to >= 3x the target
    assert speed["fast_decode"] is (edge / 2000 <= fast_below)
    assert "luma-first YCbCr" in result["report"]["operations"][0]["detail"]


def test_no_upscale_reports_it_and_keeps_size():
    data = encoded(photo((200, 100)))
    result = api.handle("process", data, {"resize": {"long_edge": 400}}, "small.jpg")
    assert result["ok"] and opened(result["data"]).size == (200, 100)
    assert "no upscaling" in result["report"]["operations"][0]["detail"]
    bigger = api.handle("process", data, {"resize": {"long_edge": 400, "upscale": True}}, "small.jpg")
    assert opened(bigger["data"]).size == (400, 200)
    assert bigger["name"] == "small-400px.jpg"
