"""HEIF files built by hand with struct (not with the engine's writer), so their structure can lie.

Shared by tests/test_file_heif.py and fuzz/run.py (as seeds). The coded picture is fake (no decoder reads it):
these files test the container, not the codec. Every builder is deterministic.
"""

import functools
import struct

from hostile_inputs import CANARY, exif_body

PICTURE = b"\x00\x00\x00\x10HEVC-FAKE-SLICE" + bytes(range(64))  # stands in for the coded data of the photo


def box(kind: bytes, body: bytes, size: int | None = None) -> bytes:
    return struct.pack(">I", 8 + len(body) if size is None else size) + kind + body


def full(kind: bytes, version: int, flags: int, body: bytes) -> bytes:
    return box(kind, bytes([version]) + flags.to_bytes(3, "big") + body)


def infe(item_id: int, kind: bytes, hidden: bool = False, content_type: bytes = b"") -> bytes:
    tail = content_type + b"\x00" if kind == b"mime" else b""
    return full(b"infe", 2, int(hidden), struct.pack(">HH", item_id, 0) + kind + b"name\x00" + tail)


def ispe(width: int, height: int) -> bytes:
    return full(b"ispe", 0, 0, struct.pack(">II", width, height))


def heif(items: list[tuple[int, bytes, bytes]], refs: list[tuple[bytes, int, list[int]]] = (), primary: int = 1,
         props: list[bytes] = (), assoc: dict[int, list[int]] | None = None, extra_top: bytes = b"",
         brand: bytes = b"heic", extents: dict[int, list[tuple[int, int]]] | None = None,
         methods: dict[int, int] | None = None, large_mdat: bool = False) -> bytes:
    """ftyp + meta + mdat. items: (id, type, data); data of method-0 items goes to mdat in order, method-1 to idat.
    extents overrides an item's (offset, length) list (offsets counted from the start of mdat's data).
    large_mdat writes mdat's size in 64 bits."""
    methods, extents = methods or {}, extents or {}
    props = list(props) or [box(b"hvcC", b"\x01" * 23), ispe(64, 48)]
    assoc = {primary: [1, 2]} if assoc is None else assoc
    ftyp = box(b"ftyp", brand + b"\x00\x00\x00\x00mif1" + brand)
    idat = b"".join(data for item_id, _k, data in items if methods.get(item_id) == 1)

    def meta(mdat_at: int) -> bytes:
        rows, pos, in_idat = [], mdat_at, 0
        for item_id, _kind, data in items:
            method = methods.get(item_id, 0)
            spans = [(mdat_at + o, n) for o, n in extents[item_id]] if item_id in extents else None
            if spans is None:
                spans = [(in_idat if method == 1 else pos, len(data))]
                if method == 1:
                    in_idat += len(data)
                else:
                    pos += len(data)
            rows.append(struct.pack(">HHHH", item_id, method, 0, len(spans))
                        + b"".join(struct.pack(">II", o, n) for o, n in spans))
        iloc = full(b"iloc", 1, 0, bytes([0x44, 0x00]) + struct.pack(">H", len(rows)) + b"".join(rows))
        iinf = full(b"iinf", 0, 0, struct.pack(">H", len(items)) + b"".join(
            infe(i, k, hidden=i != primary, content_type=b"application/rdf+xml") for i, k, _d in items))
        iref = full(b"iref", 0, 0, b"".join(box(k, struct.pack(">HH", s, len(t)) + b"".join(
            struct.pack(">H", x) for x in t)) for k, s, t in refs)) if refs else b""
        ipma = full(b"ipma", 0, 0, struct.pack(">I", len(assoc)) + b"".join(
            struct.pack(">HB", i, len(ps)) + bytes(ps) for i, ps in assoc.items()))
        return full(b"meta", 0, 0, full(b"hdlr", 0, 0, b"\x00" * 4 + b"pict" + b"\x00" * 13)
                    + full(b"pitm", 0, 0, struct.pack(">H", primary)) + iloc + iinf + iref
                    + box(b"iprp", box(b"ipco", b"".join(props)) + ipma) + (box(b"idat", idat) if idat else b""))

    mdat_body = b"".join(data for item_id, _k, data in items if methods.get(item_id, 0) == 0)
    header = 16 if large_mdat else 8
    start = len(ftyp) + len(meta(0)) + len(extra_top) + header
    mdat = struct.pack(">I", 1) + b"mdat" + struct.pack(">Q", 16 + len(mdat_body)) + mdat_body if large_mdat \
        else box(b"mdat", mdat_body)
    return ftyp + meta(start) + extra_top + mdat


XMP = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' \
      b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Model="' + CANARY + b'"/></rdf:RDF>' \
      b'</x:xmpmeta>'
EXIF_ITEM = b"\x00\x00\x00\x00" + exif_body()[6:]  # HEIF's Exif item: offset of the TIFF header, then TIFF
THUMBNAIL = b"THUMB-" + CANARY + bytes(32)
DEPTH = b"DEPTH-" + CANARY + bytes(32)
DEPTH_AUX = full(b"auxC", 0, 0, b"urn:mpeg:hevc:2015:auxid:2\x00")


def dirty_heif() -> bytes:
    """A photo with EXIF (GPS, camera, serial), XMP, a thumbnail, a depth map and a stray top-level box."""
    props = [box(b"hvcC", b"\x01" * 23), ispe(64, 48), ispe(16, 12), DEPTH_AUX]
    return heif([(1, b"hvc1", PICTURE), (2, b"Exif", EXIF_ITEM), (3, b"mime", XMP), (4, b"hvc1", THUMBNAIL),
                 (5, b"hvc1", DEPTH)],
                refs=[(b"cdsc", 2, [1]), (b"cdsc", 3, [1]), (b"thmb", 4, [1]), (b"auxl", 5, [1])],
                props=props, assoc={1: [1, 2], 4: [1, 3], 5: [1, 3, 4]},
                extra_top=box(b"uuid", b"\x11" * 16 + b"hidden " + CANARY) + box(b"free", b"free " + CANARY))


@functools.lru_cache(maxsize=1)  # 100,000 items take a while to build: once per session
def hostile_heifs() -> dict[str, bytes]:
    """Structures that attack the parser; each must give a clean file or a typed error, never a hang or a crash."""
    good = heif([(1, b"hvc1", PICTURE)])
    grid = b"\x00\x00\x00\x00\x00\x40\x00\x30"
    out = {
        "box_runs_past_the_end": good[:-len(PICTURE) - 8] + box(b"mdat", PICTURE, size=8 + len(PICTURE) + 1000),
        "box_size_below_its_header": good[:-len(PICTURE) - 8] + box(b"mdat", PICTURE, size=4),
        "largesize_64_bit_valid": heif([(1, b"hvc1", PICTURE)], large_mdat=True),
        "largesize_64_bit_huge": good[:-len(PICTURE) - 8] + struct.pack(">I", 1) + b"mdat"
        + struct.pack(">Q", 2 ** 63) + PICTURE,
        "iref_loop": heif([(1, b"grid", grid), (2, b"grid", grid)], refs=[(b"dimg", 1, [2]), (b"dimg", 2, [1])],
                          methods={1: 1, 2: 1}),
        "iref_self": heif([(1, b"grid", grid)], refs=[(b"dimg", 1, [1])], methods={1: 1}),
        "iref_to_missing_item": heif([(1, b"grid", grid)], refs=[(b"dimg", 1, [9])], methods={1: 1}),
        "extent_out_of_range": heif([(1, b"hvc1", PICTURE)], extents={1: [(10 ** 6, 100)]}),
        "extent_overlaps_the_picture": heif([(1, b"hvc1", PICTURE), (2, b"Exif", EXIF_ITEM)],
                                            refs=[(b"cdsc", 2, [1])], extents={2: [(len(PICTURE) // 2, 40)]}),
        "metadata_extent_out_of_range": heif([(1, b"hvc1", PICTURE), (2, b"Exif", EXIF_ITEM)],
                                             refs=[(b"cdsc", 2, [1])], extents={2: [(2 ** 31, 2 ** 31)]}),
        "primary_is_exif": heif([(1, b"Exif", EXIF_ITEM)]),
        "primary_missing": heif([(1, b"hvc1", PICTURE)], primary=7, assoc={}),
        "property_index_past_ipco": heif([(1, b"hvc1", PICTURE)], assoc={1: [1, 2, 9]}),
        "no_meta": box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic") + box(b"mdat", PICTURE),
        "sequence_only": box(b"ftyp", b"msf1\x00\x00\x00\x00msf1hevc") + box(b"moov", b"\x00" * 64),
        "still_with_sequence": heif([(1, b"hvc1", PICTURE)], brand=b"msf1",
                                    extra_top=box(b"moov", b"udta " + CANARY)),
        "many_items": many_items(100_000),
    }
    out["truncated_meta"] = good[:60]
    # 'iloc' says 65,535 items, 65,535 extents each, and holds 3 rows: the box's end bounds the work
    at = good.index(b"iloc") + 10
    out["iloc_counts_lie"] = good[:at] + b"\xff\xff" + good[at + 2:at + 8] + b"\xff\xff" + good[at + 10:]
    return out


def many_items(count: int) -> bytes:
    """The picture plus `count` tiny XMP items: bounded work, whatever is decided."""
    items = [(1, b"hvc1", PICTURE)] + [(i, b"mime", b"x") for i in range(2, count + 2)]
    return heif_wide(items)


def heif_wide(items: list[tuple[int, bytes, bytes]]) -> bytes:
    """Like heif() for more than 65,535 items (32-bit item ids: iinf, iloc version 2)."""
    ftyp = box(b"ftyp", b"heic\x00\x00\x00\x00mif1heic")
    infes = b"".join(full(b"infe", 3, 0, struct.pack(">IH", i, 0) + k + b"\x00"
                          + (b"text/plain\x00" if k == b"mime" else b"")) for i, k, _d in items)
    iinf = full(b"iinf", 1, 0, struct.pack(">I", len(items)) + infes)
    props = box(b"iprp", box(b"ipco", box(b"hvcC", b"\x01" * 23) + ispe(64, 48))
                + full(b"ipma", 1, 0, struct.pack(">IIB", 1, 1, 2) + b"\x01\x02"))

    def meta(at: int) -> bytes:
        rows, pos = [], at
        for item_id, _k, data in items:
            rows.append(struct.pack(">IHHHII", item_id, 0, 0, 1, pos, len(data)))
            pos += len(data)
        iloc = full(b"iloc", 2, 0, bytes([0x44, 0x00]) + struct.pack(">I", len(rows)) + b"".join(rows))
        return full(b"meta", 0, 0, full(b"hdlr", 0, 0, b"\x00" * 4 + b"pict" + b"\x00" * 13)
                    + full(b"pitm", 1, 0, struct.pack(">I", 1)) + iloc + iinf + props)

    start = len(ftyp) + len(meta(0)) + 8
    return ftyp + meta(start) + box(b"mdat", b"".join(d for _i, _k, d in items))


GAIN_MAP = b"GAINMAP-PIXELS" + bytes(48)
GAIN_MAP_AUX = full(b"auxC", 0, 0, b"urn:com:apple:photo:2020:aux:hdrgainmap\x00")


def heif_with_gain_map() -> bytes:
    """An iPhone-style HDR photo: the picture, its gain map (an auxiliary picture) and the gain map's own XMP."""
    props = [box(b"hvcC", b"\x01" * 23), ispe(64, 48), ispe(32, 24), GAIN_MAP_AUX]
    return heif([(1, b"hvc1", PICTURE), (2, b"hvc1", GAIN_MAP), (3, b"mime", XMP)],
                refs=[(b"auxl", 2, [1]), (b"cdsc", 3, [2])], props=props, assoc={1: [1, 2], 2: [1, 3, 4]})
