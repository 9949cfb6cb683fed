"""The card's thumbnail (thumbnails.py): made from a reduced decode, upright, small, with no metadata."""

import io

import pytest
from PIL import Image

from imagestudio import api, thumbnails
from corpus import corpus_files, needs_corpus
from pictures import camera_photo, dirty_png, gps_photo


def _thumb(data: bytes, name: str = "IMG_0001.jpg") -> tuple[Image.Image, dict]:
    result = api.handle("inspect", data, {"thumbnail": True}, name)
    assert result["ok"] and result["mime"] == "image/jpeg", result
    picture = Image.open(io.BytesIO(result["data"]))
    picture.load()
    return picture, result["report"]


def test_a_big_photo_gets_a_small_upright_thumbnail_without_metadata():
    data = camera_photo(size=(4000, 3000))
    picture, report = _thumb(data)
    assert max(picture.size) == thumbnails.EDGE and picture.size == (320, 240)
    assert report["upright"] == [4000, 3000]
    assert not picture.info.get("exif") and not picture.getexif()
    assert report["findings"]  # the report itself is the one inspect always gives


def test_the_thumbnail_is_turned_upright_like_the_output():
    data = gps_photo(size=(96, 64), orientation=6)
    picture, report = _thumb(data)
    assert picture.width < picture.height and report["upright"] == [64, 96]


def test_a_transparent_png_is_shown_on_white():
    picture, _ = _thumb(dirty_png(), "logo.png")
    assert picture.mode == "RGB"


def test_without_the_option_inspect_returns_no_bytes_and_unknown_options_are_refused():
    data = gps_photo()
    assert api.handle("inspect", data, {}, "a.jpg")["data"] is None
    refused = api.handle("inspect", data, {"thumb": 1}, "a.jpg")
    assert not refused["ok"] and "a.jpg" in refused["error"]["message"]


def test_damaged_pixels_keep_the_report_and_give_no_thumbnail():
    data = camera_photo(size=(640, 480))
    cut = data[: len(data) // 3]
    result = api.handle("inspect", cut, {"thumbnail": True}, "cut.jpg")
    assert result["ok"] and result["report"]["findings"]
    assert result["data"] is None or Image.open(io.BytesIO(result["data"])).size[0] <= thumbnails.EDGE


@needs_corpus(corpus_files(".jpg", ".jpeg", ".png", ".heic", ".webp")[::6])
def test_corpus_pictures_get_thumbnails_of_their_own_shape(path):
    result = api.handle("inspect", path.read_bytes(), {"thumbnail": True}, path.name)
    assert result["ok"], result
    if result["data"] is None:
        pytest.skip(f"{path.name}: pixels not readable here")
    picture = Image.open(io.BytesIO(result["data"]))
    width, height = result["report"]["upright"]
    assert max(picture.size) <= thumbnails.EDGE
    assert abs(picture.width / picture.height - width / height) < 0.05
