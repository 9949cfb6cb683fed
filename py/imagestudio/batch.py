"""Batch helpers: names that never collide, and the "zip" operation for "download all".

The page runs "process" once per file (one failure never stops the rest) and then, if asked,
"zip" once over the results.
"""

import io
import os
import time
import unicodedata
import zipfile

from .errors import BadOptions

# Already-compressed formats are stored; deflating them again costs time and saves nothing.
STORED_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip"}
MAX_FILES = 10_000


MAX_NAME = 200  # characters; a ZIP entry name must stay under 64 KB and every disk takes this many


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, no control or direction characters, NFC, at most
    MAX_NAME characters, never empty. (zipfile cuts a name at NUL: 'a\\0.jpg' and 'a\\0.png' both became 'a'.)"""
    text = unicodedata.normalize("NFC", str(name)).replace("\\", "/")
    text = "".join(c for c in text if c.isprintable())
    base = os.path.basename(text).strip().lstrip(".")
    if len(base) > MAX_NAME:
        stem, ext = os.path.splitext(base)
        ext = ext[:16]
        base = stem[:MAX_NAME - len(ext)] + ext
    return base or "image"


def unique_names(names) -> list[str]:
    """['a.jpg', 'a.jpg', 'A.JPG'] -> ['a.jpg', 'a-2.jpg', 'A-3.JPG'] (case-insensitive, as on most disks)."""
    taken, out = set(), []
    for name in names:
        stem, ext = os.path.splitext(safe_name(name))
        candidate, n = stem + ext, 2
        while candidate.lower() in taken:
            candidate = f"{stem}-{n}{ext}"
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


def make_zip(files) -> bytes:
    """files: iterable of (name, bytes). Names are made safe and unique."""
    files = list(files)
    now = time.localtime()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (_old, payload) in zip(unique_names(n for n, _ in files), files):
            info = zipfile.ZipInfo(name, date_time=max(now, (1980, 1, 1, 0, 0, 0)))
            stored = os.path.splitext(name)[1].lower() in STORED_EXTENSIONS
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    return buffer.getvalue()


def split_files(data: bytes, entries, name: str = "") -> list:
    """Cut `data` into (name, bytes) by the sizes listed in `entries`, in order."""
    label = name or "the ZIP"
    if not isinstance(entries, list) or not entries:
        raise BadOptions(f"{label}: zip needs options.files, a list of {{name, size}}")
    if len(entries) > MAX_FILES:
        raise BadOptions(f"{label}: at most {MAX_FILES} files per ZIP")
    out, offset = [], 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or set(entry) != {"name", "size"}:
            raise BadOptions(f"{label}: files[{i}] must be {{\"name\": ..., \"size\": ...}}")
        size = entry["size"]
        if isinstance(size, bool) or not isinstance(size, int) or size < 0:
            raise BadOptions(f"{label}: files[{i}].size must be a whole number of bytes")
        if not isinstance(entry["name"], str):
            raise BadOptions(f"{label}: files[{i}].name must be text")
        out.append((entry["name"], data[offset:offset + size]))
        offset += size
    if offset != len(data):
        raise BadOptions(f"{label}: the sizes add up to {offset} bytes but {len(data)} bytes were sent")
    return out


def zip_op(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Operation "zip": pack many files into one ZIP.

    data    = the files' bytes one after another (in JavaScript: new Blob(parts).arrayBuffer())
    options = {"files": [{"name": "a.jpg", "size": 1234}, ...]} in the same order; sizes cut `data`.
    name    = the ZIP's file name (default "image-studio.zip").
    Names are stripped of folders and made unique: a.jpg, a-2.jpg, ... JPEG/PNG/WebP/GIF are stored
    as they are (ZIP_STORED); anything else is deflated.
    """
    options = options or {}
    unknown = set(options) - {"files"}
    if unknown:
        raise BadOptions(f"{name or 'the ZIP'}: unknown zip option(s): {', '.join(sorted(unknown))}")
    files = split_files(data, options.get("files"), name)
    names = unique_names(n for n, _ in files)
    archive = make_zip(files)
    zip_name = safe_name(name or "image-studio.zip")
    if not zip_name.lower().endswith(".zip"):
        zip_name += ".zip"
    return {"ok": True, "data": archive, "mime": "application/zip", "name": zip_name,
            "report": {"files": names, "count": len(names), "bytes_out": len(archive)}}
