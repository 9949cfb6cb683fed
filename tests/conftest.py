"""Shared fixtures: the real-photo corpus beside the checkout, and small helpers."""

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files(*suffixes: str) -> list[Path]:
    """Corpus files with these suffixes (lower-case), or [] when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir() if p.suffix.lower() in suffixes)


def needs_corpus(files):
    """Parametrize over corpus files; one clear skip when the folder is missing."""
    if files:
        return pytest.mark.parametrize("path", files, ids=[p.name for p in files])
    return pytest.mark.parametrize(
        "path", [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS} (only in the dev workplace)"))])


def pixels(data: bytes) -> tuple:
    """(mode, size, raw pixels) of the first frame, to compare two files' pictures exactly."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


@pytest.fixture(scope="session")
def exiftool():
    path = shutil.which("exiftool")
    if not path:
        pytest.skip("exiftool not installed (Debian: libimage-exiftool-perl)")
    return path
