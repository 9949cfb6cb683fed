"""AVIF output natively (pillow-heif's libheif + libaom, pinned in requirements-test.txt): clean, decodable, upright,
sRGB; the Web preset writes it; without a native encoder the engine says the codec is in the page only."""

import io

import piexif
import pytest
from PIL import Image, ImageChops, ImageStat

from corpus import CORPUS, exiftool_tags, needs_corpus
from imagestudio import api
from imagestudio.encode import avif
from imagestudio.recipe import WEB_AVIF_QUALITY, preset
from pictures import encoded, gps_photo, photo

pillow_heif = pytest.importorskip("pillow_heif")
GPS_CORPUS = CORPUS / "ianare_gps_DSCN0010.jpg"
TURNED = CORPUS / "ianare_orientation_landscape_6.jpg"


def avif_pixels(data: bytes) -> Image.Image:
    """An independent reader: libheif with libaom's decoder."""
    return pillow_heif.open_heif(io.BytesIO(data)).to_pillow().convert("RGB")


def process(data: bytes, recipe: dict, name: str = "photo.jpg") -> dict:
    result = api.handle("process", data, recipe, name)
    assert result["ok"], result
    return result


def test_avif_output_is_an_avif_with_the_pictures_pixels():
    source = photo((320, 240))
    result = process(encoded(source, quality=95), {"encode": {"format": "avif", "quality": 70}})
    data = result["data"]
    assert data[4:12] == b"ftypavif" and result["mime"] == "image/avif" and result["name"].endswith(".avif")
    out = avif_pixels(data)
    assert out.size == source.size
    assert max(ImageStat.Stat(ImageChops.difference(out, source)).mean) < 6
    assert result["report"]["operations"][-1]["detail"] == "AVIF (libheif) quality 70"


def test_lower_avif_quality_makes_a_smaller_file():
    source = encoded(photo((320, 240)), quality=95)
    sizes = [len(process(source, {"encode": {"format": "avif", "quality": q}})["data"]) for q in (30, 60, 90)]
    assert sizes[0] < sizes[1] < sizes[2]


def signed_photo() -> bytes:
    """A phone photo with GPS, a camera, a copyright notice and a capture date."""
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Copyright: b"(c) Jane Doe"},
                        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:01:02 10:11:12"},
                        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N",
                                piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1))}})
    return encoded(photo((600, 400)), quality=92, exif=exif)


def test_avif_carries_none_of_the_metadata_and_says_what_it_could_not_keep(tmp_path):
    result = process(signed_photo(), {"encode": {"format": "avif"},
                                                "policy": {"keep_copyright": True, "keep_capture_date": True}})
    tags = exiftool_tags(result["data"], tmp_path, ".avif")
    assert tags["File:FileType"] == "AVIF"
    assert not [k for k in tags if k.startswith(("GPS", "IFD0", "ExifIFD", "XMP"))], tags
    assert b"Jane Doe" not in result["data"] and b"SpyCam" not in result["data"]
    notes = " ".join(result["report"]["notes"])
    assert "AVIF cannot carry the copyright notice" in notes and "AVIF cannot carry the capture date" in notes


@needs_corpus([GPS_CORPUS] if GPS_CORPUS.exists() else [])
def test_the_web_preset_writes_a_clean_avif_of_a_corpus_photo(path, tmp_path):
    result = process(path.read_bytes(), preset("web").to_dict(), path.name)
    data = result["data"]
    assert result["report"]["format"] == "avif" and result["report"]["quality"] == WEB_AVIF_QUALITY
    tags = exiftool_tags(data, tmp_path, ".avif")
    assert tags["File:FileType"] == "AVIF" and not [k for k in tags if "GPS" in k or k.startswith("IFD0")]
    with Image.open(path) as im:
        want = im.convert("RGB")
    out = avif_pixels(data)
    assert out.size == want.size  # 640 px: under the preset's 1920, not enlarged
    assert max(ImageStat.Stat(ImageChops.difference(out, want)).mean) < 6


@needs_corpus([TURNED] if TURNED.exists() else [])
def test_avif_output_is_upright_and_srgb(path):
    """The photo is turned by EXIF and carries a colour profile: an AVIF (no profile) gets upright sRGB pixels,
    the same as the engine's PNG when the profile is not kept."""
    with Image.open(path) as im:
        stored = im.size
    srgb = process(path.read_bytes(), {"encode": {"format": "png"}, "policy": {"keep_icc": False}})
    want = Image.open(io.BytesIO(srgb["data"])).convert("RGB")
    result = process(path.read_bytes(), {"encode": {"format": "avif", "quality": 80}})
    out = avif_pixels(result["data"])
    assert out.size == want.size == stored[::-1]
    assert max(ImageStat.Stat(ImageChops.difference(out, want)).mean) < 4
    assert "colour" in [step["step"] for step in result["report"]["operations"]]


def test_without_a_native_encoder_the_file_says_the_codec_is_in_the_page_only(monkeypatch):
    monkeypatch.setattr(avif, "_pillow_heif", lambda: None)
    result = api.handle("process", gps_photo(), {"encode": {"format": "avif"}}, "a.jpg")
    assert result["ok"] is False and result["error"]["code"] == "unsupported_format"
    assert result["error"]["message"].startswith("a.jpg: the AVIF encoder")
    assert "web page only" in result["error"]["message"] and "pip install pillow-heif" in result["error"]["message"]
    # the batch goes on: the next file is fine
    assert api.handle("process", gps_photo(), {"encode": {"format": "png"}}, "b.jpg")["ok"]


def test_auto_quality_and_a_target_size_search_avif_too():
    source = encoded(photo((400, 300)), quality=95)
    auto = process(source, {"encode": {"format": "avif", "auto_quality": "balanced"}})["report"]
    assert auto["format"] == "avif" and auto["ssim"] >= 0.97 and auto["encode_tries"] > 1
    fitted = process(source, {"encode": {"format": "avif", "target_kb": 4}})
    assert len(fitted["data"]) <= 4 * 1024 and avif_pixels(fitted["data"]).size == (400, 300)


def test_the_command_line_writes_avif(tmp_path):
    import os
    import subprocess
    import sys

    from corpus import ROOT

    source = tmp_path / "spy.jpg"
    source.write_bytes(gps_photo((120, 80)))
    done = subprocess.run([sys.executable, "-m", "imagestudio", "process", str(source), "-o", str(tmp_path / "out"),
                           "--format", "avif", "--quality", "50"], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "py")})
    assert done.returncode == 0, done.stderr
    [written] = (tmp_path / "out").iterdir()
    assert written.name == "spy-q50.avif" and avif_pixels(written.read_bytes()).size == (120, 80)


def test_smaller_pictures_get_a_slower_speed_and_the_web_preset_gets_8():
    sizes = [(64, 64), (800, 600), (1200, 900), (1920, 1440), (4000, 3000)]
    speeds = [avif.speed_for(size) for size in sizes]
    assert speeds == sorted(speeds) and speeds[0] < avif.FASTEST == speeds[-1]
    assert avif.speed_for((1920, 1440)) == 8  # the Web preset's long edge on a 4:3 photo


def test_a_target_size_search_encodes_every_trial_at_the_full_pictures_speed(monkeypatch):
    # The proxy predicts the full picture's bytes only if both are encoded alike.
    frame = photo((1600, 1200), seed=3)
    seen = []
    real = avif.save

    def recording(image, quality, label, speed=None):
        seen.append((image.size, speed))
        return real(image, quality, label, speed)

    monkeypatch.setattr(avif, "save", recording)
    result = process(encoded(frame), {"encode": {"format": "avif", "target_kb": 40}})
    assert result["ok"], result
    assert any(size != (1600, 1200) for size, _ in seen) and any(size == (1600, 1200) for size, _ in seen)
    assert {speed for _, speed in seen} == {avif.speed_for((1600, 1200))}
