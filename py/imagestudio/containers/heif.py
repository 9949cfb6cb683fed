"""HEIC/HEIF/AVIF (ISO base media boxes): inspect only. The browser's Pillow cannot decode these pictures,
so a clean is refused, but the report still shows what the file reveals (iPhones save HEIC by default).

Metadata lives in 'meta': items listed in 'iinf', located by 'iloc' (in the file or in 'idat'),
linked by 'iref' (thumbnails, depth/gain maps); the colour profile is a 'colr' box in 'iprp/ipco'.
"""

from ..errors import CorruptImage, UnsupportedFormat
from ..readers import exif as exif_reader
from ..readers import icc, xmp
from ..report import Finding
from ..sniff import HEIF, identify

LOSSLESS = True
CLEANABLE = False  # inspect only: notes() says why

# iref link types that point at hidden pictures: label
HIDDEN_LINKS = {b"thmb": "Thumbnail picture(s)", b"auxl": "Depth, alpha or gain map(s)"}
MAX_BOXES = 10_000
MAX_ITEMS = 10_000
MAX_ITEM_BYTES = 16 * 1024 * 1024
MAX_METADATA_ITEMS = 16  # a real file has one EXIF and one XMP item


def boxes(data: bytes, start: int, end: int):
    """Yield (type, body start, body end) for the boxes in data[start:end]; stop at a malformed one."""
    pos, count = start, 0
    while pos + 8 <= end and count < MAX_BOXES:
        size, kind, head = int.from_bytes(data[pos:pos + 4], "big"), bytes(data[pos + 4:pos + 8]), 8
        if size == 1 and pos + 16 <= end:
            size, head = int.from_bytes(data[pos + 8:pos + 16], "big"), 16
        elif size == 0:
            size = end - pos
        if size < head or pos + size > end:
            return
        yield kind, pos + head, pos + size
        pos += size
        count += 1


def _child(data: bytes, start: int, end: int, kind: bytes):
    return next(((s, e) for k, s, e in boxes(data, start, end) if k == kind), None)


def _uint(data: bytes, pos: int, size: int) -> tuple[int, int]:
    return int.from_bytes(data[pos:pos + size], "big"), pos + size


def _items(data: bytes, start: int, end: int) -> dict:
    """{item id: (type, content type)} from 'iinf'."""
    version = data[start]
    pos = start + 4 + (2 if version == 0 else 4)
    out: dict = {}
    for kind, s, e in boxes(data, pos, end):
        if kind != b"infe" or data[s] < 2 or len(out) >= MAX_ITEMS:
            continue
        id_size = 2 if data[s] == 2 else 4
        item_id, pos2 = _uint(data, s + 4, id_size)
        item_type = bytes(data[pos2 + 2:pos2 + 6])
        rest = bytes(data[pos2 + 6:e]).split(b"\x00")
        out[item_id] = (item_type, rest[1].decode("latin-1") if item_type == b"mime" and len(rest) > 1 else "")
    return out


def _locations(data: bytes, start: int, end: int) -> dict:
    """{item id: (construction method, [(offset, length), ...])} from 'iloc'."""
    version = data[start]
    sizes = data[start + 4:start + 6]
    if len(sizes) < 2:
        return {}
    offset_size, length_size, base_size = sizes[0] >> 4, sizes[0] & 15, sizes[1] >> 4
    index_size = sizes[1] & 15 if version in (1, 2) else 0
    count, pos = _uint(data, start + 6, 2 if version < 2 else 4)
    out: dict = {}
    for _ in range(min(count, MAX_ITEMS)):
        if pos >= end:
            break
        item_id, pos = _uint(data, pos, 2 if version < 2 else 4)
        method = 0
        if version in (1, 2):
            method, pos = _uint(data, pos, 2)
            method &= 15
        pos += 2  # data reference index
        base, pos = _uint(data, pos, base_size)
        extents, pos = _uint(data, pos, 2)
        spans = []
        for _ in range(min(extents, MAX_ITEMS)):
            if pos >= end:  # a count larger than the box: stop at the box's end
                break
            pos += index_size
            offset, pos = _uint(data, pos, offset_size)
            length, pos = _uint(data, pos, length_size)
            spans.append((base + offset, length))
        out[item_id] = (method, spans)
    return out


def _links(data: bytes, start: int, end: int) -> dict:
    """{link type: number of linked items} from 'iref'."""
    id_size = 2 if data[start] == 0 else 4
    out: dict = {}
    for kind, s, _e in boxes(data, start + 4, end):
        count, _pos = _uint(data, s + id_size, 2)
        out[kind] = out.get(kind, 0) + count
    return out


def _payload(data: bytes, location, idat) -> bytes:
    """An item's bytes, at most MAX_ITEM_BYTES (a metadata item is small; a lying 'iloc' must not allocate)."""
    method, spans = location
    source, base = (data, 0) if method == 0 else ((data, idat[0]) if idat and method == 1 else (b"", 0))
    out, total = [], 0
    for offset, length in spans:
        piece = source[base + offset:base + offset + min(length, MAX_ITEM_BYTES - total)]
        out.append(bytes(piece))
        total += len(piece)
        if total >= MAX_ITEM_BYTES:
            break
    return b"".join(out)


def inspect(data: bytes, name: str = "") -> list[Finding]:
    meta = _child(data, 0, len(data), b"meta")
    if meta is None:
        raise CorruptImage(f"{name or 'this file'}: HEIF/AVIF file without a 'meta' box")
    start, end = meta[0] + 4, meta[1]  # 'meta' is a full box: version and flags first
    iinf, iloc = _child(data, start, end, b"iinf"), _child(data, start, end, b"iloc")
    items = _items(data, *iinf) if iinf else {}
    locations = _locations(data, *iloc) if iloc else {}
    idat = _child(data, start, end, b"idat")
    found, read = [], 0
    for item_id, (item_type, content_type) in items.items():
        if item_id not in locations or read >= MAX_METADATA_ITEMS:
            continue
        read += item_type in (b"Exif", b"mime")
        if item_type == b"Exif":
            blob = _payload(data, locations[item_id], idat)
            skip = int.from_bytes(blob[:4], "big")  # offset of the TIFF header after this field
            found += exif_reader.read(blob[4 + skip:], "EXIF item")
        elif item_type == b"mime" and "xml" in content_type:
            found += xmp.read(_payload(data, locations[item_id], idat), "XMP item")
    iref = _child(data, start, end, b"iref")
    for link, count in (_links(data, *iref) if iref else {}).items():
        if link in HIDDEN_LINKS:
            found.append(Finding("hidden", "extra_image", HIDDEN_LINKS[link], f"{count}",
                                 f"HEIF item links ({link.decode()})"))
    iprp = _child(data, start, end, b"iprp")
    ipco = _child(data, iprp[0], iprp[1], b"ipco") if iprp else None
    for kind, s, e in boxes(data, *ipco) if ipco else ():
        if kind == b"colr" and bytes(data[s:s + 4]) in (b"prof", b"rICC"):
            found += icc.read(bytes(data[s + 4:e]), "HEIF colour property")
            break
    return found


def clean(data: bytes, policy, name: str = "") -> bytes:
    raise UnsupportedFormat(f"{name or 'this file'}: HEIF/AVIF images are not supported yet (the browser build of "
                            "Pillow cannot decode them); nothing was produced")


def notes(data: bytes, name: str = "") -> list[str]:
    kind = (identify(data) or HEIF).name.upper()
    return [f"{kind} can be inspected but not cleaned yet (the browser build of Pillow cannot decode it): "
            "convert it to JPEG first"]
