"""One module per container format, each implementing the Container contract below.

A module's allowlist is the data at its top; containers/README.md says what each keeps.
"""

from typing import Protocol

from ..policy import CleanPolicy
from ..report import Finding
from . import bmp, gif, heif, jpeg, png, tiff, webp


class Container(Protocol):
    """What the engine asks of a file format (a module satisfies it with module-level names)."""

    LOSSLESS: bool   # a clean copies the compressed picture untouched (False: re-encoded, pixels proven identical)
    CLEANABLE: bool  # False: inspect only; clean() is never called and notes() say why

    def inspect(self, data: bytes, name: str = "") -> list[Finding]:
        """Everything the file reveals; raise an EngineError naming the file when it cannot be read."""
        ...

    def clean(self, data: bytes, policy: CleanPolicy, name: str = "") -> bytes:
        """The file without what the policy removes (the caller re-inspects it: fail closed)."""
        ...

    def notes(self, data: bytes, name: str = "") -> list[str]:
        """Plain sentences about the file or its clean that are not metadata."""
        ...


# format name (see sniff.FORMATS) -> its container
CONTAINERS: dict[str, Container] = {
    "jpeg": jpeg,
    "png": png,
    "gif": gif,
    "webp": webp,
    "tiff": tiff,
    "bmp": bmp,
    "heif": heif,
    "avif": heif,
}
