"""One module per container format, each implementing the Container contract below.

A module's allowlist is the data at its top; containers/README.md says what each keeps.
"""

import importlib
from collections.abc import Iterator, Mapping
from typing import Protocol, cast

from ..policy import CleanPolicy
from ..report import Finding


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


class _Containers(Mapping[str, Container]):
    """Format name -> its container module, imported when the first file of that format comes: the engine starts
    faster in the browser when a JPEG batch never loads the HEIF, GIF or TIFF code."""

    def __init__(self, modules: dict[str, str]):
        self._modules = modules

    def __getitem__(self, fmt: str) -> Container:
        return cast(Container, importlib.import_module(f"{__name__}.{self._modules[fmt]}"))

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)


# format name (see sniff.FORMATS) -> the module of its container
CONTAINERS: Mapping[str, Container] = _Containers({
    "jpeg": "jpeg",
    "png": "png",
    "gif": "gif",
    "webp": "webp",
    "tiff": "tiff",
    "bmp": "bmp",
    "heif": "heif",
    "avif": "heif",
})
