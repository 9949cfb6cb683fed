"""One module per container format: inspect(data, name) -> findings, clean(data, policy, name) -> bytes."""

from . import jpeg

# format name (see sniff.FORMATS) -> module with inspect() and clean()
CONTAINERS = {
    "jpeg": jpeg,
}
