"""Watermark: the stamp lands where asked, in the colour and strength asked, on every frame."""

import base64
from pathlib import Path

import pytest
from PIL import Image

from imagestudio import api
from imagestudio.ops import watermark
from imagestudio.recipe import Watermark
from pictures import animation, encoded, opened


def mark(image, **options):
    wm = Watermark(**options)
    logo = watermark.load_logo(wm.logo) if wm.logo else None
    return watermark.apply(image, wm, watermark.build(image.size, wm, logo))


def changed_box(before, after):
    """Bounding box of the pixels the watermark touched."""
    from PIL import ImageChops
    return ImageChops.difference(before.convert("RGB"), after.convert("RGB")).getbbox()


def quadrant_counts(before, after):
    """How many pixels changed in each quadrant: top-left, top-right, bottom-left, bottom-right."""
    from PIL import ImageChops
    diff = ImageChops.difference(before.convert("RGB"), after.convert("RGB")).convert("L")
    diff = diff.point(lambda v: 255 if v else 0)
    w, h = diff.size
    boxes = [(0, 0, w // 2, h // 2), (w // 2, 0, w, h // 2), (0, h // 2, w // 2, h), (w // 2, h // 2, w, h)]
    return [diff.crop(b).histogram()[255] for b in boxes]


def test_text_in_its_colour_at_full_opacity():
    black = Image.new("RGB", (400, 300))
    out = mark(black, text="Hello", color="#ff0000", opacity=1.0, font_size=0.1)
    colors = {c for _n, c in out.getcolors(100000)}
    assert (255, 0, 0) in colors                               # solid glyph pixels are exactly the colour
    assert all(g == 0 and b == 0 for _r, g, b in colors)       # and nothing but red is drawn


def test_opacity_blends():
    white = Image.new("RGB", (400, 300), (255, 255, 255))
    out = mark(white, text="Hello", color="#000000", opacity=0.5, font_size=0.1)
    darkest = min(c[0] for _n, c in out.getcolors(100000))
    assert 120 <= darkest <= 135                               # half-strength black on white


@pytest.mark.parametrize("position, quadrant", [
    ("top-left", 0), ("top-right", 1), ("bottom-left", 2), ("bottom-right", 3)])
def test_nine_positions_with_margin(position, quadrant):
    base = Image.new("RGB", (400, 300), (40, 40, 40))
    out = mark(base, text="WM", position=position, opacity=1.0, margin=0.05)
    counts = quadrant_counts(base, out)
    assert counts[quadrant] > 0 and sum(counts) == counts[quadrant]
    left, top, right, bottom = changed_box(base, out)
    margin = round(0.05 * 300)
    assert min(left, top, 400 - right, 300 - bottom) >= margin - 2  # glyph side bearings may eat a pixel or two


def test_centre_and_tiled():
    base = Image.new("RGB", (400, 300), (40, 40, 40))
    centre = changed_box(base, mark(base, text="WM", position="center", opacity=1.0))
    assert abs((centre[0] + centre[2]) / 2 - 200) < 6 and abs((centre[1] + centre[3]) / 2 - 150) < 6
    counts = quadrant_counts(base, mark(base, text="WM", position="tiled", opacity=1.0))
    assert all(c > 0 for c in counts)                          # tiles cover the whole picture


def test_rotation_turns_the_stamp():
    base = Image.new("RGB", (400, 400), (40, 40, 40))
    flat = changed_box(base, mark(base, text="WATERMARK", position="center", opacity=1.0, rotation=0))
    upright = changed_box(base, mark(base, text="WATERMARK", position="center", opacity=1.0, rotation=90))
    assert flat[2] - flat[0] > 3 * (flat[3] - flat[1])         # wide and low
    assert upright[3] - upright[1] > 3 * (upright[2] - upright[0])  # tall and narrow


def test_long_text_shrinks_to_fit():
    base = Image.new("RGB", (200, 100))
    box = changed_box(base, mark(base, text="a very long watermark line " * 3, font_size=0.3, opacity=1.0))
    assert box[0] >= 0 and box[2] <= 200


def logo_b64(color=(0, 0, 255, 255), size=(40, 20)):
    logo = Image.new("RGBA", size, (0, 0, 0, 0))
    logo.paste(color, (0, 0, size[0] // 2, size[1]))            # left half solid, right half transparent
    return base64.b64encode(encoded(logo, "PNG")).decode()


def test_logo_with_alpha_scale_and_opacity():
    base = Image.new("RGB", (400, 300), (255, 255, 255))
    out = mark(base, logo=logo_b64(), logo_scale=0.5, opacity=1.0, position="top-left", margin=0)
    box = changed_box(base, out)
    assert 75 <= box[2] - box[0] <= 85     # logo 150 px wide (0.5 x 300); its left half is opaque
    assert out.getpixel((10, 10)) == (0, 0, 255)
    assert out.getpixel((120, 10)) == (255, 255, 255)         # the transparent half leaves the picture alone
    half = mark(base, logo=logo_b64(), logo_scale=0.5, opacity=0.5, position="top-left", margin=0)
    assert half.getpixel((10, 10)) == pytest.approx((128, 128, 255), abs=2)


def test_logo_must_be_png():
    jpeg = base64.b64encode(encoded(Image.new("RGB", (8, 8)))).decode()
    result = api.handle("process", encoded(Image.new("RGB", (50, 50))), {"watermark": {"logo": jpeg}}, "x.jpg")
    assert result["error"]["code"] == "bad_options" and "PNG" in result["error"]["message"]


def test_rgba_picture_keeps_its_transparency():
    clear = Image.new("RGBA", (200, 100), (0, 0, 0, 0))
    out = mark(clear, text="WM", opacity=1.0, position="center")
    assert out.mode == "RGBA" and out.getpixel((0, 0))[3] == 0
    assert max(out.getchannel("A").getdata()) == 255


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_every_frame_of_an_animation_is_marked_and_timing_kept(fmt):
    data = animation(frames=4, size=(120, 90), fmt=fmt)
    recipe = {"watermark": {"text": "WM", "color": "#000000", "opacity": 1.0, "position": "bottom-left",
                            "font_size": 0.2}}
    result = api.handle("process", data, recipe, f"anim.{fmt.lower()}")
    assert result["ok"], result
    out = opened(result["data"])
    assert out.n_frames == 4
    durations = []
    for i in range(4):
        out.seek(i)
        frame = out.convert("RGB")                 # loads the frame (WebP sets its duration on load)
        durations.append(out.info["duration"])
        assert sum(min(frame.crop((0, 45, 60, 90)).getdata(), key=sum)) < 100     # dark text drawn
        assert sum(min(frame.crop((60, 0, 120, 45)).getdata(), key=sum)) > 150    # top-right untouched
    assert durations == [100, 120, 140, 160]


def test_jpeg_resized_then_marked_through_the_ycbcr_path():
    """A JPEG bound for JPEG decodes to YCbCr and shrinks luma-first; the watermark still lands in colour."""
    from imagestudio.quality import ssim
    base = Image.new("RGB", (800, 600), (30, 60, 90))
    recipe = {"resize": {"long_edge": 400}, "watermark": {"text": "WM", "color": "#ffff00", "opacity": 1.0,
                                                          "font_size": 0.2, "position": "center"}}
    result = api.handle("process", encoded(base, quality=95), recipe, "photo.jpg")
    assert result["ok"], result
    assert "luma-first YCbCr" in result["report"]["operations"][0]["detail"]
    out = opened(result["data"]).convert("RGB")
    assert out.size == (400, 300)
    r, g, b = max(out.crop((150, 110, 250, 190)).getdata(), key=sum)
    assert r > 220 and g > 220 and b < r - 60                   # yellow text (4:2:0 chroma blurs thin strokes)
    assert out.getpixel((10, 10)) == pytest.approx((30, 60, 90), abs=6)
    lossless = api.handle("process", encoded(base, quality=95), {**recipe, "encode": {"format": "png"}}, "photo.jpg")
    assert ssim(opened(lossless["data"]).convert("RGB"), out) > 0.95  # same picture as the plain RGB path


def test_missing_font_is_a_clear_error(monkeypatch):
    monkeypatch.setattr(watermark, "FONT_DIRS", ["/nonexistent"])
    monkeypatch.setattr(watermark, "_fonts", {})
    result = api.handle("process", encoded(Image.new("RGB", (50, 50))), {"watermark": {"text": "x"}}, "f.jpg")
    assert not result["ok"] and "f.jpg" in result["error"]["message"] and "font" in result["error"]["message"]


def test_in_the_page_the_font_is_asked_for_before_anything_is_decoded(monkeypatch, tmp_path):
    # The engine's wheel carries no font: the worker writes the site's copy where Python says, then runs again.
    monkeypatch.setattr(watermark.page_codecs, "IN_PAGE", True)
    monkeypatch.setattr(watermark, "FONT_DIRS", [tmp_path])
    monkeypatch.setattr(watermark, "PACKAGE_FONTS", tmp_path)
    monkeypatch.setattr(watermark, "_fonts", {})
    damaged = encoded(Image.new("RGB", (50, 50)))[:200]  # would fail as corrupt if it were decoded first
    recipe = {"watermark": {"text": "x"}, "encode": {"format": "png"}}
    error = api.handle("process", damaged, recipe, "f.jpg")["error"]
    assert error["code"] == "needs_file" and error["message"].startswith("f.jpg: ")
    site_copy = Path(__file__).resolve().parents[1] / error["site_path"]
    assert site_copy.is_file() and error["dest"] == str(tmp_path / watermark.FONT_FILE)
    assert api.handle("process", encoded(Image.new("RGB", (50, 50))), {"encode": {"format": "png"}}, "g.jpg")["ok"]
    Path(error["dest"]).write_bytes(site_copy.read_bytes())  # what app/worker.js does
    result = api.handle("process", encoded(Image.new("RGB", (50, 50))), recipe, "f.jpg")
    assert result["ok"], result
