""""Download all" as a streamed ZIP: the archive's bytes made piece by piece, never as one buffer.

The page holds every result already; packing them again into one wasm buffer held the whole batch twice
(50 photos reached 1.8 GB). Here the engine makes only the ZIP's own bytes, and the page chains them with the
results it holds into one Blob (or writes the files into a folder instead):

    zip_names  options {"files": [{"name", "modified"}], "folders", "keep_file_dates"}, no data
               -> report {"entries": [{"name", "date", "stored"}], "kept": [...]}: safe unique names, the dates
                  to write, and whether the entry is stored (its header takes the result's crc32 and size)
    zip_entry  data = one result's bytes; options {"name", "date"} (one entry from zip_names)
               -> data = the entry's local header (+ the deflated body when it is deflated),
                  report {"record": {...}, "append_original": bool}: whether the page puts the result's own
                  bytes after the header (stored entries: JPEG, PNG, WebP...)
               For a stored entry the page may send no data and options {"name", "date", "crc", "size"}: the
               CRC the result came with (api.handle adds crc32 to each result), so a result's bytes are not
               copied into a worker a second time only to be summed.
    zip_end    options {"records": [record, ...]} in archive order
               -> data = the central directory and end record, checked by reading them back with zipfile

The pieces in order (header, result, header, result, ..., end) are byte for byte what archive.make_zip writes
for the same files: same names, fixed 1980 dates unless asked, no comments, no extra fields.
"""

import io
import os
import zipfile
import zlib
from typing import TypeGuard

from .archive import (FIXED_DATE, MAX_FILES, STORED_EXTENSIONS, safe_name, safe_path, split_files, unique_names,
                      zip_date)
from .errors import BadOptions, StillDirty

ENTRY_LIMIT = zipfile.ZIP64_LIMIT  # bytes per entry: a bigger one would need ZIP64 local headers
RECORD_KEYS = {"name", "date", "crc", "size", "compressed_size", "deflated"}
CRC_LIMIT = 1 << 32


def _label(name: str) -> str:
    return name or "the ZIP"


def _only(options: dict, allowed: set, name: str, op: str) -> None:
    unknown = set(options) - allowed
    if unknown:
        raise BadOptions(f"{_label(name)}: unknown {op} option(s): {', '.join(sorted(unknown))}")


def _is_deflated(name: str) -> bool:
    """archive.make_zip's choice: already-compressed formats are stored, the rest deflated."""
    return os.path.splitext(name)[1].lower() not in STORED_EXTENSIONS


def _info(name: str, date: tuple, deflated: bool) -> zipfile.ZipInfo:
    """The entry as archive.make_zip describes it to zipfile."""
    info = zipfile.ZipInfo(name, date_time=date)
    info.compress_type = zipfile.ZIP_DEFLATED if deflated else zipfile.ZIP_STORED
    info.external_attr = 0o644 << 16
    info.flag_bits = 0
    return info


def _date(value, label: str) -> tuple:
    if not (isinstance(value, list) and len(value) == 6 and all(isinstance(v, int) and not isinstance(v, bool)
                                                               for v in value)):
        raise BadOptions(f"{label}: date must be [year, month, day, hour, minute, second]")
    date = tuple(value)
    if date < FIXED_DATE or date[0] > 2107:
        raise BadOptions(f"{label}: a ZIP date lies between 1980 and 2107")
    return date


def _entry_name(value, label: str) -> str:
    if not isinstance(value, str) or not value or safe_path(value) != value:
        raise BadOptions(f"{label}: the entry name must be one zip_names gave")
    return value


def zip_names_op(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Operation "zip_names": every entry's safe unique name and date, before any bytes are packed."""
    options = options or {}
    _only(options, {"files", "folders", "keep_file_dates"}, name, "zip_names")
    folders = options.get("folders", False)
    if not isinstance(folders, bool):
        raise BadOptions(f"{_label(name)}: zip option folders must be true or false")
    files = options.get("files")
    if not isinstance(files, list) or any(not isinstance(f, dict) or "size" in f for f in files):
        raise BadOptions(f"{_label(name)}: zip_names needs options.files, a list of {{name, modified}}")
    split_files(b"", [{**f, "size": 0} for f in files], name)  # the one-buffer "zip"'s checks, every size 0
    keep = options.get("keep_file_dates") is True
    dates = [zip_date(f.get("modified") if keep else None) for f in files]
    names = unique_names((f["name"] for f in files), folders)
    kept = [{"key": "file_date", "label": "File date", "value": "%04d-%02d-%02d %02d:%02d:%02d UTC" % d,
             "where": f"ZIP entry {n}"} for n, d in zip(names, dates) if d != FIXED_DATE]
    zip_name = safe_name(name or "image-studio.zip")
    if not zip_name.lower().endswith(".zip"):
        zip_name += ".zip"
    return {"ok": True, "data": None, "mime": "application/zip", "name": zip_name,
            "report": {"entries": [{"name": n, "date": list(d), "stored": not _is_deflated(n)}
                                   for n, d in zip(names, dates)], "kept": kept,
                       "folders": sorted({n.rsplit("/", 1)[0] for n in names if "/" in n})}}


def zip_entry_op(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Operation "zip_entry": one entry's local header, its CRC and sizes (and its deflated body if deflated)."""
    options = options or {}
    _only(options, {"name", "date", "crc", "size"}, name, "zip_entry")
    label = _label(name)
    entry = _entry_name(options.get("name"), label)
    date = _date(options.get("date"), label)
    deflated = _is_deflated(entry)
    if "crc" in options or "size" in options:
        if deflated or data:
            raise BadOptions(f"{entry}: crc and size are given only for a stored entry, without its bytes")
        crc, size = options.get("crc"), options.get("size")
        if not _is_whole(crc, CRC_LIMIT):
            raise BadOptions(f"{entry}: crc must be a whole number below {CRC_LIMIT}")
        if not _is_whole(size):
            raise BadOptions(f"{entry}: size must be a whole number")
    else:
        crc, size = zlib.crc32(data), len(data)
    if size >= ENTRY_LIMIT:
        raise BadOptions(f"{entry}: too large for one ZIP entry (2 GB at most); save the files as a folder")
    body = b""
    if deflated:  # as zipfile deflates: default level, raw stream
        packer = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        body = packer.compress(data) + packer.flush()
    record = {"name": entry, "date": list(date), "crc": crc, "size": size,
              "compressed_size": len(body) if deflated else size, "deflated": deflated}
    header = _header(record)
    return {"ok": True, "data": header + body, "mime": "application/octet-stream", "name": entry,
            "report": {"record": record, "append_original": not deflated}}


def _is_whole(value, below: int | None = None) -> TypeGuard[int]:
    """A whole number (not a bool) from 0, under `below` when given."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0 and (below is None or value < below)


def _header(record: dict) -> bytes:
    info = _zipinfo(record)
    return info.FileHeader(False)


def _zipinfo(record: dict) -> zipfile.ZipInfo:
    info = _info(record["name"], tuple(record["date"]), record["deflated"])
    info.CRC, info.file_size, info.compress_size = record["crc"], record["size"], record["compressed_size"]
    return info


def _record(value, i: int, label: str) -> dict:
    where = f"{label}: records[{i}]"
    if not isinstance(value, dict) or set(value) != RECORD_KEYS:
        raise BadOptions(f"{where} must be a record zip_entry gave")
    limits = {"crc": CRC_LIMIT, "size": ENTRY_LIMIT, "compressed_size": ENTRY_LIMIT}
    if not all(_is_whole(value[k], limit) for k, limit in limits.items()):
        raise BadOptions(f"{where}: crc and sizes must be whole numbers, sizes under 2 GB")
    if not isinstance(value["deflated"], bool) or value["deflated"] != _is_deflated(value["name"]):
        raise BadOptions(f"{where}: deflated must be what zip_entry chose")
    return {**value, "name": _entry_name(value["name"], where), "date": list(_date(value["date"], where))}


class _Tail(io.RawIOBase):
    """Where zipfile writes the central directory: only the bytes written are kept, at a position past the
    entries (which the page holds), so no buffer of the whole archive is ever made."""

    def __init__(self, start: int) -> None:
        self.start, self.out = start, bytearray()

    def writable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.start + len(self.out)

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence != 0 or offset != self.tell():
            raise OSError("the entries are not here")
        return offset

    def write(self, data) -> int:
        self.out += data
        return len(data)


def zip_end_op(data: bytes, name: str = "", options: dict | None = None) -> dict:
    """Operation "zip_end": the central directory and end record for the entries zip_entry made, in order."""
    options = options or {}
    _only(options, {"records"}, name, "zip_end")
    label = _label(name)
    records = options.get("records")
    if not isinstance(records, list) or not records or len(records) > MAX_FILES:
        raise BadOptions(f"{label}: zip_end needs options.records, 1 to {MAX_FILES} records from zip_entry")
    records = [_record(r, i, label) for i, r in enumerate(records)]
    if len({r["name"].lower() for r in records}) != len(records):
        raise BadOptions(f"{label}: two records have the same name")
    infos, offset = [], 0
    for record in records:
        info = _zipinfo(record)
        info.header_offset = offset
        offset += len(info.FileHeader(False)) + record["compressed_size"]
        infos.append(info)
    tail = _Tail(offset)
    archive = zipfile.ZipFile(tail, "w")
    for info in infos:
        archive.filelist.append(info)
        archive.NameToInfo[info.filename] = info
    archive.close()
    end = bytes(tail.out)
    _verify_end(end, offset, records)
    names = [r["name"] for r in records]
    return {"ok": True, "data": end, "mime": "application/octet-stream", "name": safe_name(name or "image-studio.zip"),
            "report": {"files": names, "count": len(names), "bytes_out": offset + len(end)}}


class _Sparse(io.RawIOBase):
    """The archive as a reader sees it, with zeros where the entries are: enough to read its directory."""

    def __init__(self, start: int, end: bytes) -> None:
        self.start, self.end, self.size, self.pos = start, end, start + len(end), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def seek(self, offset: int, whence: int = 0) -> int:
        self.pos = {0: offset, 1: self.pos + offset, 2: self.size + offset}[whence]
        return self.pos

    def tell(self) -> int:
        return self.pos

    def readinto(self, buffer) -> int:
        n = max(0, min(len(buffer), self.size - self.pos))
        chunk = bytes(max(0, min(n, self.start - self.pos))) + self.end[max(0, self.pos - self.start):][:n]
        buffer[:n] = chunk[:n]
        self.pos += n
        return n


def _without_zip64(extra: bytes) -> bytes:
    """An entry past 2 GB into the archive needs its offset in a ZIP64 field (id 1, whole 64-bit numbers):
    the one extra field allowed."""
    if extra[:2] == b"\x01\x00" and len(extra) >= 4 and len(extra) == 4 + int.from_bytes(extra[2:4], "little") \
            and (len(extra) - 4) % 8 == 0:
        return b""
    return extra


def _verify_end(end: bytes, start: int, records: list) -> None:
    """Fail closed: read the directory back as any unzip would; it names only these entries, with their dates,
    sizes and CRCs, and carries no comment or extra field."""
    with zipfile.ZipFile(io.BufferedReader(_Sparse(start, end))) as archive:
        seen = [(e.filename, list(e.date_time), e.CRC, e.file_size, e.comment, _without_zip64(e.extra))
                for e in archive.infolist()]
        clean = not archive.comment
    wanted = [(r["name"], r["date"], r["crc"], r["size"], b"", b"") for r in records]
    if not clean or seen != wanted:
        raise StillDirty("the ZIP's directory would say more than the names, sizes and dates chosen; it was not made")
