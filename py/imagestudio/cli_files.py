"""File plumbing shared by the command-line commands: read inputs, write outputs without overwriting."""

from pathlib import Path

from . import batch


def read_inputs(paths):
    """Yield (path, bytes) per file; bytes is None (after one printed error line) when it cannot be read."""
    for path in paths:
        try:
            yield path, Path(path).read_bytes()
        except OSError as err:
            print(f"error  {path}: cannot read ({err.strerror or err})")
            yield path, None


def write_new(outdir: Path, name: str, data: bytes, taken: set) -> Path:
    """Never overwrite: an input, an earlier output or an existing file gets -2, -3 ..."""
    target = outdir / batch.safe_name(name)
    stem, suffix, n = target.stem, target.suffix, 2
    while target.exists() or target.resolve() in taken:
        target = outdir / f"{stem}-{n}{suffix}"
        n += 1
    target.write_bytes(data)
    taken.add(target.resolve())
    return target
