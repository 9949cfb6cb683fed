"""Colour profiles: validated, rewritten canonically (nothing but colour), well-known spaces swapped for one copy;
colours stay the same under LittleCMS (native ImageCms) on every profiled corpus photo."""

import io
import struct
import zlib

import pytest
from PIL import Image, ImageCms, ImageFile

from colour_difference import delta_e
from corpus import needs_corpus, profiled_files
from imagestudio import api, cleaning, icc_profile
from pictures import encoded

SRGB = ImageCms.createProfile("sRGB")


def lcms_srgb() -> bytes:
    """LittleCMS's own sRGB: dated, with its own description and copyright."""
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_tags(profile: bytes, extra: dict, header: dict | None = None) -> bytes:
    """The profile rebuilt with more tags and header fields (e.g. calibration, a device model)."""
    parsed = icc_profile.parse(profile)
    head = bytearray(parsed.header)
    for offset, value in (header or {}).items():
        head[offset:offset + len(value)] = value
    return icc_profile.build(bytes(head), {**parsed.tags, **extra})


def apple_like() -> bytes:
    """Adobe RGB colorimetry dressed as a calibrated laptop display profile."""
    return with_tags(icc_profile.canonical_copy("Adobe RGB (1998)"),
                     {b"vcgt": b"vcgt\0\0\0\0" + b"\x01" * 40, b"mmod": b"mmod\0\0\0\0" + b"APPLE-SERIAL-C02XK",
                      b"dmdd": b"desc\0\0\0\0\0\0\0\x13Alice MacBook Pro\0"},
                     {24: struct.pack(">6H", 2024, 5, 12, 14, 22, 33), 48: b"APPLMBP1", 80: b"appl"})


def rendered(im: Image.Image, profile: bytes) -> Image.Image:
    return ImageCms.profileToProfile(im, ImageCms.ImageCmsProfile(io.BytesIO(profile)), SRGB, outputMode="RGB")


def gradient() -> Image.Image:
    im = Image.new("RGB", (64, 64))
    im.putdata([(x * 4, y * 4, (x * y) % 256) for y in range(64) for x in range(64)])
    return im


# --- validation ----------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("damage, reason", [
    (lambda p: p[:36] + b"xxxx" + p[40:], "acsp"),
    (lambda p: (len(p) + 10).to_bytes(4, "big") + p[4:], "size field"),
    (lambda p: p[:128] + (10_000).to_bytes(4, "big") + p[132:], "tag table"),
    (lambda p: p[:136] + (len(p) - 4).to_bytes(4, "big") + p[140:], "outside the profile"),
    (lambda p: b"\0" * 40, "shorter than a profile header"),
])
def test_invalid_profiles_are_refused_with_a_reason(damage, reason):
    with pytest.raises(icc_profile.InvalidProfile, match=reason):
        icc_profile.canonical(damage(lcms_srgb()))


def test_bytes_appended_after_a_profile_are_cut_off():
    profile = icc_profile.canonical_copy("Display P3")
    assert icc_profile.canonical(profile + b"secret diary").data == profile
    assert "12 bytes after the profile" in icc_profile.private_parts(profile + b"secret diary")


# --- canonical rewrite ---------------------------------------------------------------------------------------------

def test_well_known_spaces_are_recognised_by_colorimetry_not_by_name():
    assert icc_profile.canonical(lcms_srgb()).space == "sRGB"
    assert icc_profile.canonical(lcms_srgb()).data == icc_profile.canonical_copy("sRGB")
    disguised = apple_like()
    form = icc_profile.canonical(disguised)
    assert form.space == "Adobe RGB (1998)" and form.data == icc_profile.canonical_copy("Adobe RGB (1998)")
    for space in icc_profile.WELL_KNOWN:
        assert icc_profile.canonical(icc_profile.canonical_copy(space.name)).space == space.name


def test_an_unknown_space_keeps_only_colour_tags_and_an_anonymous_header():
    gamma = b"curv\0\0\0\0" + struct.pack(">IH", 1, 500) + b"HIDDEN"  # padding after the curve's fields
    custom = with_tags(apple_like(), {b"rTRC": gamma, b"gTRC": gamma, b"bTRC": gamma})
    form = icc_profile.canonical(custom)
    parsed = icc_profile.parse(form.data)
    assert form.space == "custom RGB" and form.convertible
    assert set(parsed.tags) == {b"desc", b"cprt", b"wtpt", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC"}
    assert not any(parsed.header[24:36] + parsed.header[48:56] + parsed.header[80:100])
    for secret in (b"Alice", b"APPLE-SERIAL", b"APPL", b"appl", b"HIDDEN", b"Adobe"):
        assert secret not in form.data
    assert ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(io.BytesIO(form.data))).strip() == "Custom RGB"
    assert delta_e(rendered(gradient(), custom), rendered(gradient(), form.data)).max() == 0
    parts = "; ".join(icc_profile.private_parts(custom))
    assert "made 2024-05-12 14:22" in parts and "'APPL' 'MBP1'" in parts and "mmod" in parts and "vcgt" in parts


PROFILED = profiled_files()


@needs_corpus(PROFILED)
def test_canonical_profile_renders_like_the_original(path, monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # pillow_ultrahdr.jpg: the colours still count
    with Image.open(path) as im:
        profile = im.info["icc_profile"]
        picture = im.convert("RGB")
        picture.thumbnail((320, 320))  # every colour the photo has, at a size numpy measures quickly
    canonical = icc_profile.canonical(profile).data
    assert canonical != profile
    assert delta_e(rendered(picture, profile), rendered(picture, canonical)).max() <= 0.5


def test_the_corpus_has_profiled_photos_of_several_kinds():
    if PROFILED:
        spaces = {icc_profile.canonical(Image.open(p).info["icc_profile"]).space for p in PROFILED}
        assert len(PROFILED) >= 15 and {"sRGB", "Adobe RGB (1998)", "custom RGB"} <= spaces


# --- in the files --------------------------------------------------------------------------------------------------

def _png_with_iccp(name: bytes, profile: bytes) -> bytes:
    data = encoded(gradient(), "PNG")
    chunk_body = name + b"\0\0" + zlib.compress(profile)
    crc = zlib.crc32(b"iCCP" + chunk_body).to_bytes(4, "big")
    chunk = len(chunk_body).to_bytes(4, "big") + b"iCCP" + chunk_body + crc
    return data[:33] + chunk + data[33:]


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "TIFF"])
def test_every_container_keeps_only_the_canonical_profile(fmt):
    data = encoded(gradient(), fmt, icc_profile=apple_like())
    result = api.handle("clean", data, {}, f"p.{fmt.lower()}")
    assert result["ok"], result
    out = result["data"]
    with Image.open(io.BytesIO(out)) as im:
        assert im.info["icc_profile"] == icc_profile.canonical_copy("Adobe RGB (1998)")
    for secret in (b"Alice", b"APPLE-SERIAL", b"MBP1"):
        assert secret not in out
    assert [f["value"] for f in result["report"]["kept"] if f["key"] == "icc_profile"] == ["Adobe RGB (1998)"]
    assert "icc_details" in {f["key"] for f in result["report"]["removed"]}


def test_png_profile_name_is_fixed():
    data = _png_with_iccp(b"Alice MacBook Pro", lcms_srgb())
    result = api.handle("clean", data, {}, "p.png")
    assert result["ok"] and b"Alice" not in result["data"] and b"ICC Profile\0\0" in result["data"]
    assert Image.open(io.BytesIO(result["data"])).info["icc_profile"] == icc_profile.canonical_copy("sRGB")


def test_an_app2_icc_segment_that_is_no_profile_is_dropped_with_a_note():
    jpeg = encoded(gradient(), "JPEG")
    fake = b"ICC_PROFILE\0\x01\x01" + b"my secret notes, not a profile at all" * 10
    data = jpeg[:2] + b"\xff\xe2" + (len(fake) + 2).to_bytes(2, "big") + fake + jpeg[2:]
    result = api.handle("clean", data, {}, "fake.jpg")
    assert result["ok"] and b"secret" not in result["data"] and b"ICC_PROFILE" not in result["data"]
    assert any("colour profile" in n and "dropped" in n for n in result["report"]["notes"])


def test_a_kept_profile_that_is_not_canonical_fails_verification():
    from imagestudio.errors import StillDirty
    from imagestudio.policy import CleanPolicy
    with pytest.raises(StillDirty, match="Colour profile details"):
        cleaning.verify_clean(encoded(gradient(), "PNG", icc_profile=apple_like()), CleanPolicy(keep_orientation=False),
                         "p.png")
