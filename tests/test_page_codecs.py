"""The engine's side of the page's WebAssembly codecs, in plain CPython: what it asks the page for and when, and the
metadata Python adds to MozJPEG's output. The codecs themselves run in tests/e2e/test_codecs.py."""

import io

import pytest
from PIL import Image

from imagestudio import api
from imagestudio.encode import mozjpeg, page_codecs, writers
from imagestudio.readers import exif as exif_reader
from pictures import encoded, gps_photo, photo


@pytest.fixture
def in_page(monkeypatch):
    """The engine as it runs in the worker before any codec is loaded (no imagestudio_codecs module)."""
    monkeypatch.setattr(page_codecs, "IN_PAGE", True)


@pytest.mark.parametrize("recipe, codec", [({"encode": {"format": "avif"}}, "avif"),
                                           ({"encode": {"format": "jpeg", "quality": 80}}, "mozjpeg"),
                                           ({"resize": {"long_edge": 50}, "encode": {"format": "jpeg"}}, "mozjpeg")])
def test_in_the_page_a_missing_codec_is_asked_for_before_anything_is_decoded(in_page, recipe, codec):
    damaged = gps_photo()[:200]  # would fail as corrupt if it were decoded first
    result = api.handle("process", damaged, recipe, "a.jpg")
    assert result["ok"] is False
    assert result["error"]["code"] == "needs_codec" and result["error"]["codec"] == codec
    assert result["error"]["message"].startswith("a.jpg: ")


def test_in_the_page_4_2_2_jpeg_and_other_formats_need_no_codec(in_page):
    assert writers.encoder(writers.Settings(format="jpeg", subsampling="4:2:2")) == "Pillow"
    for recipe in ({"encode": {"format": "jpeg", "subsampling": "4:2:2"}}, {"encode": {"format": "webp"}}, {}):
        assert api.handle("process", gps_photo(), recipe, "a.jpg")["ok"], recipe


def test_natively_jpeg_is_pillows_and_says_so():
    result = api.handle("process", gps_photo(), {"encode": {"format": "jpeg", "quality": 70}}, "a.jpg")
    assert result["report"]["operations"][-1]["detail"] == "JPEG quality 70"


def test_mozjpeg_options_follow_the_recipe():
    options = mozjpeg.options(62, "4:4:4", grey=False)
    assert options["quality"] == 62 and options["chroma_subsample"] == 1 and options["auto_subsample"] is False
    assert options["progressive"] and options["optimize_coding"]
    assert mozjpeg.options(80, "4:2:0", grey=True)["color_space"] == mozjpeg.JCS_GRAYSCALE


@pytest.mark.parametrize("profile_size", [600, 150_000])  # one APP2 segment, and three
def test_metadata_added_to_an_encoders_jpeg_is_read_back_by_pillow(profile_size):
    plain = encoded(photo((64, 48)), quality=80)  # JFIF APP0, no metadata: like MozJPEG's output
    profile = bytes(range(256)) * (profile_size // 256) + b"end"
    exif = b"Exif\x00\x00" + exif_reader.minimal(1, b"(c) Jane Doe", b"2024:01:02 10:11:12")
    out = mozjpeg.with_segments(plain, profile, exif)
    with Image.open(io.BytesIO(out)) as im:
        im.load()
        assert im.info["icc_profile"] == profile
        assert im.getexif()[0x8298] == "(c) Jane Doe"
        assert im.tobytes() == Image.open(io.BytesIO(plain)).tobytes()  # the picture untouched
    assert mozjpeg.with_segments(plain, None, None) == plain


def test_metadata_is_never_added_to_something_that_is_not_a_jpeg():
    with pytest.raises(ValueError):
        mozjpeg.with_segments(b"\x89PNG\r\n\x1a\n", b"profile", None)
