"""The process operation end to end: lossless path when nothing changes pixels, a verified re-encode
otherwise, a report that says what was done, decompression bombs refused before decoding."""

import io
import struct
import zlib

import pytest
from PIL import Image

from imagestudio import api, decode
from imagestudio.encode import writers
from corpus import CORPUS, corpus_files, needs_corpus
from pictures import animation, encoded, gps_photo, opened, photo


def test_no_pixel_step_goes_to_the_lossless_clean():
    data = gps_photo()
    result = api.handle("process", data, {"policy": {"keep_orientation": False}}, "p.jpg")
    clean = api.handle("clean", data, {"policy": {"keep_orientation": False}}, "p.jpg")
    assert result["ok"] and result["data"] == clean["data"] and result["name"] == "p-clean.jpg"
    assert result["report"]["lossless"] is True
    assert result["report"]["operations"] == [{"step": "clean", "detail": "metadata removed losslessly"}]


def test_reencode_report_says_what_was_done():
    data = gps_photo((400, 300), orientation=6)
    result = api.handle("process", data, {"resize": {"long_edge": 200}, "encode": {"quality": 70}}, "IMG_1.jpg")
    assert result["ok"], result
    report = result["report"]
    assert result["name"] == "IMG_1-200px.jpg" and result["mime"] == "image/jpeg"
    assert [s["step"] for s in report["operations"]] == ["orient", "resize", "encode"]
    assert (report["width"], report["height"]) == (150, 200) == opened(result["data"]).size
    assert (report["source_width"], report["source_height"]) == (300, 400)
    assert report["quality"] == 70 and report["bytes_in"] == len(data) and report["bytes_out"] == len(result["data"])
    removed = {f["key"] for f in report["removed"]}
    assert {"gps", "make", "datetime_original", "comment", "trailing_data"} <= removed
    assert report["kept"] == [] and report["summary"]["location"] is True
    assert b"SpyCam" not in result["data"] and b"TRAILING" not in result["data"]
    assert not opened(result["data"]).getexif()                 # upright pixels need no Orientation tag


def test_a_leak_in_the_encoder_is_refused(monkeypatch):
    """Fail closed: if an encoder ever wrote metadata, verify_clean stops the file."""
    real_save = writers.save

    def leaky_save(*args, **kwargs):
        data = real_save(*args, **kwargs)
        with Image.open(io.BytesIO(data)) as im:
            im.load()
            buf = io.BytesIO()
            im.save(buf, "JPEG", comment=b"leaked secret")
            return buf.getvalue()

    monkeypatch.setattr(writers, "save", leaky_save)
    result = api.handle("process", gps_photo(), {"resize": {"long_edge": 20}}, "p.jpg")
    assert not result["ok"] and result["error"]["code"] == "still_dirty" and "p.jpg" in result["error"]["message"]


def png_header_only(width, height) -> bytes:
    """A PNG whose header claims width x height; Pillow opens it without decoding."""
    def chunk(kind, body):
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(b"\x00" * 16))
            + chunk(b"IEND", b""))


@pytest.mark.parametrize("width, height", [(12000, 9000), (40000, 40000)])
def test_decompression_bomb_refused_before_decoding(width, height):
    result = api.handle("process", png_header_only(width, height), {"resize": {"long_edge": 100}}, "bomb.png")
    assert not result["ok"] and result["error"]["code"] == "too_large"
    message = result["error"]["message"]
    assert "bomb.png" in message
    if width * height < 2 * Image.MAX_IMAGE_PIXELS:            # ours fires first; Pillow's own above that
        assert f"{width}x{height}" in message and "108.0 megapixels" in message and "100 megapixels" in message


def test_animation_frames_times_size_guard(monkeypatch):
    monkeypatch.setattr(decode, "MAX_ANIMATION_PIXELS", 10_000)
    result = api.handle("process", animation(frames=4, size=(64, 48)), {"resize": {"percent": 50}}, "a.gif")
    assert result["error"]["code"] == "too_large"
    assert "4 frames of 64x48" in result["error"]["message"] and "a.gif" in result["error"]["message"]


def test_unsupported_and_corrupt_inputs_name_the_file():
    heic = b"\x00\x00\x00\x18ftypheic" + b"\x00" * 20
    for data, name, code in [(heic, "x.heic", "corrupt"), (b"hello", "t.txt", "not_an_image"),
                             (encoded(photo((64, 48)))[:300], "cut.jpg", "corrupt")]:
        result = api.handle("process", data, {"resize": {"long_edge": 10}}, name)
        assert not result["ok"] and result["error"]["code"] == code and name in result["error"]["message"]


CORPUS_SAMPLE = [p for p in corpus_files(".jpg", ".png", ".gif", ".webp", ".tif", ".tiff", ".bmp")
                 if p.name in {"ianare_mobile_jolla.jpg", "pillow_flower2.jpg", "pillow_exif.png", "mat2_dirty.gif",
                               "pillow_flower.webp", "pillow_iss634.webp", "mat2_dirty.tiff", "mat2_dirty.bmp",
                               "pillow_hopper_orientation_6.webp", "pillow_xmp_tags_orientation.png",
                               "pillow_pil_sample_cmyk.jpg"}]


@needs_corpus(CORPUS_SAMPLE)
def test_corpus_share_preset(path):
    """'Share safely' (2048 px, balanced auto quality) on real files of every readable format."""
    from imagestudio.recipe import preset
    data = path.read_bytes()
    result = api.handle("process", data, preset("share").to_dict(), path.name)
    assert result["ok"], result
    report = result["report"]
    out = opened(result["data"])
    assert max(out.size) <= 2048 and (report["width"], report["height"]) == out.size
    assert {f["key"] for f in report["kept"]} <= {"icc_profile"}
    assert report["bytes_out"] == len(result["data"])
    if report["quality"] is not None and report["frames"] == 1:
        assert report["ssim"] >= 0.97
    if "orientation_6" in path.name:
        assert out.size == (128, 128) and report["operations"][0]["step"] == "orient"


@pytest.mark.skipif(not (CORPUS / "pillow_xmp_tags_orientation.png").exists(), reason="no corpus")
def test_xmp_orientation_is_baked_too():
    data = (CORPUS / "pillow_xmp_tags_orientation.png").read_bytes()   # 326x268, XMP tiff:Orientation=3
    result = api.handle("process", data, {"encode": {"format": "png"}}, "x.png")
    with Image.open(CORPUS / "pillow_xmp_tags_orientation.png") as im:
        upside_down = im.convert("RGB").transpose(Image.Transpose.ROTATE_180)
    assert opened(result["data"]).convert("RGB").tobytes() == upside_down.tobytes()


@pytest.mark.skipif(not (CORPUS / "pillow_sugarshack.mpo").exists(), reason="no corpus")
def test_multi_picture_jpeg_keeps_the_first_picture_and_says_so():
    data = (CORPUS / "pillow_sugarshack.mpo").read_bytes()
    result = api.handle("process", data, {"resize": {"long_edge": 320}}, "stereo.mpo")
    assert result["ok"], result
    assert result["report"]["frames"] == 1 and opened(result["data"]).size == (320, 240)
    assert any("only the first was kept" in note for note in result["report"]["notes"])


# --- property: any valid recipe on any readable input gives a result or a typed error, never a crash ------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from imagestudio.recipe import ANCHORS, ASPECTS, FITS, FORMATS, POSITIONS, SUBSAMPLING  # noqa: E402

_sections = {
    "crop": st.fixed_dictionaries({}, optional={"aspect": st.sampled_from(list(ASPECTS)),
                                                "anchor": st.sampled_from(ANCHORS)}),
    "resize": st.one_of(st.fixed_dictionaries({"long_edge": st.integers(1, 120)}),
                        st.fixed_dictionaries({"percent": st.floats(5, 150)}),
                        st.fixed_dictionaries({"width": st.integers(1, 120), "height": st.integers(1, 120),
                                               "fit": st.sampled_from(FITS), "upscale": st.booleans()})),
    "watermark": st.fixed_dictionaries({"text": st.text(min_size=1, max_size=12)},
                                       optional={"position": st.sampled_from(POSITIONS),
                                                 "opacity": st.floats(0, 1), "rotation": st.floats(-360, 360),
                                                 "font_size": st.floats(0.005, 1)}),
    "encode": st.fixed_dictionaries({}, optional={
        "format": st.sampled_from(FORMATS), "quality": st.integers(1, 100), "target_kb": st.floats(1, 50),
        "progressive": st.booleans(), "subsampling": st.sampled_from(SUBSAMPLING), "lossless": st.booleans(),
        "colors": st.integers(2, 256), "dither": st.booleans()}),
}
_valid_recipes = st.fixed_dictionaries({}, optional=_sections)
_INPUTS = {"p.jpg": gps_photo((60, 40), orientation=6), "a.gif": animation(frames=3, size=(30, 20)),
           "t.png": encoded(Image.new("RGBA", (30, 20), (255, 0, 0, 90)), "PNG"),
           "w.webp": encoded(photo((40, 30)), "WEBP")}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_valid_recipes, st.sampled_from(sorted(_INPUTS)))
def test_any_valid_recipe_gives_a_result_or_a_typed_error(recipe, name):
    result = api.handle("process", _INPUTS[name], recipe, name)
    if result["ok"]:
        assert opened(result["data"]).size == (result["report"].get("width") or opened(result["data"]).size[0],
                                               result["report"].get("height") or opened(result["data"]).size[1])
    else:
        assert result["error"]["code"] != "internal", result
        assert name in result["error"]["message"]


def test_report_ssim_measures_fixed_quality_and_never_changes_the_bytes():
    from pictures import encoded, photo
    data = encoded(photo((400, 300)), "PNG")
    plain = api.handle("process", data, {"encode": {"format": "jpeg", "quality": 30}}, "p.png")
    measured = api.handle("process", data, {"encode": {"format": "jpeg", "quality": 30}, "report": {"ssim": True}},
                          "p.png")
    assert plain["report"]["ssim"] is None
    assert measured["data"] == plain["data"]
    low = measured["report"]["ssim"]
    high = api.handle("process", data, {"encode": {"format": "jpeg", "quality": 95}, "report": {"ssim": True}},
                      "p.png")["report"]["ssim"]
    assert 0.3 < low < high <= 1.0
    lossless = api.handle("process", data, {"encode": {"format": "png"}, "report": {"ssim": True}}, "p.png")
    assert lossless["report"]["ssim"] is None  # nothing lost, nothing to measure
    assert api.handle("process", data, {"report": {"ssim": "yes"}}, "p.png")["error"]["code"] == "bad_options"


def _small_jpeg(quality: int) -> bytes:
    return encoded(photo((320, 240)), "JPEG", quality=quality)


def test_a_re_encode_that_only_grows_the_file_keeps_the_original():
    source = _small_jpeg(40)
    result = api.handle("process", source, {"encode": {"quality": 95}}, "small.jpg")
    assert result["ok"] and result["report"]["lossless"] is True
    assert any("Kept the original picture" in note and "larger" in note for note in result["report"]["notes"])
    assert opened(result["data"]).tobytes() == opened(source).tobytes()  # the original's pixels
    assert len(result["data"]) <= len(source)


def test_a_forced_format_stays_even_when_larger_and_says_so():
    source = _small_jpeg(40)
    result = api.handle("process", source, {"encode": {"format": "jpeg", "quality": 95}}, "small.jpg")
    assert result["ok"] and result["report"]["lossless"] is False
    assert result["report"]["bytes_out"] > result["report"]["bytes_in"]
    assert any("larger than the original" in note and "JPEG" in note for note in result["report"]["notes"])


def test_a_real_change_of_the_pixels_is_never_swapped_for_the_original():
    source = _small_jpeg(40)
    result = api.handle("process", source, {"resize": {"long_edge": 300}, "encode": {"quality": 95}}, "small.jpg")
    assert result["ok"] and result["report"]["lossless"] is False and max(opened(result["data"]).size) == 300
