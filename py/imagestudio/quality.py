"""SSIM in pure Pillow (numpy is not in the browser).

The classic Wang et al. (2004) SSIM on luma: an 11x11 Gaussian window (sigma 1.5), C1 = (0.01*255)^2,
C2 = (0.03*255)^2, 'valid' borders, averaged over the map.

Compression artefacts are pixel-sized, so the score is taken at full resolution (Wang's automatic
downsampling to ~256 px hides them: a q20 JPEG scored 0.995 that way). To bound the cost, a large picture
is measured on a fixed sample: the centre TILE x TILE pixels of each cell of a GRID x GRID grid, pasted
side by side into one mosaic (the same cells for both pictures). Small pictures are measured whole.

Pillow cannot blur 32-bit float images, so the Gaussian runs as two separable passes of shifted crops
summed with ImageMath (11 terms each); tests check the result against a numpy implementation.
"""

import gc
import math

from PIL import Image, ImageMath

SIGMA = 1.5
RADIUS = 5                      # 11 taps
C1 = (0.01 * 255) ** 2
C2 = (0.03 * 255) ** 2
TILE = 128                      # side of one sampled tile, in pixels
GRID = 4                        # GRID x GRID tiles: 16 x 128^2 = 0.26 MP measured, whatever the photo size


def _weights() -> list[float]:
    raw = [math.exp(-(i * i) / (2 * SIGMA * SIGMA)) for i in range(-RADIUS, RADIUS + 1)]
    total = sum(raw)
    return [w / total for w in raw]


WEIGHTS = _weights()
# The Gaussian is symmetric: pair the taps that share a weight, so a pass costs 16 image operations
# instead of 21 (each one a new float image in ImageMath); same sum, other rounding order.
_SUM_EXPR = " + ".join([f"(t{i} + t{2 * RADIUS - i}) * {WEIGHTS[i]!r}" for i in range(RADIUS)]
                       + [f"t{RADIUS} * {WEIGHTS[RADIUS]!r}"])


def luma(image: Image.Image) -> Image.Image:
    """8-bit luma (ITU-R 601, as JPEG uses), with transparency composited on white."""
    if image.mode == "YCbCr":
        return image.getchannel(0)
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        image = Image.alpha_composite(white, rgba)
    return image.convert("L")


def sample_boxes(size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The tiles measured: the whole picture when it is small, else GRID x GRID centred tiles."""
    w, h = size
    if w * h <= (GRID * TILE) ** 2:
        return [(0, 0, w, h)]
    boxes = []
    for row in range(GRID):
        for col in range(GRID):
            cx, cy = (2 * col + 1) * w // (2 * GRID), (2 * row + 1) * h // (2 * GRID)
            left = min(max(cx - TILE // 2, 0), max(w - TILE, 0))
            top = min(max(cy - TILE // 2, 0), max(h - TILE, 0))
            boxes.append((left, top, min(left + TILE, w), min(top + TILE, h)))
    return boxes


def prepare(image: Image.Image) -> Image.Image:
    """Float luma of the measured region (a mosaic of the sampled tiles for a large picture)."""
    boxes = sample_boxes(image.size)
    if len(boxes) == 1:
        return luma(image).convert("F")
    tw, th = boxes[0][2] - boxes[0][0], boxes[0][3] - boxes[0][1]
    mosaic = Image.new("L", (tw * GRID, th * GRID))
    for i, box in enumerate(boxes):
        mosaic.paste(luma(image.crop(box)), ((i % GRID) * tw, (i // GRID) * th))
    return mosaic.convert("F")


def _eval(expression: str, _dict: dict | None = None, **operands) -> Image.Image:
    """ImageMath.eval, then free its operands at once: Pillow 10.2's eval leaves its namespace (every
    operand image) in a reference cycle that only the cyclic collector frees, so the float images of
    each SSIM stayed alive across jobs (~140 MB after one auto-quality search, 4.9x a 24 MP photo's
    size at peak in the browser). Collecting the two young generations is cheap."""
    out = ImageMath.eval(expression, _dict or {}, **operands)
    gc.collect(1)
    return out


def _blur(image: Image.Image) -> Image.Image:
    """Gaussian-weighted local mean, 'valid' region only (shrinks each side by RADIUS)."""
    taps = 2 * RADIUS
    w, h = image.size
    rows = {f"t{i}": image.crop((i, 0, i + w - taps, h)) for i in range(taps + 1)}
    image = _eval(_SUM_EXPR, rows)
    cols = {f"t{i}": image.crop((0, i, w - taps, i + h - taps)) for i in range(taps + 1)}
    return _eval(_SUM_EXPR, cols)


def mean(image: Image.Image) -> float:
    return image.resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))


def _stats(image: Image.Image) -> tuple:
    """(local mean, local mean of squares) of one picture."""
    return _blur(image), _blur(_eval("a*a", a=image))


def ssim_prepared(x: Image.Image, y: Image.Image, x_stats: tuple | None = None) -> float:
    """SSIM of two same-size float images (already from `prepare`); x_stats caches _stats(x)."""
    if x.size != y.size:
        raise ValueError(f"SSIM needs equal sizes, got {x.size} and {y.size}")
    if min(x.size) <= 2 * RADIUS:
        # Too small for an 11x11 window: one window over the whole picture.
        return _ssim_map_mean(*(_global(im) for im in (x, y, _eval("a*a", a=x),
                                                        _eval("a*a", a=y), _eval("a*b", a=x, b=y))))
    mx, xx = x_stats or _stats(x)
    my, yy = _stats(y)
    xy = _blur(_eval("a*b", a=x, b=y))
    return _ssim_map_mean(mx, my, xx, yy, xy)


def _global(image: Image.Image) -> Image.Image:
    return Image.new("F", (1, 1), mean(image))


def _ssim_map_mean(mx, my, xx, yy, xy) -> float:
    ssim_map = _eval(
        "((2*mx*my + c1) * (2*(xy - mx*my) + c2)) / ((mx*mx + my*my + c1) * ((xx - mx*mx) + (yy - my*my) + c2))",
        mx=mx, my=my, xx=xx, yy=yy, xy=xy, c1=C1, c2=C2)
    return mean(ssim_map)


def ssim(reference: Image.Image, candidate: Image.Image) -> float:
    """Mean SSIM of two pictures of the same size (1.0 = identical)."""
    if reference.size != candidate.size:
        raise ValueError(f"SSIM needs equal sizes, got {reference.size} and {candidate.size}")
    return ssim_prepared(prepare(reference), prepare(candidate))


class Reference:
    """The source prepared once, for many candidates (auto quality compares several encodings to it)."""

    def __init__(self, image: Image.Image):
        self.size = image.size
        self.prepared = prepare(image)
        self.stats = _stats(self.prepared) if min(self.prepared.size) > 2 * RADIUS else None

    def ssim(self, candidate: Image.Image) -> float:
        if candidate.size != self.size:
            raise ValueError(f"SSIM needs equal sizes, got {self.size} and {candidate.size}")
        return ssim_prepared(self.prepared, prepare(candidate), self.stats)
