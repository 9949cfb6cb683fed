"""The HEIF 'meta' box as plain data (items, their bytes' locations, links and properties), and back to boxes.

Read: hdlr, pitm, iinf/infe, iloc (versions 0-2, construction methods 0 = file, 1 = idat, 2 = another item),
iref, iprp (ipco + ipma), idat. Write: the same boxes from the data, with the field sizes the input declared
(wider only where a value would not fit).
"""

from dataclasses import dataclass, field

from ..errors import CorruptImage, TooLarge, UnsupportedFormat
from .isobmff import Box, Reader, box, full_box, printable, read_boxes

MAX_ITEMS = 200_000
MAX_EXTENTS = 200_000
OFFSET_SIZES = (0, 4, 8)


@dataclass
class Item:
    id: int
    type: bytes = b""           # 4-char item type ('hvc1', 'grid', 'Exif', 'mime' ...); b"" for legacy infe
    hidden: bool = False        # infe flag 1: not meant to be shown on its own (tiles, alpha ...)
    infe_version: int = 2
    content_type: str = ""      # for 'mime' items
    protected: bool = False
    method: int = 0             # iloc construction method
    data_ref: int = 0           # iloc data reference index (0 = this file)
    base: int = 0
    extents: list[tuple[int, int, int]] = field(default_factory=list)  # (extent index, offset, length)
    located: bool = False


@dataclass
class Meta:
    primary: int | None = None
    items: dict[int, Item] = field(default_factory=dict)
    refs: list[tuple[bytes, int, list[int]]] = field(default_factory=list)  # (type, from item, to items)
    properties: list[Box] = field(default_factory=list)                     # ipco children, index 1..n
    assoc: dict[int, list[tuple[bool, int]]] = field(default_factory=dict)  # item -> [(essential, index)]
    iloc_layout: tuple[int, int, int, int, int] = (1, 4, 4, 0, 0)  # version, offset, length, base, index sizes
    ipma_layout: tuple[int, int] = (0, 0)                               # version, flags
    iinf_version: int = 0
    idat: Box | None = None
    handler: bytes = b""
    others: list[Box] = field(default_factory=list)                     # meta children not understood


def parse_meta(data: bytes, meta: Box) -> Meta:
    out = Meta()
    readers = {b"hdlr": _hdlr, b"pitm": _pitm, b"iinf": _iinf, b"iloc": _iloc, b"iref": _iref, b"iprp": _iprp}
    children = read_boxes(data, meta.start + 4, meta.end, "meta box")
    for kind, read in readers.items():  # in this order: 'iloc' adds to the items 'iinf' describes
        found = [child for child in children if child.kind == kind]
        if len(found) > 1:
            raise CorruptImage(f"two '{printable(kind)}' boxes in 'meta'")
        if found:
            read(data, found[0], out)
    for child in children:
        if child.kind in readers:
            continue
        if child.kind == b"idat":
            out.idat = child
        elif child.kind != b"dinf":  # data references: rewritten as "this file" whatever they said
            out.others.append(child)
    if out.handler != b"pict":
        raise UnsupportedFormat(f"the 'meta' box is not a picture's (handler '{printable(out.handler)}')")
    if out.primary is None:
        raise CorruptImage("no primary item ('pitm' box missing)")
    return out


def _full(data: bytes, b: Box) -> tuple[Reader, int, int]:
    r = Reader(data, b.start, b.end, printable(b.kind))
    return r, r.uint(1), r.uint(3)


def _hdlr(data: bytes, b: Box, out: Meta) -> None:
    r, _v, _f = _full(data, b)
    r.uint(4)
    out.handler = r.raw(4)


def _pitm(data: bytes, b: Box, out: Meta) -> None:
    r, version, _f = _full(data, b)
    out.primary = r.uint(2 if version == 0 else 4)


def _iinf(data: bytes, b: Box, out: Meta) -> None:
    r, version, _f = _full(data, b)
    out.iinf_version = version
    r.uint(2 if version == 0 else 4)  # entry count: the boxes that follow are what counts
    for child in read_boxes(data, r.pos, b.end, "'iinf' box"):
        if child.kind != b"infe":
            continue
        item = _infe(data, child)
        if item.id in out.items:
            raise CorruptImage(f"item {item.id} is described twice")
        if len(out.items) >= MAX_ITEMS:
            raise TooLarge(f"more than {MAX_ITEMS} items")
        out.items[item.id] = item


def _infe(data: bytes, b: Box) -> Item:
    r, version, flags = _full(data, b)
    if version < 2:  # legacy entry: no item type, only a name and a MIME type
        item = Item(r.uint(2), infe_version=version, protected=r.uint(2) != 0)
        r.cstring()
        item.type, item.content_type = b"mime", r.cstring().decode("latin-1")
        return item
    item = Item(r.uint(2 if version == 2 else 4), hidden=bool(flags & 1), infe_version=version)
    item.protected = r.uint(2) != 0
    item.type = r.raw(4)
    r.cstring()  # item name: not copied
    if item.type == b"mime":
        item.content_type = r.cstring().decode("latin-1")
    return item


def _iloc(data: bytes, b: Box, out: Meta) -> None:
    r, version, _f = _full(data, b)
    if version > 2:
        raise UnsupportedFormat(f"'iloc' version {version} is not known")
    sizes = r.uint(1)
    offset_size, length_size = sizes >> 4, sizes & 15
    sizes = r.uint(1)
    base_size, index_size = sizes >> 4, (sizes & 15) if version else 0
    if not {offset_size, length_size, base_size, index_size} <= set(OFFSET_SIZES):
        raise CorruptImage("'iloc' declares field sizes other than 0, 4 or 8 bytes")
    out.iloc_layout = (version, offset_size, length_size, base_size, index_size)
    count, extents, located = r.uint(2 if version < 2 else 4), 0, {}
    for _ in range(count):
        item_id = r.uint(2 if version < 2 else 4)
        method = r.uint(2) & 15 if version else 0
        data_ref, base, n = r.uint(2), r.uint(base_size), r.uint(2)
        extents += n
        if extents > MAX_EXTENTS:
            raise TooLarge(f"more than {MAX_EXTENTS} data extents in 'iloc'")
        spans = [(r.uint(index_size), r.uint(offset_size), r.uint(length_size)) for _ in range(n)]
        if item_id in located:
            raise CorruptImage(f"item {item_id} is located twice in 'iloc'")
        located[item_id] = (method, data_ref, base, spans)
    for item_id, (method, data_ref, base, spans) in located.items():
        item = out.items.setdefault(item_id, Item(item_id))  # located but not described: removed later
        item.method, item.data_ref, item.base, item.extents, item.located = method, data_ref, base, spans, True


def _iref(data: bytes, b: Box, out: Meta) -> None:
    r, version, _f = _full(data, b)
    id_size = 2 if version == 0 else 4
    for child in read_boxes(data, r.pos, b.end, "'iref' box"):
        cr = Reader(data, child.start, child.end, "iref/" + printable(child.kind))
        source = cr.uint(id_size)
        out.refs.append((child.kind, source, [cr.uint(id_size) for _ in range(cr.uint(2))]))


def _iprp(data: bytes, b: Box, out: Meta) -> None:
    for child in read_boxes(data, b.start, b.end, "'iprp' box"):
        if child.kind == b"ipco":
            if out.properties:
                raise CorruptImage("two 'ipco' boxes")
            out.properties = read_boxes(data, child.start, child.end, "'ipco' box")
        elif child.kind == b"ipma":
            r, version, flags = _full(data, child)
            out.ipma_layout = (version, flags)
            for _ in range(r.uint(4)):
                item_id = r.uint(2 if version < 1 else 4)
                wide = flags & 1
                for _ in range(r.uint(1)):
                    value = r.uint(2 if wide else 1)
                    top = 0x8000 if wide else 0x80
                    out.assoc.setdefault(item_id, []).append((bool(value & top), value & (top - 1)))


def item_bytes(data: bytes, meta: Meta, item: Item, limit: int | None = None) -> bytes:
    """The bytes an item is made of (construction methods 0 and 1); CorruptImage if they lie outside the file."""
    if item.data_ref != 0:
        raise UnsupportedFormat(f"item {item.id}'s data is in another file (data reference {item.data_ref})")
    if item.method == 0:
        start, end = 0, len(data)
    elif item.method == 1 and meta.idat is not None:
        start, end = meta.idat.start, meta.idat.end
    else:
        raise UnsupportedFormat(f"item {item.id} is built from other items' data (construction method "
                                f"{item.method}), which is not supported")
    pieces, total = [], 0
    for _index, offset, length in item.extents:
        first = start + item.base + offset
        last = end if length == 0 else first + length  # length 0: to the end of the source
        if first > end or last > end:
            raise CorruptImage(f"item {item.id}'s data lies outside the {'file' if item.method == 0 else 'idat box'}")
        if limit is not None:
            last = min(last, first + limit - total)
        pieces.append(data[first:last])
        total += last - first
        if limit is not None and total >= limit:
            break
    return b"".join(pieces)


def item_ranges(meta: Meta, item: Item, size: int) -> list[tuple[int, int]]:
    """The file byte ranges an item's data occupies (for method 0 and 1 items whose extents are inside)."""
    if item.method == 0:
        start, end = 0, size
    elif item.method == 1 and meta.idat is not None:
        start, end = meta.idat.start, meta.idat.end
    else:
        return []
    out = []
    for _index, offset, length in item.extents:
        first = start + item.base + offset
        out.append((min(first, end), end if length == 0 else min(first + length, end)))
    return out


# --- writing ---------------------------------------------------------------------------------------

def _width(value: int, declared: int) -> int:
    """The declared field size if the value fits in it, else the smallest of 4 or 8 bytes that does."""
    for size in (declared, 4, 8):
        if size and value < 2 ** (8 * size):
            return size
    raise TooLarge("a position does not fit in 64 bits")


def write_meta(meta: Meta, items: list[Item], props: list[bytes], assoc: dict[int, list[tuple[bool, int]]],
               refs: list[tuple[bytes, int, list[int]]], placed: dict[int, list[tuple[int, int, int]]],
               idat: bytes, limit: int) -> bytes:
    """A 'meta' box holding only `items`; `placed` gives each item's new (index, offset, length) extents,
    with offsets relative to the file (method 0) or to the new idat (method 1); `limit` bounds every offset."""
    largest = max([item.id for item in items] + [meta.primary or 0])
    wide_ids = largest >= 2 ** 16
    body = [full_box(b"hdlr", 0, 0, bytes(4) + b"pict" + bytes(12) + b"\x00"),
            box(b"dinf", full_box(b"dref", 0, 0, (1).to_bytes(4, "big") + full_box(b"url ", 0, 1, b""))),
            full_box(b"pitm", int(wide_ids), 0, (meta.primary or 0).to_bytes(4 if wide_ids else 2, "big"))]
    entries = [_infe_box(item) for item in items]
    iinf_version = 1 if len(entries) >= 2 ** 16 else meta.iinf_version
    body.append(full_box(b"iinf", iinf_version, 0, len(entries).to_bytes(2 if iinf_version == 0 else 4, "big")
                         + b"".join(entries)))
    if refs:
        size = 4 if wide_ids else 2
        links = [box(kind, source.to_bytes(size, "big") + len(to).to_bytes(2, "big")
                     + b"".join(t.to_bytes(size, "big") for t in to)) for kind, source, to in refs]
        body.append(full_box(b"iref", int(wide_ids), 0, b"".join(links)))
    body.append(box(b"iprp", box(b"ipco", b"".join(props)) + _ipma_box(meta, assoc, len(props), wide_ids)))
    if idat:
        body.append(box(b"idat", idat))
    body.append(_iloc_box(meta, items, placed, limit, wide_ids))
    return full_box(b"meta", 0, 0, b"".join(body))


def _infe_box(item: Item) -> bytes:
    version = 3 if item.id >= 2 ** 16 else 2
    tail = item.content_type.encode("latin-1") + b"\x00" if item.type == b"mime" else b""
    return full_box(b"infe", version, int(item.hidden), item.id.to_bytes(2 if version == 2 else 4, "big")
                    + b"\x00\x00" + item.type + b"\x00" + tail)


def _ipma_box(meta: Meta, assoc: dict[int, list[tuple[bool, int]]], count: int, wide_ids: bool) -> bytes:
    version, flags = meta.ipma_layout
    version, flags = max(version, int(wide_ids)), flags | int(count > 127)
    rows = []
    for item_id, links in sorted(assoc.items()):
        row = item_id.to_bytes(2 if version < 1 else 4, "big") + bytes([len(links)])
        for essential, index in links:
            row += ((0x8000 if essential else 0) | index).to_bytes(2, "big") if flags & 1 else \
                bytes([(0x80 if essential else 0) | index])
        rows.append(row)
    return full_box(b"ipma", version, flags, len(rows).to_bytes(4, "big") + b"".join(rows))


def _iloc_box(meta: Meta, items: list[Item], placed: dict[int, list[tuple[int, int, int]]], limit: int,
          wide_ids: bool) -> bytes:
    version, offset_size, length_size, base_size, index_size = meta.iloc_layout
    version = 2 if wide_ids or len(items) >= 2 ** 16 else max(version, 1 if any(i.method for i in items) else 0)
    offset_size, length_size = _width(limit, offset_size), _width(limit, length_size)
    index_size = index_size if version else 0
    rows = []
    for item in items:
        row = item.id.to_bytes(2 if version < 2 else 4, "big")
        if version:
            row += item.method.to_bytes(2, "big")
        row += bytes(2 + base_size) + len(placed[item.id]).to_bytes(2, "big")
        for index, offset, length in placed[item.id]:
            row += index.to_bytes(index_size, "big") + offset.to_bytes(offset_size, "big") \
                + length.to_bytes(length_size, "big")
        rows.append(row)
    head = bytes([offset_size << 4 | length_size, base_size << 4 | index_size])
    return full_box(b"iloc", version, 0, head + len(rows).to_bytes(2 if version < 2 else 4, "big") + b"".join(rows))
