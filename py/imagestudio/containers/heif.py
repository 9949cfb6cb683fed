"""HEIC/HEIF/AVIF: lossless clean by rewriting the ISO base media container; the coded pictures are copied untouched.

A HEIF file is 'ftyp', a 'meta' box that lists items (pictures, EXIF, XMP ...) and where their bytes are ('iloc':
in 'mdat' or in 'meta/idat'), how they link ('iref') and their properties ('iprp'), then 'mdat'. A clean keeps
the primary picture with what it is made of (grid tiles, derived pictures), its alpha plane and HDR gain map, and
the properties needed to show it; it writes a new 'meta' and a new 'mdat' holding only those items' bytes.
Everything else (EXIF, XMP, thumbnails, depth maps, other top-level boxes, unused bytes) is not copied.
"""

import contextlib
import functools
from dataclasses import dataclass

from .. import icc_profile
from ..errors import CorruptImage, EngineError, StillDirty, UnsupportedFormat
from ..policy import capture_date_of
from ..readers import exif as exif_reader
from ..readers import icc, xmp
from ..report import Finding
from .heif_meta import Item, Meta, item_bytes, item_ranges, parse_meta, write_meta
from .isobmff import Box, box, printable, read_boxes

LOSSLESS = True   # the coded pictures are copied byte for byte
CLEANABLE = True

# Item types that are (parts of) a picture: coded images and derived images built from others.
PICTURE_TYPES = {b"hvc1", b"av01", b"avc1", b"jpeg", b"j2k1", b"vvc1", b"unci", b"grid", b"iovl", b"iden", b"mski"}
# Auxiliary pictures by their 'auxC' type: (substring, kept with the picture, what it is)
AUX_KINDS = (
    ("auxiliary:alpha", True, "Alpha plane"),
    ("auxid:1", True, "Alpha plane"),
    ("hdrgainmap", True, "HDR gain map"),
    ("auxid:2", False, "Depth map"),
    ("auxiliary:depth", False, "Depth map"),
    ("disparity", False, "Disparity map"),
    ("matte", False, "Portrait segmentation matte (outline of people, hair, skin)"),
)
# Properties a kept picture keeps: decoding needs them, or they say how to show it.
PICTURE_PROPERTIES = {b"hvcC", b"av1C", b"avcC", b"jpgC", b"j2kH", b"vvcC", b"uncC", b"cmpd", b"cmpC", b"icef",
                      b"ispe", b"pixi", b"pasp", b"clap", b"auxC", b"clli", b"mdcv", b"cclv", b"amve", b"a1op",
                      b"a1lx", b"lsel", b"colr", b"irot", b"imir"}
ORIENTATION = {b"irot", b"imir"}
TEXT_PROPERTIES = {b"udes": "Description", b"crtt": "Creation time", b"mdft": "Modification time",
                   b"altt": "Accessibility text"}
KEPT_LINKS = {b"dimg", b"auxl", b"prem"}  # links between kept pictures: tiles, alpha/gain map, premultiplied
SEQUENCE_BRANDS = {b"msf1", b"hevs", b"hevc", b"avis", b"avcs"}
MAX_ITEM_BYTES = 16 * 1024 * 1024  # a metadata item is read for the report up to this size
MAX_METADATA_READS = 16            # a real file has one EXIF and one XMP item
MAX_ITEM_FINDINGS = 100            # then the report counts items of one kind instead of listing them
MAX_DEPTH = 16                     # derived pictures nest a level or two: deeper means a loop
IROT_WORDS = {1: "rotate 90° anticlockwise", 2: "rotate 180°", 3: "rotate 90° clockwise"}


@dataclass
class Parsed:
    ftyp: Box
    meta: Meta
    mdats: list[Box]
    dropped: list[Box]          # other top-level boxes (moov, free, uuid ...)
    kept: dict[int, str]        # item id -> what it is in the picture
    aux: dict[int, str]         # item id -> its 'auxC' type


@contextlib.contextmanager
def _named(name: str):
    """Errors from the parser name the file, like every engine message; a damaged box structure says so in
    plain words first (the box names after it are for whoever looks into the file)."""
    try:
        yield
    except CorruptImage as err:
        raise CorruptImage(f"{name or 'this file'}: its structure is damaged ({err.message})") from None
    except EngineError as err:
        raise type(err)(f"{name or 'this file'}: {err.message}") from None


@functools.lru_cache(maxsize=4)  # inspect, clean and notes of one file share one parse
def _parse(data: bytes) -> Parsed:
    top = read_boxes(data, 0, len(data), "file")
    if not top or top[0].kind != b"ftyp":
        raise CorruptImage("the file does not start with an 'ftyp' box")
    metas = [b for b in top if b.kind == b"meta"]
    if not metas:
        if any(b.kind == b"moov" for b in top):
            raise UnsupportedFormat("this is an image sequence without a still picture (only a 'moov' track), "
                                    "which is not supported; nothing was produced")
        if any(b.kind == b"mini" for b in top):
            raise UnsupportedFormat("compact HEIF files (a 'mini' box instead of 'meta') are not supported yet; "
                                    "nothing was produced")
        raise CorruptImage("no 'meta' box: the file lists no pictures")
    if len(metas) > 1:
        raise CorruptImage("two 'meta' boxes")
    if metas[0].end - metas[0].start < 4:
        raise CorruptImage("the 'meta' box is empty")
    meta = parse_meta(data, metas[0])
    aux = _aux_types(data, meta)
    dropped = [b for b in top[1:] if b.kind not in (b"meta", b"mdat")]
    return Parsed(top[0], meta, [b for b in top if b.kind == b"mdat"], dropped, _kept(meta, aux), aux)


def property_at(meta: Meta, index: int) -> Box:
    if not 1 <= index <= len(meta.properties):
        raise CorruptImage(f"an item uses property {index}, but 'ipco' has {len(meta.properties)}")
    return meta.properties[index - 1]


def _aux_types(data: bytes, meta: Meta) -> dict[int, str]:
    out = {}
    for item_id, links in meta.assoc.items():
        for _essential, index in links:
            prop = property_at(meta, index) if index else None
            if prop and prop.kind == b"auxC":
                out[item_id] = bytes(data[prop.start + 4:prop.end]).split(b"\x00")[0].decode("latin-1")
    return out


def _aux_kind(aux_type: str) -> tuple[bool, str]:
    return next(((keep, label) for part, keep, label in AUX_KINDS if part in aux_type),
                (False, f"Auxiliary picture ({aux_type or 'unknown type'})"))


def _kept(meta: Meta, aux: dict[int, str]) -> dict[int, str]:
    """The primary picture and everything it is made of or shown with: {item id: role}."""
    primary = meta.items.get(meta.primary or 0)
    if primary is None or primary.type not in PICTURE_TYPES:
        what = f"a '{printable(primary.type)}' item" if primary else "missing"
        raise UnsupportedFormat(f"the primary item {meta.primary} is not a picture ({what})")
    parts: dict[int, list[int]] = {}
    shown_with: dict[int, list[int]] = {}
    for kind, source, targets in meta.refs:
        if kind == b"dimg":
            parts.setdefault(source, []).extend(targets)
        elif kind == b"auxl" and _aux_kind(aux.get(source, ""))[0]:
            for target in targets:
                shown_with.setdefault(target, []).append(source)
    kept = {primary.id: "primary picture"}
    done: set[int] = set()

    def follow(item_id: int, path: tuple[int, ...]) -> None:
        if len(path) > MAX_DEPTH or item_id in path:
            raise CorruptImage(f"picture {item_id} is built from itself (a loop in 'iref')")
        if item_id in done:
            return
        done.add(item_id)
        for part in parts.get(item_id, []):
            kept.setdefault(part, "part of a derived picture (tile, overlay)")
            follow(part, path + (item_id,))
        for extra in shown_with.get(item_id, []):
            if extra not in kept:
                kept[extra] = _aux_kind(aux[extra])[1]
                follow(extra, path + (item_id,))

    follow(primary.id, ())
    for item_id in kept:
        item = meta.items.get(item_id)
        if item is None or item.type not in PICTURE_TYPES:
            raise CorruptImage(f"the picture uses item {item_id}, which is not a picture")
        if item.protected:
            raise UnsupportedFormat(f"picture item {item_id} is encrypted")
    return kept


def _removed_label(parsed: Parsed, item: Item) -> tuple[str, str, str]:
    """(kind, key, label) of an item a clean removes."""
    thumbnails = {source for kind, source, _t in parsed.meta.refs if kind == b"thmb"}
    if item.id in thumbnails:
        return "hidden", "thumbnail", "Thumbnail picture"
    if item.id in parsed.aux:
        return "hidden", "auxiliary_image", _aux_kind(parsed.aux[item.id])[1]
    if item.type in PICTURE_TYPES:
        return "hidden", "extra_image", "Another picture, not part of the photo shown"
    if item.type in (b"mime", b"uri "):
        return "other", "metadata_item", f"Metadata item ({item.content_type or printable(item.type)})"
    return "other", "extra_item", f"Item of type '{printable(item.type)}'"


def item_size(data: bytes, meta: Meta, item_id: int) -> str:
    for _e, index in meta.assoc.get(item_id, []):
        prop = property_at(meta, index) if index else None
        if prop and prop.kind == b"ispe" and prop.end - prop.start >= 12:
            return f"{int.from_bytes(data[prop.start + 4:prop.start + 8], 'big')}×" \
                   f"{int.from_bytes(data[prop.start + 8:prop.start + 12], 'big')}"
    return ""


def _item_findings(data: bytes, parsed: Parsed) -> list[Finding]:
    found: list[Finding] = []
    reads, more = 0, dict[tuple[str, str, str], int]()
    for item in parsed.meta.items.values():
        if item.id in parsed.kept:
            continue
        where = f"HEIF item {item.id} ('{printable(item.type)}')"
        metadata = item.type == b"Exif" or (item.type == b"mime" and "xml" in item.content_type)
        if metadata and reads < MAX_METADATA_READS:
            reads += 1
            try:
                blob = item_bytes(data, parsed.meta, item, MAX_ITEM_BYTES)
            except EngineError:
                blob = b""
            if item.type == b"Exif":
                skip = int.from_bytes(blob[:4], "big")  # offset of the TIFF header after this field
                found += exif_reader.read(blob[4 + skip:], "EXIF item") if blob else []
            else:
                found += xmp.read(blob, "XMP item") if blob else []
            if blob:
                continue
        kind, key, label = _removed_label(parsed, item)
        if metadata:
            key, label = ("exif", "EXIF block") if item.type == b"Exif" else ("xmp", "XMP metadata")
        if len(found) < MAX_ITEM_FINDINGS:
            found.append(Finding(kind, key, label, item_size(data, parsed.meta, item.id), where))
        else:
            more[(kind, key, label)] = more.get((kind, key, label), 0) + 1
    summary = [Finding(kind, key, label, f"{count} more", "HEIF items") for (kind, key, label), count in more.items()]
    return found + summary


def _property_findings(data: bytes, parsed: Parsed) -> list[Finding]:
    found, seen = [], set()
    for item_id, links in parsed.meta.assoc.items():
        for _essential, index in links:
            prop = property_at(parsed.meta, index) if index else None
            if prop is None or (index in seen and prop.kind != b"colr"):
                continue
            seen.add(index)
            where = f"HEIF '{printable(prop.kind)}' property"
            if prop.kind in TEXT_PROPERTIES:
                text = bytes(data[prop.start + 4:prop.end]).replace(b"\x00", b" ").decode("utf-8", "replace")
                found.append(Finding("text", "heif_text", TEXT_PROPERTIES[prop.kind], text.strip()[:200], where))
            elif item_id not in parsed.kept:
                continue
            elif prop.kind == b"colr" and bytes(data[prop.start:prop.start + 4]) in (b"prof", b"rICC"):
                if index not in seen or not any(f.key == "icc_profile" for f in found):
                    found += icc.read(bytes(data[prop.start + 4:prop.end]), "HEIF colour property")
            elif prop.kind == b"irot":
                turn = data[prop.start] & 3 if prop.end > prop.start else 0
                if turn:
                    found.append(Finding("other", "orientation", "Orientation", IROT_WORDS[turn], where))
            elif prop.kind == b"imir":
                axis = "left-right" if prop.end > prop.start and data[prop.start] & 1 else "top-bottom"
                found.append(Finding("other", "orientation", "Orientation", f"mirrored {axis}", where))
            elif prop.kind not in PICTURE_PROPERTIES:
                found.append(Finding("other", "extra_property", f"Property '{printable(prop.kind)}'",
                                     f"{prop.end - prop.start} bytes", where))
    return found


def _box_findings(data: bytes, parsed: Parsed) -> list[Finding]:
    found = []
    for b in parsed.dropped + parsed.meta.others:
        if b.kind in (b"free", b"skip") and not any(data[b.start:b.end]):
            continue  # padding: dropped, nothing to tell
        label = "Image sequence (animation or Live Photo track)" if b.kind == b"moov" \
            else f"Extra '{printable(b.kind)}' box"
        found.append(Finding("hidden" if b.kind == b"moov" else "other", "extra_box", label,
                             f"{b.end - b.start} bytes", "file structure"))
    used = sorted(r for item in parsed.meta.items.values() for r in item_ranges(parsed.meta, item, len(data)))
    unused, reach = 0, 0
    for mdat in parsed.mdats:
        reach = mdat.start
        for first, last in used:
            if last > reach and first < mdat.end:
                unused += max(0, min(first, mdat.end) - reach)
                reach = max(reach, min(last, mdat.end))
        unused += max(0, mdat.end - reach)
    if unused:
        found.append(Finding("hidden", "hidden_data", "Data no item uses", f"{unused} bytes", "HEIF 'mdat' box"))
    return found


def inspect(data: bytes, name: str = "") -> list[Finding]:
    with _named(name):
        return _findings(bytes(data))


def _findings(data: bytes) -> list[Finding]:
    parsed = _parse(data)
    return _item_findings(data, parsed) + _property_findings(data, parsed) + _box_findings(data, parsed)


def notes(data: bytes, name: str = "") -> list[str]:
    with _named(name):
        parsed = _parse(bytes(data))
    coded = sum(1 for i in parsed.kept if parsed.meta.items[i].type not in (b"grid", b"iovl", b"iden"))
    out = [f"image data untouched: the coded picture data ({coded} item{'s' * (coded != 1)}) is copied byte for byte"]
    if "HDR gain map" in parsed.kept.values():
        out.append("HDR gain map kept (its own metadata removed)")
    if any(b.kind == b"moov" for b in parsed.dropped):
        out.append("image sequence: the still picture was kept, the animation track (moov) was removed")
    return out


def parse(data: bytes, name: str = "") -> Parsed:
    """The file as data (cached: inspect, clean and the pixel path of one file share it)."""
    with _named(name):
        return _parse(bytes(data))


def _kept_property(data: bytes, prop: Box, policy) -> bool:
    if prop.kind in ORIENTATION:
        return policy.keep_orientation
    if prop.kind == b"colr" and bytes(data[prop.start:prop.start + 4]) in (b"prof", b"rICC"):
        return policy.keep_icc
    return prop.kind in PICTURE_PROPERTIES


def _kept_body(data: bytes, prop: Box) -> bytes | None:
    """A property's body as written back: an ICC profile in its canonical form (None when it is invalid)."""
    body = bytes(data[prop.start:prop.end])
    if prop.kind == b"colr" and body[:4] in (b"prof", b"rICC"):
        profile, _why = icc_profile.kept_form(body[4:])
        return b"prof" + profile if profile else None
    return body


def _properties(data: bytes, parsed: Parsed, policy) -> tuple[list[bytes], dict[int, list[tuple[bool, int]]]]:
    """The kept pictures' properties, renumbered, and each kept item's new associations."""
    props: list[bytes] = []
    renumbered: dict[int, int] = {}
    assoc = {}
    for item_id in parsed.kept:
        links = []
        for essential, index in parsed.meta.assoc.get(item_id, []):
            prop = property_at(parsed.meta, index) if index else None
            if prop is None or not _kept_property(data, prop, policy):
                if prop and essential and prop.kind not in PICTURE_PROPERTIES:
                    raise UnsupportedFormat(f"the picture needs the property '{printable(prop.kind)}', "
                                            "which is not understood")
                continue
            if index not in renumbered:
                body = _kept_body(data, prop)
                if body is None:
                    continue
                props.append(box(prop.kind, body))
                renumbered[index] = len(props)
            links.append((essential, renumbered[index]))
        if links:
            assoc[item_id] = links
    return props, assoc


def _ftyp(data: bytes, parsed: Parsed) -> bytes:
    """The same brands, minus image-sequence ones when the sequence track is dropped."""
    body = bytes(data[parsed.ftyp.start:parsed.ftyp.end])
    if len(body) < 8 or not any(b.kind == b"moov" for b in parsed.dropped):
        return box(b"ftyp", body)
    brands = [body[i:i + 4] for i in range(8, len(body) - 3, 4) if body[i:i + 4] not in SEQUENCE_BRANDS]
    major = body[:4] if body[:4] not in SEQUENCE_BRANDS else (b"avif" if body[:4] == b"avis" else b"mif1")
    return box(b"ftyp", major + body[4:8] + b"".join(brands + [b"mif1"] * (b"mif1" not in brands)))


def _exif_item(data: bytes, policy) -> bytes | None:
    """keep_copyright / keep_capture_date: a minimal EXIF item with only those (HEIF ignores EXIF orientation)."""
    if not (policy.keep_copyright or policy.keep_capture_date):
        return None
    findings = _findings(data)
    notice = next((f.value for f in findings if f.key == "copyright"), None) if policy.keep_copyright else None
    tiff = exif_reader.minimal(1, notice.encode("utf-8") if notice else None,
                               policy.capture_date(capture_date_of(findings)))
    return bytes(4) + tiff if tiff else None


def _check_no_overlap(parsed: Parsed, size: int) -> None:
    """A removed item whose bytes lie inside a kept one cannot be removed: refuse rather than keep them."""
    kept = sorted(r for i in parsed.kept for r in item_ranges(parsed.meta, parsed.meta.items[i], size) if r[1] > r[0])
    for item in parsed.meta.items.values():
        if item.id in parsed.kept:
            continue
        for first, last in item_ranges(parsed.meta, item, size):
            if any(first < k_last and k_first < last for k_first, k_last in kept):
                raise CorruptImage(f"item {item.id} ('{printable(item.type)}') shares bytes with the picture, "
                                   "so it cannot be removed without changing the picture")


def clean(data: bytes, policy, name: str = "") -> bytes:
    with _named(name):
        return _clean(bytes(data), policy)


def _clean(data: bytes, policy) -> bytes:
    parsed = _parse(data)
    meta = parsed.meta
    _check_no_overlap(parsed, len(data))
    items = [item for item in meta.items.values() if item.id in parsed.kept]  # in the input's order
    payloads = {item.id: item_bytes(data, meta, item) for item in items}
    for item in items:
        if not payloads[item.id] and item.type != b"iden":
            raise CorruptImage(f"picture item {item.id} has no data")
    props, assoc = _properties(data, parsed, policy)
    refs = [(kind, source, [t for t in targets if t in parsed.kept]) for kind, source, targets in meta.refs
            if kind in KEPT_LINKS and source in parsed.kept]
    refs = [ref for ref in refs if ref[2]]
    notice = _exif_item(data, policy)
    if notice:
        exif_item = Item(max(meta.items) + 1, b"Exif", hidden=True)
        items.append(exif_item)
        payloads[exif_item.id] = notice
        refs.append((b"cdsc", exif_item.id, [meta.primary or 0]))
    idat = b"".join(payloads[i.id] for i in items if i.method == 1)
    mdat = b"".join(payloads[i.id] for i in items if i.method != 1)
    ftyp = _ftyp(data, parsed)
    limit = 2 * (len(data) + len(notice or b"")) + 2 ** 16  # bounds every offset: chooses the field sizes

    def place(mdat_start: int) -> dict[int, list[tuple[int, int, int]]]:
        placed, in_mdat, in_idat = {}, mdat_start, 0
        for item in items:
            size = len(payloads[item.id])
            if item.method == 1:
                placed[item.id], in_idat = ([(0, in_idat, size)] if size else []), in_idat + size
            else:
                placed[item.id], in_mdat = ([(0, in_mdat, size)] if size else []), in_mdat + size
        return placed

    header = 8 if len(mdat) + 8 < 2 ** 32 else 16
    draft = write_meta(meta, items, props, assoc, refs, place(0), idat, limit)
    new_meta = write_meta(meta, items, props, assoc, refs, place(len(ftyp) + len(draft) + header), idat, limit)
    out = ftyp + new_meta + (box(b"mdat", mdat) if mdat else b"")
    _check_copied(out, items, payloads)
    return out


def _check_copied(out: bytes, items: list[Item], payloads: dict[int, bytes]) -> None:
    """Fail closed: every kept item must read back byte for byte from the file just written."""
    reread = _parse(out)  # cached: the engine's verify step reads the same parse
    for item in items:
        if item_bytes(out, reread.meta, reread.meta.items[item.id]) != payloads[item.id]:
            raise StillDirty(f"the rewritten file does not hold item {item.id}'s data unchanged; nothing was produced")
