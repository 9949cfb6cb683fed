"""One module per container format: inspect(data, name) -> findings, clean(data, policy, name) -> bytes.

A module may also set LOSSLESS = False (it re-encodes the picture) and define notes(data, name) -> [str].
"""

from . import bmp, gif, jpeg, png, tiff, webp

# format name (see sniff.FORMATS) -> module with inspect() and clean()
CONTAINERS = {
    "jpeg": jpeg,
    "png": png,
    "gif": gif,
    "webp": webp,
    "tiff": tiff,
    "bmp": bmp,
}
