"""Encode: formats, alpha, palettes, ICC, no metadata, target size met or refused, auto quality floors."""

import dataclasses
import io

import pytest
from PIL import Image, ImageDraw

from imagestudio import api, encode, icc_profile, quality
from imagestudio.encode import jpeg_tables, search
from imagestudio.recipe import AUTO_QUALITY, Encode
from corpus import CORPUS
from pictures import animation, encoded, gps_photo, opened, photo

MAGIC = {"jpeg": b"\xff\xd8\xff", "png": b"\x89PNG", "webp": b"RIFF", "gif": b"GIF8"}


def run(data, name="in.png", **sections):
    result = api.handle("process", data, sections, name)
    assert result["ok"], result
    return result


def logo_picture():
    """RGBA: a half-transparent red disc on a fully transparent square."""
    im = Image.new("RGBA", (80, 80), (0, 0, 0, 0))
    ImageDraw.Draw(im).ellipse((10, 10, 70, 70), fill=(255, 0, 0, 128))
    return im


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_formats_and_names(fmt):
    result = run(encoded(photo((64, 48)), "PNG"), "shot.png", encode={"format": fmt})
    assert result["data"].startswith(MAGIC[fmt]) and result["mime"] == f"image/{fmt}"
    ext = encode.WRITERS[fmt].extension
    assert result["name"] == ("shot-optimized.png" if fmt == "png" else f"shot-q80.{ext}")
    assert opened(result["data"]).size == (64, 48)


@pytest.mark.parametrize("source, fmt", [("GIF", "png"), ("BMP", "png"), ("TIFF", "png"), ("PNG", "png")])
def test_keep_writes_readable_lossless_formats(source, fmt):
    im = photo((40, 30)).quantize(64).convert("RGB") if source == "GIF" else photo((40, 30))
    result = run(encoded(im, source), f"x.{source.lower()}", resize={"long_edge": 20})
    assert result["report"]["format"] == ("gif" if source == "GIF" else fmt)
    assert opened(result["data"]).size == (20, 15)


def test_alpha_flattened_onto_the_background_for_jpeg():
    result = run(encoded(logo_picture(), "PNG"), encode={"format": "jpeg", "background": "#0000ff", "quality": 95})
    out = opened(result["data"])
    assert out.mode == "RGB"
    assert out.getpixel((2, 2)) == pytest.approx((0, 0, 255), abs=6)          # transparent -> background
    assert out.getpixel((40, 40)) == pytest.approx((128, 0, 127), abs=8)       # half red over blue


@pytest.mark.parametrize("fmt", ["png", "webp"])
def test_alpha_kept_where_the_format_has_it(fmt):
    source = logo_picture()
    result = run(encoded(source, "PNG"), encode={"format": fmt, "lossless": fmt == "webp"})
    out = opened(result["data"]).convert("RGBA")
    assert out.getpixel((2, 2))[3] == 0 and out.getpixel((40, 40))[3] == 128
    assert out.tobytes() == source.tobytes()


def test_png_lossless_optimisation_is_exact_and_smaller():
    """A screenshot-like picture with few colours is written as a palette PNG, pixel for pixel."""
    shot = Image.new("RGB", (300, 200), (250, 250, 250))
    draw = ImageDraw.Draw(shot)
    for i in range(12):
        draw.rectangle((10 + i * 20, 20, 25 + i * 20, 180), fill=(i * 20, 100, 200 - i * 10))
    data = encoded(shot, "PNG", compress_level=1)
    result = run(data, encode={"format": "png"})
    out = opened(result["data"])
    assert out.mode == "P" and out.convert("RGB").tobytes() == shot.tobytes()
    assert len(result["data"]) < len(data)


def test_png_palette_written_at_level_9():
    """A corpus graphic (three colours, 2400x2000) becomes a palette PNG at zlib level 9: pixels exact, and at most
    0.6x the bytes the level-6 writer made for the same palette picture (0.48x measured)."""
    path = CORPUS / "pillow_itxt_chunks.png"
    if not path.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    with Image.open(path) as im:
        source = im.convert("RGB")
    result = run(path.read_bytes(), "graphic.png", encode={"format": "png"})
    out = opened(result["data"])
    assert out.mode == "P" and out.convert("RGB").tobytes() == source.tobytes()
    level6 = io.BytesIO()
    out.save(level6, "PNG", compress_level=6)
    assert len(result["data"]) <= 0.6 * len(level6.getvalue())
    assert encode.writers.png_compress_level("RGB") == 6  # truecolour keeps the faster default


@pytest.mark.parametrize("colors, dither", [(16, True), (16, False), (4, False)])
def test_png_palette_reduction(colors, dither):
    source = photo((160, 120))
    result = run(encoded(source, "PNG"), encode={"format": "png", "colors": colors, "dither": dither})
    out = opened(result["data"])
    assert out.mode == "P" and len(out.convert("RGB").getcolors(1000)) <= colors
    assert quality.ssim(source, out.convert("RGB")) > 0.5
    assert result["name"] == "in-optimized.png"


def test_webp_lossless_is_exact():
    source = photo((64, 48))
    out = opened(run(encoded(source, "PNG"), encode={"format": "webp", "lossless": True})["data"])
    assert out.convert("RGB").tobytes() == source.tobytes()


def test_jpeg_encoder_options_apply():
    source = encoded(photo((256, 192)), "PNG")
    prog = opened(run(source, encode={"format": "jpeg", "progressive": True})["data"])
    assert prog.info.get("progressive") == 1
    from PIL import JpegImagePlugin
    full = opened(run(source, encode={"format": "jpeg", "subsampling": "4:4:4"})["data"])
    assert JpegImagePlugin.get_sampling(full) == 0
    assert JpegImagePlugin.get_sampling(opened(run(source, encode={"format": "jpeg"})["data"])) == 2


def test_reencode_keeps_no_metadata_but_an_rgb_icc_profile():
    icc = icc_profile.canonical_copy("sRGB")
    data = gps_photo((96, 64), orientation=6)
    with Image.open(io.BytesIO(data)) as im:
        with_icc = encoded(im, "JPEG", exif=im.info["exif"], icc_profile=icc, quality=90)
    result = run(with_icc, "p.jpg", resize={"long_edge": 48})
    report = result["report"]
    assert {f["key"] for f in report["kept"]} <= {"icc_profile"}
    removed = {f["key"] for f in report["removed"]}
    assert {"gps", "make"} <= removed and "icc_profile" not in removed
    out = opened(result["data"])
    assert out.size == (32, 48)                                # orientation 6 baked in
    assert out.info.get("icc_profile") == icc and not out.getexif()
    dropped = run(with_icc, "p.jpg", resize={"long_edge": 48}, policy={"keep_icc": False})
    assert "icc_profile" not in opened(dropped["data"]).info


def test_cmyk_profile_is_not_put_on_rgb_pixels():
    cmyk = Image.new("CMYK", (32, 32), (0, 255, 255, 0))
    header = b"\x00" * 8 + b"\x02\x10\x00\x00prtrCMYKLab " + b"\x00" * 12 + b"acsp" + b"\x00" * 88
    data = encoded(cmyk, "JPEG", icc_profile=icc_profile.build(header, {b"wtpt": b"XYZ " + b"\x00" * 16}))
    result = run(data, "c.jpg", encode={"format": "png"})
    assert result["name"] == "c-converted.png"
    assert "icc_profile" not in opened(result["data"]).info
    assert any("colour profile was dropped" in n for n in result["report"]["notes"])


# --- target size -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, kb", [("jpeg", 20), ("webp", 12), ("jpeg", 4)])
def test_target_size_met_with_the_highest_quality_that_fits(fmt, kb):
    data = encoded(photo((640, 480), seed=5), quality=95)
    result = run(data, "t.jpg", encode={"format": fmt, "target_kb": kb})
    assert len(result["data"]) <= kb * 1024
    q = result["report"]["quality"]
    if q < search.TARGET_MAX_QUALITY and result["report"]["width"] == 640:
        one_up = encode.save([opened(data).convert("RGB")],
                             encode.Settings.from_recipe(Encode(format=fmt), fmt, q + 1))
        assert len(one_up) > kb * 1024                         # the next quality up would not fit
    if kb == 4:
        assert result["report"]["width"] < 640 and any("shrunk" in n for n in result["report"]["notes"])


def test_target_size_refused_honestly():
    data = encoded(photo((640, 480)), quality=95)
    result = api.handle("process", data, {"encode": {"target_kb": 1, "format": "png"}}, "big.jpg")
    assert not result["ok"] and result["error"]["code"] == "target_not_met"
    message = result["error"]["message"]
    assert "big.jpg" in message and "1 KB" in message and "smallest" in message


def test_target_size_does_not_apply_to_animations():
    result = api.handle("process", animation(), {"encode": {"target_kb": 50}}, "a.gif")
    assert not result["ok"] and "animations" in result["error"]["message"] and "a.gif" in result["error"]["message"]


# --- auto quality -------------------------------------------------------------------------------------------

@pytest.mark.parametrize("level", ["visually_lossless", "balanced", "small"])
def test_auto_quality_meets_its_ssim_floor_with_the_lowest_quality(level):
    source = photo((480, 360), seed=9)
    result = run(encoded(source, "PNG"), encode={"format": "jpeg", "auto_quality": level})
    report = result["report"]
    floor = AUTO_QUALITY[level]
    assert report["ssim"] >= floor
    assert quality.ssim(source, opened(result["data"])) >= floor - 1e-3
    q = report["quality"]
    steps = search.AUTO_QUALITIES
    if q > steps[0]:
        lower_settings = encode.Settings.from_recipe(Encode(), "jpeg", steps[steps.index(q) - 1])
        tuned = dataclasses.replace(lower_settings, tables=jpeg_tables.JPEG_CHOSEN_QUALITY_TABLES)
        lower = encode.save([source], tuned)
        assert quality.ssim(source, opened(lower)) < floor      # one step lower would fall short


def test_auto_quality_differs_per_picture():
    flat = Image.new("RGB", (320, 240), (90, 120, 150))
    ImageDraw.Draw(flat).ellipse((60, 40, 260, 200), fill=(200, 180, 40))
    busy = photo((320, 240), seed=2)
    q = [run(encoded(im, "PNG"), encode={"format": "jpeg", "auto_quality": "balanced"})["report"]["quality"]
         for im in (flat, busy)]
    assert q[0] < q[1]


def test_auto_quality_on_lossless_output_says_it_does_not_apply():
    result = run(encoded(photo((64, 48)), "PNG"), encode={"format": "png", "auto_quality": "small"})
    assert any("does not apply" in n for n in result["report"]["notes"])


@pytest.mark.parametrize("fmt", ["GIF", "WEBP"])
def test_animation_resized_keeps_frames_and_timing(fmt):
    data = animation(frames=5, size=(80, 60), fmt=fmt, durations=[50, 60, 70, 80, 90])
    result = run(data, f"a.{fmt.lower()}", resize={"percent": 50})
    out = opened(result["data"])
    assert out.format == fmt and out.n_frames == 5 and out.size == (40, 30)
    durations = []
    for i in range(5):
        out.seek(i)
        out.load()
        durations.append(out.info["duration"])
    assert durations == [50, 60, 70, 80, 90]
    assert result["report"]["frames"] == 5


def test_animation_to_jpeg_keeps_the_first_frame_and_says_so():
    result = run(animation(frames=3, size=(40, 30)), "a.gif", encode={"format": "jpeg"})
    out = opened(result["data"])
    assert out.format == "JPEG" and result["report"]["frames"] == 1
    assert out.getpixel((30, 25)) == pytest.approx((200, 30, 30), abs=12)   # frame 1 is red
    assert any("only the first frame" in n for n in result["report"]["notes"])


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_copyright_kept_only_when_the_policy_says_so(fmt):
    exif = Image.Exif()
    exif[0x8298] = "(c) Jane Doe"
    exif[0x010F] = "SpyCam"
    data = encoded(photo((64, 48)), "JPEG", exif=exif.tobytes())
    kept = run(data, "c.jpg", resize={"long_edge": 32}, encode={"format": fmt}, policy={"keep_copyright": True})
    out = opened(kept["data"]).getexif()
    assert out.get(0x8298) == "(c) Jane Doe" and 0x010F not in out
    assert [f["key"] for f in kept["report"]["kept"]] == ["copyright"]
    assert "copyright" not in {f["key"] for f in kept["report"]["removed"]}
    dropped = run(data, "c.jpg", resize={"long_edge": 32}, encode={"format": fmt})
    assert not opened(dropped["data"]).getexif()
    assert "copyright" in {f["key"] for f in dropped["report"]["removed"]}
