"""The lossless size options in the page. Shrink losslessly: MozJPEG's transcode in WebAssembly gives a smaller JPEG
whose pixels are the plain clean's (native Pillow decode), and exiftool finds nothing the clean removed. OxiPNG: a
smaller PNG with the same pixels."""

from pathlib import Path

import corpus
import pytest
from conftest import wait_engine_ready
from studio_helpers import download_card, image_of, pick

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
PHOTO = CORPUS / "ianare_gps_DSCN0010.jpg"  # a Nikon photo with GPS, maker notes and a thumbnail
GRAPHIC = CORPUS / "pillow_hopper_bad_exif.jpg"  # at most 256 colours: a palette PNG, 8% smaller with OxiPNG
# exiftool groups that describe the file, not metadata in it (the coding, progressive now, is in File).
FILE_GROUPS = ("SourceFile", "ExifTool", "System", "File", "Composite")


def exiftool_tags(data: bytes, tmp_path: Path) -> dict:
    tags = corpus.exiftool_tags(data, tmp_path, ".jpg")
    return {k: v for k, v in tags.items() if k.split(":")[0] not in FILE_GROUPS or k == "File:Comment"}


@pytest.mark.skipif(not PHOTO.exists(), reason="no corpus")
def test_shrink_losslessly_gives_a_smaller_jpeg_with_the_same_pixels(page, tmp_path):
    original = PHOTO.read_bytes()
    wait_engine_ready(page)
    pick(page, tmp_path, {"nikon.jpg": original})
    _, plain = download_card(page, "nikon.jpg")

    page.get_by_label("Shrink losslessly", exact=True).check()
    name, shrunk = download_card(page, "nikon.jpg")
    assert name == "nikon-clean.jpg"
    assert len(shrunk) < 0.95 * len(plain)
    assert image_of(shrunk).tobytes() == image_of(plain).tobytes() and image_of(shrunk).mode == image_of(plain).mode
    before, after = exiftool_tags(plain, tmp_path), exiftool_tags(shrunk, tmp_path)
    assert after == before  # nothing the clean removed came back, nothing it kept was lost
    assert not [k for k in after if k.startswith(("GPS", "MakerNotes", "Nikon", "IFD1"))]
    assert not page.errors


@pytest.mark.skipif(not GRAPHIC.exists(), reason="no corpus")
def test_oxipng_gives_a_smaller_png_with_the_same_pixels(page, tmp_path):
    wait_engine_ready(page)
    page.get_by_label("Format", exact=True).select_option("png")
    pick(page, tmp_path, {"hopper.jpg": GRAPHIC.read_bytes()})
    _, plain = download_card(page, "hopper.jpg")
    page.locator("details.advanced summary").click()
    page.get_by_label("OxiPNG (smaller PNG, slower)", exact=True).check()
    _, small = download_card(page, "hopper.jpg")
    assert image_of(small).format == "PNG" and len(small) < len(plain)
    assert image_of(small).convert("RGBA").tobytes() == image_of(plain).convert("RGBA").tobytes()
    assert not page.errors
