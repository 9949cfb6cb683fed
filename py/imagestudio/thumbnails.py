"""The card's thumbnail, made by the engine from a reduced decode, never the full original.

A JPEG decodes at 1/8 scale (its DCT scaling), so a 12 MP photo costs a 0.2 MP picture; HEIC and AVIF get a
thumbnail too (the browser cannot show them). The thumbnail is upright, in sRGB-ish RGB, carries no metadata
and is only ever shown on the page, never saved.
"""

import io

from PIL import Image

from .decode import decode
from .errors import EngineError, NeedsDecoder
from .sniff import Format

EDGE = 320       # pixels, the longer side: a card shows it at up to 160 CSS px on a 2x screen
QUALITY = 75


def thumbnail(data: bytes, name: str, fmt: Format) -> tuple[bytes, tuple[int, int]] | None:
    """(JPEG bytes of the thumbnail, the picture's full upright size), or None when its pixels cannot be read
    (the report then still stands; the card says there is no preview)."""
    try:
        decoded = decode(data, name, lambda size: EDGE / max(size), fmt=fmt)
    except NeedsDecoder:
        raise  # the page loads the decoder and asks again
    except EngineError:
        return None
    picture = decoded.frames[0]
    decoded.frames = []
    if picture.mode not in ("RGB", "L"):
        background = Image.new("RGB", picture.size, (255, 255, 255))  # transparent parts on white, as a card shows
        rgba = picture.convert("RGBA")
        background.paste(rgba, mask=rgba.getchannel("A"))
        picture = background
    picture.thumbnail((EDGE, EDGE), Image.Resampling.BILINEAR, reducing_gap=2.0)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=QUALITY)
    return out.getvalue(), decoded.source_size
