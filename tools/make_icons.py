"""Draw the PNG app icons from the same shapes as static/icons/icon.svg (Pillow cannot read SVG).

    python3 tools/make_icons.py      writes static/icons/icon-192.png, icon-512.png, icon-maskable-512.png

The PNGs are committed; run this again only when icon.svg changes.
"""

from pathlib import Path

from PIL import Image, ImageDraw

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
GREEN, WHITE, YELLOW = "#1f6f5c", "#ffffff", "#ffd166"
SUPERSAMPLE = 4


def draw(size: int, maskable: bool) -> Image.Image:
    big = size * SUPERSAMPLE
    im = Image.new("RGBA", (big, big), (0, 0, 0, 0))
    d = ImageDraw.Draw(im)
    # A maskable icon is cropped to a circle or squircle by the OS: fill the square, keep the drawing
    # inside the central 80 % safe zone.
    scale = big / 64 * (0.8 if maskable else 1.0)
    offset = (big - 64 * scale) / 2

    def p(x, y):
        return (offset + x * scale, offset + y * scale)

    if maskable:
        d.rectangle((0, 0, big, big), fill=GREEN)
    else:
        d.rounded_rectangle((0, 0, big - 1, big - 1), radius=14 * scale, fill=GREEN)
    w = round(4 * scale)
    d.rounded_rectangle((*p(12, 18), *p(52, 48)), radius=4 * scale, outline=WHITE, width=w)
    cx, cy = p(24, 28)
    d.ellipse((cx - 4 * scale, cy - 4 * scale, cx + 4 * scale, cy + 4 * scale), fill=WHITE)
    d.line([p(14, 46), p(26, 36), p(34, 42), p(42, 34), p(52, 44)], fill=WHITE, width=w, joint="curve")
    for a, b in ((p(40, 8), p(54, 22)), (p(54, 8), p(40, 22))):
        d.line([a, b], fill=YELLOW, width=w)
        for x, y in (a, b):  # round caps
            d.ellipse((x - w / 2, y - w / 2, x + w / 2, y + w / 2), fill=YELLOW)
    return im.resize((size, size), Image.Resampling.LANCZOS)


def main() -> None:
    for name, size, maskable in (("icon-192.png", 192, False), ("icon-512.png", 512, False),
                                 ("icon-maskable-512.png", 512, True)):
        draw(size, maskable).save(ICONS / name, optimize=True)
        print(ICONS / name)


if __name__ == "__main__":
    main()
