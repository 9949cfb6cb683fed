"""ZIP packing for "download all": names that never collide, and the "zip" operation.

The page runs "process" once per file (one failure never stops the rest) and then, if asked,
"zip" once over the results.
"""

import io
import os
import time
import unicodedata
import zipfile

from .errors import BadOptions, StillDirty

# Already-compressed formats are stored; deflating them again costs time and saves nothing.
STORED_EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp", ".gif", ".zip"}
MAX_FILES = 10_000


MAX_NAME = 200  # characters; a ZIP entry name must stay under 64 KB and every disk takes this many
MAX_DEPTH = 16  # folders kept above a file in a ZIP; deeper ones are dropped from the top


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


def safe_path(name: str) -> str:
    """'day1/IMG.jpg' stays 'day1/IMG.jpg'; each folder is made a safe name, '.', '..' and empty ones go,
    so no entry can land outside the folder it is unpacked into."""
    parts = unicodedata.normalize("NFC", str(name)).replace("\\", "/").split("/")
    folders = [safe_name(p) for p in parts[:-1] if p.strip().strip(".")][-MAX_DEPTH:]
    return "/".join([*folders, safe_name(parts[-1])])


def unique_names(names, folders: bool = False) -> list[str]:
    """['a.jpg', 'a.jpg', 'A.JPG'] -> ['a.jpg', 'a-2.jpg', 'A-3.JPG'] (case-insensitive, as on most disks).
    With `folders`, names keep their (safe) folders: 'day1/a.jpg' and 'day2/a.jpg' are both unique."""
    taken, out = set(), []
    for name in names:
        stem, ext = os.path.splitext(safe_path(name) if folders else safe_name(name))
        candidate, n = stem + ext, 2
        while candidate.lower() in taken:
            candidate = f"{stem}-{n}{ext}"
            n += 1
        taken.add(candidate.lower())
        out.append(candidate)
    return out


FIXED_DATE = (1980, 1, 1, 0, 0, 0)  # the earliest a ZIP can say: entries tell nothing of when they were packed


def zip_date(modified_ms: float | None) -> tuple:
    """A ZIP entry date: the fixed one, or a file's own date (ms since 1970, as File.lastModified), in UTC so no
    time zone is given away."""
    if modified_ms is None:
        return FIXED_DATE
    y, mo, d, h, mi, s = time.gmtime(max(modified_ms, 0) / 1000)[:6]
    return max((y, mo, d, h, mi, s - s % 2), FIXED_DATE)  # a ZIP stores seconds in twos


def make_zip(files, folders: bool = False, dates=None) -> bytes:
    """files: iterable of (name, bytes); dates: one zip_date() tuple per file (default: the fixed date).
    Names are made safe and unique (keeping their folders if asked). No archive comment, no per-entry comment
    or extra fields."""
    files = list(files)
    dates = list(dates) if dates is not None else [FIXED_DATE] * len(files)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, (_old, payload), date in zip(unique_names((n for n, _ in files), folders), files, dates):
            info = zipfile.ZipInfo(name, date_time=date)
            stored = os.path.splitext(name)[1].lower() in STORED_EXTENSIONS
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, payload)
    data = buffer.getvalue()
    _verify_zip(data, dates)
    return data


def _verify_zip(data: bytes, dates: list) -> None:
    """Fail closed: the archive says nothing beyond the names, the bytes and the dates chosen."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        entries = archive.infolist()
        if archive.comment or any(e.comment or e.extra for e in entries) or \
                [e.date_time for e in entries] != [tuple(d) for d in dates]:
            raise StillDirty("the ZIP would carry a comment, extra fields or dates that were not chosen; "
                             "it was not made")


def split_files(data: bytes, entries, name: str = "") -> list:
    """Cut `data` into (name, bytes) by the sizes listed in `entries`, in order."""
    label = name or "the ZIP"
    if not isinstance(entries, list) or not entries:
        raise BadOptions(f"{label}: zip needs options.files, a list of {{name, size}}")
    if len(entries) > MAX_FILES:
        raise BadOptions(f"{label}: at most {MAX_FILES} files per ZIP")
    out, offset = [], 0
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict) or not {"name", "size"} <= set(entry) <= {"name", "size", "modified"}:
            raise BadOptions(f"{label}: files[{i}] must be {{\"name\": ..., \"size\": ...}} (and optionally "
                             "\"modified\", the original's lastModified)")
        modified = entry.get("modified")
        if modified is not None and (isinstance(modified, bool) or not isinstance(modified, (int, float))):
            raise BadOptions(f"{label}: files[{i}].modified must be a time in milliseconds since 1970")
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
    options = {"files": [{"name": "a.jpg", "size": 1234}, ...], "folders": false} in the same order; sizes
              cut `data`.
    name    = the ZIP's file name (default "image-studio.zip").
    Names are made unique (a.jpg, a-2.jpg, ...) and stripped of folders, unless `folders` is true: then
    "day1/a.jpg" keeps its (safe) folder. JPEG/PNG/WebP/GIF are stored as they are (ZIP_STORED); anything
    else is deflated.
    """
    options = options or {}
    unknown = set(options) - {"files", "folders", "keep_file_dates"}
    if unknown:
        raise BadOptions(f"{name or 'the ZIP'}: unknown zip option(s): {', '.join(sorted(unknown))}")
    folders = options.get("folders", False)
    if not isinstance(folders, bool):
        raise BadOptions(f"{name or 'the ZIP'}: zip option folders must be true or false")
    files = split_files(data, options.get("files"), name)
    names = unique_names((n for n, _ in files), folders)
    keep = options.get("keep_file_dates") is True
    dates = [zip_date(entry.get("modified") if keep else None) for entry in options["files"]]
    archive = make_zip(files, folders, dates)
    zip_name = safe_name(name or "image-studio.zip")
    if not zip_name.lower().endswith(".zip"):
        zip_name += ".zip"
    kept = [{"key": "file_date", "label": "File date", "value": "%04d-%02d-%02d %02d:%02d:%02d UTC" % d,
             "where": f"ZIP entry {n}"} for n, d in zip(names, dates) if d != FIXED_DATE]
    return {"ok": True, "data": archive, "mime": "application/zip", "name": zip_name,
            "report": {"files": names, "count": len(names), "bytes_out": len(archive), "kept": kept}}
