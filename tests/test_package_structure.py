"""The engine's modules import each other without cycles, so each one can be read (and moved) on its own."""

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "py" / "imagestudio"
# EXIF and IPTC nest in each other in the file formats (a TIFF tag holds IPTC, a Photoshop block holds EXIF), and
# the readers follow them both ways; iptc imports exif only inside the function that needs it.
ALLOWED_CYCLES = [{"imagestudio.readers.exif", "imagestudio.readers.iptc"}]


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path, modules: set[str]) -> set[str]:
    """The package's modules that this file imports, at module level or inside functions."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[:len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from . import a, b` imports submodules; `from .m import name` imports m.
            targets = [f"{base}.{alias.name}" for alias in node.names] + [base]
        else:
            continue
        # A package's own __init__ has run before any of its modules: an import of it is no edge back.
        found |= {t for t in targets if t in modules and t != name and not name.startswith(t + ".")}
    return found


def graph() -> dict[str, set[str]]:
    files = sorted(PACKAGE.rglob("*.py"))
    modules = {_module_name(f) for f in files}
    return {_module_name(f): _imports(f, modules) for f in files}


def cycles(edges: dict[str, set[str]]) -> list[set[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on_stack, out = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in edges.get(node, ()):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1:
                out.append(component)

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return out


def test_the_graph_sees_the_imports_it_should():
    edges = graph()
    assert "imagestudio.cleaning" in edges["imagestudio.process"]
    assert "imagestudio.containers.jpeg_markers" in edges["imagestudio.containers.jpeg"]
    assert "imagestudio.readers.exif" in edges["imagestudio.readers.iptc"]  # the import inside a function counts


def test_no_import_cycles():
    found = [c for c in cycles(graph()) if c not in ALLOWED_CYCLES]
    assert not found, f"import cycles: {[sorted(c) for c in found]}"


def test_a_cycle_is_found():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [{"a", "b", "c"}]


def test_a_jpeg_clean_loads_no_other_formats_code():
    """Operations and containers are imported by the first job that needs them (api.OPERATIONS, CONTAINERS): the
    page's engine is ready sooner, and a JPEG batch never loads the HEIF, GIF, PNG, WebP, TIFF or ZIP code."""
    import subprocess
    import sys

    from pictures import camera_photo

    script = ("import sys; from imagestudio import api; "
              "assert api.handle('clean', sys.stdin.buffer.read(), {}, 'a.jpg')['ok']; "
              "print(' '.join(sorted(m for m in sys.modules if m.startswith('imagestudio'))))")
    loaded = subprocess.run([sys.executable, "-c", script], input=camera_photo(), capture_output=True, check=True,
                            cwd=PACKAGE.parent).stdout.decode().split()
    assert "imagestudio.containers.jpeg" in loaded
    unwanted = {f"imagestudio.containers.{m}" for m in ("heif", "gif", "png", "webp", "tiff", "bmp")}
    assert not unwanted & set(loaded) and "imagestudio.zip_parts" not in loaded
