"""Corpus helpers for the engine tests (a plain module: tests/e2e has its own conftest.py,
so `from conftest import ...` would be ambiguous)."""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT.parent / "shared" / "corpus"


def corpus_files(*suffixes: str) -> list[Path]:
    """Corpus files with these suffixes (lower-case; none = all images), or [] when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.iterdir()
                  if (p.suffix.lower() in suffixes if suffixes else p.suffix.lower() not in (".tsv", ".json", ".md")))


def needs_corpus(files):
    """Parametrize over corpus files; one clear skip when the folder is missing."""
    if files:
        return pytest.mark.parametrize("path", files, ids=[p.name for p in files])
    return pytest.mark.parametrize(
        "path", [pytest.param(None, marks=pytest.mark.skip(reason=f"no corpus at {CORPUS} (only in the dev "
                                                                  "workplace)"))])


def oracle() -> dict:
    """exiftool's recorded output for every corpus file, by file name."""
    path = CORPUS / "EXIFTOOL.json"
    if not path.exists():
        return {}
    return {Path(entry["SourceFile"]).name: entry for entry in json.loads(path.read_text())}


def pixels(data: bytes) -> tuple:
    """(mode, size, raw pixels) of the first frame, to compare two files' pictures exactly."""
    with Image.open(io.BytesIO(data)) as im:
        im.load()
        return im.mode, im.size, im.tobytes()


def all_frames(data: bytes) -> list:
    """(mode, size, pixels, duration) of every frame, for animations."""
    out = []
    with Image.open(io.BytesIO(data)) as im:
        for i in range(getattr(im, "n_frames", 1)):
            im.seek(i)
            frame = im.convert("RGBA")
            out.append((frame.size, frame.tobytes(), im.info.get("duration")))
    return out


def decodes(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.load()
        return True
    except Exception:  # noqa: BLE001 - any failure to decode answers the question
        return False


def profiled_files() -> list[Path]:
    """Corpus files that native Pillow opens and that carry an ICC colour profile."""
    def profiled(path: Path) -> bool:
        try:
            with Image.open(path) as im:
                return bool(im.info.get("icc_profile"))
        except Exception:  # noqa: BLE001 - not a picture Pillow reads natively (HEIF, damaged files)
            return False
    return [p for p in corpus_files() if profiled(p)]


def exiftool_tags(data: bytes, folder: Path, suffix: str = ".bin") -> dict:
    """What exiftool, the independent reader, finds in these bytes: {"Group:Tag": value}. Skips without it."""
    exiftool = shutil.which("exiftool")
    if not exiftool:
        pytest.skip("exiftool not installed")
    path = folder / f"out{suffix}"
    path.write_bytes(data)
    return json.loads(subprocess.run([exiftool, "-j", "-a", "-G1", str(path)], capture_output=True,
                                     check=True).stdout)[0]
