"""HEIC in the page: a lossless clean that stays .heic, and "Share safely" through the page's HEIC decoder
(libheif in WebAssembly, loaded only then), checked with exiftool and pillow-heif."""

import io
from pathlib import Path

import pytest
from conftest import wait_engine_ready
from PIL import Image, ImageChops, ImageStat
from corpus import exiftool_tags
from studio_helpers import card, download_card, pick

pillow_heif = pytest.importorskip("pillow_heif")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
IPHONE = CORPUS / "ianare_IMG_5195.HEIC"  # an iPhone photo with GPS, a grid of 48 tiles, Display P3


def turned_iphone_photo() -> bytes:
    """The iPhone photo with its 'irot' property set to a quarter turn: libheif shows it turned (3313 x 2566)."""
    data = IPHONE.read_bytes()
    irot = b"\x00\x00\x00\x09irot\x00"
    assert data.count(irot) == 1
    return data.replace(irot, irot[:-1] + b"\x01")


@pytest.mark.skipif(not IPHONE.exists(), reason="no corpus")
def test_remove_private_data_keeps_a_clean_heic(page, tmp_path):
    original = IPHONE.read_bytes()
    wait_engine_ready(page)
    pick(page, tmp_path, {"IMG_5195.HEIC": original})
    name, data = download_card(page, "IMG_5195.HEIC")
    assert name == "IMG_5195-clean.heic"
    tags = exiftool_tags(data, tmp_path)
    words = ("GPS", "Make", "Model", "Serial", "DateTimeOriginal", "XMP")
    private = [k for k in tags if any(w in k for w in words) and not k.startswith("ICC")]  # profile header fields
    assert not private and tags["File:FileType"] == "HEIC"
    before = pillow_heif.open_heif(io.BytesIO(original)).to_pillow()
    after = pillow_heif.open_heif(io.BytesIO(data)).to_pillow()
    assert after.size == before.size and after.tobytes() == before.tobytes()
    assert "pixels untouched" in card(page, "IMG_5195.HEIC").inner_text()


@pytest.mark.skipif(not IPHONE.exists(), reason="no corpus")
def test_share_safely_gives_an_upright_jpeg_with_its_colours_and_no_metadata(page, tmp_path):
    original = turned_iphone_photo()
    wait_engine_ready(page)
    page.get_by_role("radio", name="Share safely").check()
    pick(page, tmp_path, {"turned.heic": original})  # the chosen recipe runs on each file as it arrives
    name, data = download_card(page, "turned.heic")
    assert name.endswith(".jpg")
    out = Image.open(io.BytesIO(data))
    decoded = pillow_heif.open_heif(io.BytesIO(original)).to_pillow()
    assert decoded.size == (3313, 2566) and out.format == "JPEG" and out.size == (2048, 1586), "turned by 'irot'"
    want = decoded.resize(out.size, Image.Resampling.LANCZOS).convert("RGB")
    if not out.info.get("icc_profile"):  # Display P3 converted to sRGB
        from PIL import ImageCms
        p3 = ImageCms.ImageCmsProfile(io.BytesIO(decoded.info["icc_profile"]))
        want = ImageCms.profileToProfile(want, p3, ImageCms.createProfile("sRGB"))
    assert max(ImageStat.Stat(ImageChops.difference(out.convert("RGB"), want)).mean) < 3
    tags = exiftool_tags(data, tmp_path)
    assert not [k for k in tags if k.startswith(("GPS", "IFD0:Make", "XMP", "ExifIFD"))]
