"""Deterministic, photo-like test pictures made on the fly (large binaries are never committed).

A real corpus photo is cropped to 4:3, scaled up to the wanted size, and given mild seeded sensor-like
noise, so the picture has real edges and texture rather than a flat synthetic pattern. Each file carries
EXIF with a camera, a serial number, a capture time and a GPS position, like a phone photo.
"""

import io
import random
from pathlib import Path

import piexif
from PIL import Image, ImageChops

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SOURCE = "ianare_mobile_HMD_Nokia_8.3_5G.jpg"   # a 9 MP phone photo of a street scene
NOISE_SIGMA = 4                                  # gaussian noise, in 8-bit levels, like a phone sensor at base ISO

SIZES = {12: (4000, 3000), 24: (5656, 4242)}     # megapixels -> (width, height), 4:3


def exif_bytes() -> bytes:
    return piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"BenchCam", piexif.ImageIFD.Model: b"B-12",
                piexif.ImageIFD.Artist: b"Jane Doe", piexif.ImageIFD.Orientation: 1},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:05:06 07:08:09",
                 piexif.ExifIFD.BodySerialNumber: b"SN-987654"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1))},
    })


def _noise(size: tuple[int, int], seed: int) -> Image.Image:
    """Seeded gaussian noise centred on 128, made at 1/4 size and tiled to keep generation fast."""
    rng = random.Random(seed)
    tile = (512, 512)
    data = bytes(min(255, max(0, round(rng.gauss(128, NOISE_SIGMA)))) for _ in range(tile[0] * tile[1]))
    small = Image.frombytes("L", tile, data)
    noise = Image.new("L", size)
    for top in range(0, size[1], tile[1]):
        for left in range(0, size[0], tile[0]):
            noise.paste(small, (left, top))
    return noise


CACHE = Path(__file__).resolve().parents[1] / ".cache" / "bench"
RECIPE_VERSION = 1   # bump when the way photos are made changes, so cached copies are remade


def photo(megapixels: int = 12, variant: int = 0, quality: int = 90) -> bytes:
    """A JPEG of about `megapixels` MP; `variant` shifts the crop so a batch holds different pictures.
    Made once, then read from .cache/bench/ (never committed)."""
    cached = CACHE / f"photo{megapixels}_{variant}_q{quality}_v{RECIPE_VERSION}.jpg"
    if not cached.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        cached.write_bytes(_make(megapixels, variant, quality))
    return cached.read_bytes()


def _make(megapixels: int, variant: int, quality: int) -> bytes:
    size = SIZES[megapixels]
    with Image.open(CORPUS / SOURCE) as source:
        source = source.convert("RGB")
        w, h = source.size
        crop_w = h * 4 // 3
        left = (variant * 97) % (w - crop_w)
        picture = source.crop((left, 0, left + crop_w, h)).resize(size, Image.Resampling.BICUBIC)
    noise = _noise(size, seed=variant).convert("RGB")
    picture = ImageChops.add(picture, noise, scale=1.0, offset=-128)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=quality, exif=exif_bytes())
    return out.getvalue()
