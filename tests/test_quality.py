"""SSIM in pure Pillow, checked against an independent numpy implementation (numpy is test-only)."""

import numpy as np
import pytest
from PIL import Image, ImageFilter
from numpy.lib.stride_tricks import sliding_window_view

from imagestudio import quality
from pictures import encoded, opened, photo


def numpy_ssim(a: Image.Image, b: Image.Image) -> float:
    """Wang et al. SSIM: 11-tap Gaussian (sigma 1.5), 'valid' borders, on 8-bit luma, in float64."""
    x = np.asarray(a.convert("L"), dtype=np.float64)
    y = np.asarray(b.convert("L"), dtype=np.float64)
    taps = np.exp(-(np.arange(-5, 6) ** 2) / (2 * 1.5 ** 2))
    taps /= taps.sum()

    def blur(m):
        m = sliding_window_view(m, 11, axis=1) @ taps
        return sliding_window_view(m, 11, axis=0) @ taps

    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    return float((((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))).mean())


@pytest.fixture(scope="module")
def source():
    return photo((400, 300), seed=3)


def test_identical_pictures_score_one(source):
    assert quality.ssim(source, source) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("q", [90, 60, 20, 5])
def test_matches_numpy_on_whole_picture(source, q):
    candidate = opened(encoded(source, quality=q))
    assert quality.sample_boxes(source.size) == [(0, 0, 400, 300)]
    assert quality.ssim(source, candidate) == pytest.approx(numpy_ssim(source, candidate), abs=2e-4)


def test_matches_numpy_on_the_sampled_mosaic():
    big = photo((1200, 900), seed=4)
    candidate = opened(encoded(big, quality=30))
    boxes = quality.sample_boxes(big.size)
    assert len(boxes) == quality.GRID ** 2

    def mosaic(im):
        out = Image.new("RGB", (quality.TILE * quality.GRID,) * 2)
        for i, box in enumerate(boxes):
            out.paste(im.crop(box), ((i % quality.GRID) * quality.TILE, (i // quality.GRID) * quality.TILE))
        return out

    assert quality.ssim(big, candidate) == pytest.approx(numpy_ssim(mosaic(big), mosaic(candidate)), abs=2e-4)
    # The sample stands for the whole picture closely.
    assert quality.ssim(big, candidate) == pytest.approx(numpy_ssim(big, candidate), abs=0.01)


def test_falls_with_jpeg_quality_and_blur(source):
    scores = [quality.ssim(source, opened(encoded(source, quality=q))) for q in (95, 75, 40, 10)]
    assert scores == sorted(scores, reverse=True) and scores[-1] < 0.95 < scores[0]
    blurred = source.filter(ImageFilter.GaussianBlur(2))
    assert quality.ssim(source, blurred) < scores[1]


def test_reference_caches_and_agrees(source):
    candidate = opened(encoded(source, quality=50))
    assert quality.Reference(source).ssim(candidate) == pytest.approx(quality.ssim(source, candidate), abs=1e-6)


def test_tiny_and_alpha_pictures():
    tiny = Image.new("RGB", (6, 6), (10, 20, 30))
    assert quality.ssim(tiny, tiny) == pytest.approx(1.0)
    clear = Image.new("RGBA", (40, 40), (0, 0, 0, 0))
    white = Image.new("RGB", (40, 40), (255, 255, 255))
    assert quality.ssim(clear, white) == pytest.approx(1.0)  # transparency reads as white
    with pytest.raises(ValueError):
        quality.ssim(tiny, white)
