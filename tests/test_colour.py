"""Conversion to sRGB without LittleCMS (Pillow's Color3DLUT), measured against LittleCMS natively (ImageCms)."""

import io
import random
import struct

import pytest
from PIL import Image, ImageCms, ImageFile

from colour_difference import delta_e
from corpus import needs_corpus, profiled_files
from imagestudio import api, colour, icc_profile
from pictures import encoded, opened

SRGB = ImageCms.createProfile("sRGB")


def lcms(im: Image.Image, profile: bytes) -> Image.Image:
    return ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB")


def noise(size: int = 96) -> Image.Image:
    rng = random.Random(7)
    return Image.frombytes("RGB", (size, size), bytes(rng.randrange(256) for _ in range(size * size * 3)))


def ramps() -> Image.Image:
    """Every level of each primary and of grey, light to dark: where tone-curve errors show."""
    im = Image.new("RGB", (256, 4))
    im.putdata([tuple(v if c == row or row == 3 else 0 for c in range(3)) for row in range(4) for v in range(256)])
    return im


@pytest.mark.parametrize("space", [s.name for s in icc_profile.WELL_KNOWN])
@pytest.mark.parametrize("picture", [noise, ramps])
def test_well_known_spaces_convert_like_littlecms(space, picture):
    profile = icc_profile.canonical_copy(space)
    error = delta_e(lcms(picture(), profile), colour.to_srgb(picture(), profile))
    assert error.mean() <= 1.0 and error.max() <= 3.0, (error.mean(), error.max())


PROFILED = profiled_files()


@needs_corpus(PROFILED)
def test_corpus_photos_convert_like_littlecms(path, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    with Image.open(path) as im:
        profile = im.info["icc_profile"]
        picture = im.convert("RGB")
        picture.thumbnail((320, 320))  # every colour the photo has, at a size numpy measures quickly
    converted = colour.to_srgb(picture, profile)
    if not icc_profile.canonical(profile).convertible:
        assert converted is None  # a LUT-based profile: kept canonical instead (below)
        return
    assert delta_e(lcms(picture, profile), converted).mean() <= 1.0


def test_grey_profile_converts_through_its_tone_curve():
    header = bytearray(icc_profile.parse(icc_profile.canonical_copy("sRGB")).header)
    header[16:20] = b"GRAY"
    grey = icc_profile.build(bytes(header), {b"wtpt": icc_profile.xyz_tag(*icc_profile.D50),
                                             b"kTRC": b"curv\0\0\0\0" + struct.pack(">IH", 1, 256 + 128)})  # γ 1.5
    ramp = Image.frombytes("L", (256, 1), bytes(range(256)))
    ours = colour.to_srgb(ramp, grey).convert("RGB")
    assert delta_e(lcms(ramp.convert("RGB"), icc_profile.canonical_copy("sRGB")), ours).mean() > 1  # it changed
    reference = ImageCms.profileToProfile(ramp, ImageCms.ImageCmsProfile(io.BytesIO(grey)), SRGB, outputMode="RGB")
    assert delta_e(reference, ours).mean() <= 1.0


def test_process_converts_when_the_profile_is_not_kept():
    picture = noise(64)
    data = encoded(picture, "PNG", icc_profile=icc_profile.canonical_copy("Display P3"))
    result = api.handle("process", data, {"policy": {"keep_icc": False}, "encode": {"format": "png"}}, "p3.png")
    assert result["ok"], result
    out = opened(result["data"])
    assert "icc_profile" not in out.info
    assert delta_e(lcms(picture, icc_profile.canonical_copy("Display P3")), out).mean() <= 1.0
    assert any(op["step"] == "colour" and "Display P3" in op["detail"] for op in result["report"]["operations"])


def test_an_output_that_cannot_hold_a_profile_gets_converted_pixels():
    p3 = icc_profile.canonical_copy("Display P3")
    assert colour.plan(p3, True, "png") == colour.Plan(p3, None, False, [])
    gif_plan = colour.plan(p3, True, "gif")
    assert gif_plan.profile is None and gif_plan.convert_from == p3 and "GIF cannot carry" in gif_plan.notes[0]
    assert colour.plan(icc_profile.canonical_copy("sRGB"), False, "jpeg") == colour.Plan(None, None, False, [])
    assert "dropped" in colour.plan(b"not a profile", True, "jpeg").notes[0]


@needs_corpus([p for p in PROFILED if p.name == "pillow_icc_profile_big.jpg"])
def test_a_lut_profile_is_kept_canonical_even_when_profiles_are_not_kept(path):
    result = api.handle("process", path.read_bytes(), {"policy": {"keep_icc": False}, "resize": {"long_edge": 64}},
                        path.name)
    assert result["ok"], result
    profile = opened(result["data"]).info["icc_profile"]
    assert profile == icc_profile.canonical(Image.open(path).info["icc_profile"]).data
    assert any("lookup tables" in n and "canonical" in n for n in result["report"]["notes"])
    assert [f["key"] for f in result["report"]["kept"]] == ["icc_profile"]
