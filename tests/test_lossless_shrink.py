"""Shrink losslessly: cleaned JPEGs recoded by MozJPEG's transcode, smaller, same pixels, nothing removed comes back."""

import importlib.util

import pytest

from imagestudio import api, lossless_shrink
from imagestudio.containers import jpeg
from imagestudio.errors import UnsupportedFormat
from corpus import CORPUS, needs_corpus, pixels
from pictures import camera_photo, dirty_jpeg, dirty_png

SHRINK = {"encode": {"shrink_lossless": True}}
# Photos with what a clean keeps: EXIF orientation, a JFIF header, an ICC profile (big, two APP2), CMYK + Adobe.
KEEPERS = [CORPUS / n for n in ("ianare_gps_DSCN0010.jpg", "ianare_orientation_landscape_6.jpg",
                                "pillow_icc_profile_big.jpg", "pillow_pil_sample_cmyk.jpg", "pillow_iptc.jpg")]


def processed(data: bytes, name: str, recipe: dict) -> dict:
    result = api.handle("process", data, recipe, name)
    assert result["ok"], result
    return result


def app_segments(data: bytes) -> list[bytes]:
    segments, _ = jpeg.segments(data)
    return [data[s.start:s.end] for s in segments if 0xE0 <= s.marker <= 0xEF or s.marker == 0xFE]


@needs_corpus([p for p in KEEPERS if p.exists()])
def test_corpus_jpeg_shrinks_with_identical_pixels_and_the_same_kept_metadata(path):
    data = path.read_bytes()
    plain = processed(data, path.name, {})
    shrunk = processed(data, path.name, SHRINK)
    assert shrunk["report"]["shrink"]["applied"], shrunk["report"]["shrink"]
    assert len(shrunk["data"]) < len(plain["data"])
    assert pixels(shrunk["data"]) == pixels(plain["data"])
    assert app_segments(shrunk["data"]) == app_segments(plain["data"])  # the clean's headers, none of the transcode's
    assert shrunk["report"]["lossless"] and shrunk["report"]["bytes_out"] == len(shrunk["data"])
    assert [op["step"] for op in shrunk["report"]["operations"]] == ["clean", "shrink"]
    assert shrunk["report"]["removed"] == plain["report"]["removed"]
    segments, _ = jpeg.segments(shrunk["data"])
    assert 0xC2 in {s.marker for s in segments}  # progressive frame


def test_headers_the_transcode_writes_are_not_kept():
    """The transcode writes a JFIF APP0 of its own; a cleaned file without one gets none back."""
    cleaned = processed(camera_photo((640, 480)), "camera.jpg", {})["data"]
    without_app0 = b"".join(piece for piece in _pieces(cleaned) if piece[:2] != b"\xff\xe0")
    recoded = lossless_shrink.transcode(without_app0, "camera.jpg")
    assert any(s.startswith(b"\xff\xe0") for s in app_segments(recoded))  # so this test can fail
    spliced = lossless_shrink.with_kept_headers(without_app0, recoded, "camera.jpg")
    assert app_segments(spliced) == app_segments(without_app0)
    assert pixels(spliced) == pixels(without_app0)


def _pieces(data: bytes) -> list[bytes]:
    segments, end = jpeg.segments(data)
    return [data[s.start:s.end] for s in segments] + [data[end:]]


def test_dirty_jpeg_stays_clean_when_shrunk():
    """What the clean removed stays removed: the shrunk file reads exactly like the plain clean."""
    dirty = dirty_jpeg()
    plain = processed(dirty, "dirty.jpg", {})
    shrunk = processed(dirty, "dirty.jpg", SHRINK)
    assert plain["report"]["removed"] and shrunk["report"]["removed"] == plain["report"]["removed"]
    inspect = [api.handle("inspect", r["data"], {}, "dirty.jpg")["report"]["findings"] for r in (plain, shrunk)]
    assert inspect[0] == inspect[1]


@pytest.mark.parametrize("before", [b"", b"\xff\xd0"], ids=["before-the-end-marker", "after-a-restart-marker"])
def test_bytes_after_the_last_block_are_dropped_by_the_shrink(before):
    """Bytes inside the picture data after its last block: every decoder skips them, and the lossless clean cannot
    tell them from picture data without decoding it all (README, "Not yet"). The transcode rewrites the picture
    data from the decoded blocks, so they are gone and the pixels stay the same."""
    photo = camera_photo((320, 240))
    secret = b"SECRET-AFTER-THE-LAST-BLOCK-0123456789"
    hidden = photo[:-2] + before + secret + photo[-2:]
    assert pixels(hidden) == pixels(photo)
    shrunk = processed(hidden, "hidden.jpg", SHRINK)
    assert shrunk["report"]["shrink"]["applied"], shrunk["report"]["shrink"]
    assert secret not in shrunk["data"] and pixels(shrunk["data"]) == pixels(photo)


def test_a_transcode_failure_keeps_the_clean_and_says_why():
    """MozJPEG refuses to write this one (a coefficient out of range); natively its exit() must not end the batch."""
    path = CORPUS / "pillow_hopper_bad_exif.jpg"
    if not path.exists():
        pytest.skip(f"no corpus at {CORPUS}")
    plain = processed(path.read_bytes(), path.name, {})
    kept = processed(path.read_bytes(), path.name, SHRINK)
    assert kept["data"] == plain["data"] and not kept["report"]["shrink"]["applied"]
    assert any(n.startswith("Not shrunk: MozJPEG's lossless transcode failed (DCT coefficient") for n in
               kept["report"]["notes"])


def test_not_a_jpeg_is_left_as_cleaned_with_a_note():
    plain = processed(dirty_png(), "dirty.png", {})
    result = processed(dirty_png(), "dirty.png", SHRINK)
    assert result["data"] == plain["data"] and result["report"]["lossless"]
    assert "Shrink losslessly recodes JPEGs only" in result["report"]["notes"][-1]


def test_shrink_alone_is_not_a_reencode():
    result = processed(camera_photo((320, 240)), "camera.jpg", SHRINK)
    assert result["report"]["lossless"] and result["name"] == "camera-clean.jpg"


def test_natively_without_the_package_the_file_says_how_to_get_it(monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "mozjpeg_lossless_optimization" else real(name, *a))
    with pytest.raises(UnsupportedFormat, match="pip install mozjpeg-lossless-optimization==1.3.2"):
        lossless_shrink.transcode(camera_photo((64, 48)), "x.jpg")
    result = api.handle("process", camera_photo((64, 48)), SHRINK, "x.jpg")
    assert not result["ok"] and result["error"]["code"] == "unsupported_format"


def test_bad_option_is_named():
    result = api.handle("process", camera_photo((64, 48)), {"encode": {"shrink_lossless": "yes"}}, "x.jpg")
    assert not result["ok"] and "encode.shrink_lossless" in result["error"]["message"]


def test_cli_clean_shrinks_losslessly(tmp_path):
    from imagestudio.__main__ import main
    source = tmp_path / "camera.jpg"
    source.write_bytes(camera_photo((640, 480)))
    assert main(["clean", str(source), "-o", str(tmp_path / "plain")]) == 0
    assert main(["clean", str(source), "-o", str(tmp_path / "small"), "--shrink-lossless"]) == 0
    plain, small = (tmp_path / d / "camera-clean.jpg" for d in ("plain", "small"))
    assert small.stat().st_size < plain.stat().st_size
    assert pixels(small.read_bytes()) == pixels(plain.read_bytes())
