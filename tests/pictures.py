"""Generated pictures for the recipe/operation tests: small, deterministic, photo-like enough."""

import io
import random

from PIL import Image, ImageDraw, ImageFilter


def photo(size=(320, 240), seed=1) -> Image.Image:
    """Smooth gradients, a few shapes and seeded noise: JPEG quality and resampling both matter on it."""
    w, h = size
    base = Image.linear_gradient("L").resize(size)
    im = Image.merge("RGB", (base, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), base.rotate(90).resize(size)))
    draw = ImageDraw.Draw(im)
    rng = random.Random(seed)
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(4, max(5, min(w, h) // 4))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(im, noise, 0.12).filter(ImageFilter.SMOOTH)


def encoded(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def animation(frames=4, size=(64, 48), fmt="GIF", durations=None) -> bytes:
    """Frames of different solid colours with a moving white square."""
    colors = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30), (30, 200, 200)]
    images = []
    for i in range(frames):
        im = Image.new("RGB", size, colors[i % len(colors)])
        ImageDraw.Draw(im).rectangle((i * 4, 4, i * 4 + 10, 14), fill=(255, 255, 255))
        images.append(im)
    durations = durations or [100 + 20 * i for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, fmt, save_all=True, append_images=images[1:], duration=durations, loop=0,
                   **({"lossless": True} if fmt == "WEBP" else {}))
    return buf.getvalue()
