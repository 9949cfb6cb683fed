"""Shared fixtures (corpus helpers are in corpus.py, picture makers in pictures.py)."""

import shutil

import pytest


@pytest.fixture(scope="session")
def exiftool():
    path = shutil.which("exiftool")
    if not path:
        pytest.skip("exiftool not installed (Debian: libimage-exiftool-perl)")
    return path
