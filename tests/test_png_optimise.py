"""The PNG option OxiPNG (encode.oxipng): smaller PNGs, identical pixels, kept metadata still there, clear errors."""

import importlib.util

import pytest

from imagestudio import api
from imagestudio.encode import png_optimise
from imagestudio.errors import UnsupportedFormat
from corpus import CORPUS, all_frames
from pictures import encoded, photo, srgb_profile

OXIPNG = {"format": "png", "oxipng": True}


def processed(data: bytes, name: str, encode: dict, **sections) -> dict:
    result = api.handle("process", data, {"encode": encode, **sections}, name)
    assert result["ok"], result
    return result


@pytest.mark.parametrize("name", ["pillow_multiple_comments.gif", "pillow_itxt_chunks.png",
                                  "pillow_hopper_bad_exif.jpg"])
def test_corpus_graphic_is_smaller_with_the_same_frames(name):
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    plain = processed(path.read_bytes(), name, {"format": "png"})
    small = processed(path.read_bytes(), name, OXIPNG)
    assert len(small["data"]) < len(plain["data"])
    assert all_frames(small["data"]) == all_frames(plain["data"])
    assert small["report"]["operations"][-1]["step"] == "oxipng"
    assert "pixels identical" in small["report"]["operations"][-1]["detail"]


def test_kept_colour_profile_survives_oxipng():
    source = encoded(photo((120, 80)), "PNG", icc_profile=srgb_profile())
    small = processed(source, "p.png", OXIPNG)
    assert any(f["key"] == "icc_profile" for f in small["report"]["kept"])


def test_oxipng_alone_does_not_reencode_a_clean():
    result = processed(encoded(photo((64, 48)), "JPEG"), "x.jpg", {"oxipng": True})
    assert result["report"]["lossless"] and result["mime"] == "image/jpeg"


def test_natively_without_the_package_the_file_says_how_to_get_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "oxipng" else real(name, *a))
    with pytest.raises(UnsupportedFormat, match="pip install pyoxipng==9.1.1"):
        png_optimise.optimise(encoded(photo((16, 16)), "PNG"), "x.png")
