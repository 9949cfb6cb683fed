"""Crop: aspect boxes centred (or anchored), explicit boxes in upright pixels, clear errors."""

import pytest
from PIL import Image

from imagestudio import api
from imagestudio.errors import BadOptions
from imagestudio.ops import crop
from imagestudio.recipe import Crop
from corpus import CORPUS
from pictures import encoded, gps_photo, opened, photo


@pytest.mark.parametrize("aspect, size, expected", [
    ("1:1", (400, 300), (300, 300)),
    ("16:9", (400, 300), (400, 225)),
    ("9:16", (400, 300), (169, 300)),
    ("4:3", (400, 300), (400, 300)),
    ("3:2", (300, 400), (300, 200)),
    ("7:5", (700, 700), (700, 500)),
])
def test_aspect_crop_sizes(aspect, size, expected):
    box = crop.region(size, Crop(aspect=aspect))
    assert (box[2] - box[0], box[3] - box[1]) == expected


def test_aspect_crop_is_centred_unless_anchored():
    assert crop.region((400, 300), Crop(aspect="1:1")) == (50, 0, 350, 300)
    assert crop.region((400, 300), Crop(aspect="1:1", anchor="left")) == (0, 0, 300, 300)
    assert crop.region((400, 300), Crop(aspect="1:1", anchor="bottom-right")) == (100, 0, 400, 300)
    assert crop.region((300, 400), Crop(aspect="1:1", anchor="top")) == (0, 0, 300, 300)
    assert crop.region((400, 300), Crop()) is None


def test_box_crop_keeps_those_pixels():
    im = photo((120, 90))
    out = crop.apply(im, Crop(box=(10, 20, 60, 50)))
    assert out.size == (50, 30)
    assert out.tobytes() == im.crop((10, 20, 60, 50)).tobytes()


def test_box_outside_the_picture_is_a_clear_error():
    with pytest.raises(BadOptions) as err:
        crop.apply(photo((120, 90)), Crop(box=(0, 0, 121, 90)), "cat.png")
    assert "cat.png" in err.value.message and "120x90" in err.value.message
    result = api.handle("process", encoded(photo((120, 90))), {"crop": {"box": [100, 0, 200, 50]}}, "cat.jpg")
    assert result["error"]["code"] == "bad_options" and "cat.jpg" in result["error"]["message"]


def test_box_is_in_upright_pixels():
    """Orientation 6 stores a 96x64 picture that shows as 64x96: the box refers to what people see."""
    data = gps_photo((96, 64), orientation=6)
    result = api.handle("process", data, {"crop": {"box": [0, 0, 64, 90]}, "encode": {"format": "png"}}, "p.jpg")
    assert result["ok"], result
    assert opened(result["data"]).size == (64, 90)
    too_tall = api.handle("process", data, {"crop": {"box": [0, 0, 90, 64]}}, "p.jpg")
    assert not too_tall["ok"] and "64x96" in too_tall["error"]["message"]


@pytest.mark.skipif(not (CORPUS / "ianare_orientation_landscape_2.jpg").exists(), reason="no corpus")
def test_corpus_orientation_then_crop():
    data = (CORPUS / "ianare_orientation_landscape_6.jpg").read_bytes()  # stored 450x600, shown 600x450
    result = api.handle("process", data, {"crop": {"aspect": "16:9"}}, "landscape_6.jpg")
    assert result["ok"]
    assert opened(result["data"]).size == (600, 338)
    assert result["name"] == "landscape_6-16x9.jpg"
    steps = [s["step"] for s in result["report"]["operations"]]
    assert steps == ["orient", "crop", "encode"]
    reference = (Image.open(CORPUS / "ianare_orientation_landscape_2.jpg").transpose(Image.Transpose.FLIP_LEFT_RIGHT)
                 .convert("RGB").crop((0, 56, 600, 394)))
    from imagestudio.quality import ssim
    assert ssim(reference, opened(result["data"]).convert("RGB")) > 0.9  # same view as the upright original


def test_quarter_turns_are_clockwise_after_the_crop():
    im = Image.new("RGB", (40, 20), "white")
    im.putpixel((0, 0), (255, 0, 0))  # top-left marker
    turned = crop.apply(im, Crop(rotate=90))
    assert turned.size == (20, 40)
    assert turned.getpixel((19, 0)) == (255, 0, 0)  # clockwise: top-left goes to top-right
    assert crop.apply(im, Crop(rotate=270)).getpixel((0, 39)) == (255, 0, 0)
    assert crop.apply(im, Crop(rotate=180)).getpixel((39, 19)) == (255, 0, 0)
    boxed = crop.apply(im, Crop(box=(0, 0, 10, 20), rotate=90))
    assert boxed.size == (20, 10) and boxed.getpixel((19, 0)) == (255, 0, 0)
    assert crop.cropped_size((40, 20), Crop(box=(0, 0, 10, 20), rotate=90)) == (20, 10)


def test_rotation_through_process_with_resize_and_bad_values():
    data = encoded(photo((120, 60)), "PNG")
    result = api.handle("process", data, {"crop": {"rotate": 90}, "resize": {"long_edge": 60}}, "turn.png")
    assert result["ok"], result
    assert opened(result["data"]).size == (30, 60)
    assert result["name"] == "turn-rot90-60px.png"
    assert "turned 90° clockwise" in result["report"]["operations"][0]["detail"]
    bad = api.handle("process", data, {"crop": {"rotate": 45}}, "turn.png")
    assert bad["error"]["code"] == "bad_options" and "crop.rotate" in bad["error"]["message"]
    assert "turn.png" in bad["error"]["message"]
