"""Photoshop image resources (8BIM) and the IPTC-IIM records inside them -> Findings."""

from ..report import Finding, jpeg_preview, shorten

# IPTC-IIM application record (2:nn) -> (key, kind, label)
IIM_DATASETS = {
    5: ("title", "text", "Object name"),
    25: ("keywords", "text", "Keywords"),
    40: ("comment", "text", "Special instructions"),
    55: ("datetime_original", "time", "Date created"),
    60: ("time_created", "time", "Time created"),
    62: ("datetime_digitized", "time", "Digital creation date"),
    63: ("time_created", "time", "Digital creation time"),
    65: ("software", "device", "Originating program"),
    70: ("software", "device", "Program version"),
    80: ("artist", "people", "By-line (author)"),
    85: ("credit", "people", "By-line title"),
    90: ("place", "location", "City"),
    92: ("place", "location", "Sub-location"),
    95: ("place", "location", "State / province"),
    100: ("place", "location", "Country code"),
    101: ("place", "location", "Country"),
    103: ("document_id", "device", "Transmission reference"),
    105: ("title", "text", "Headline"),
    110: ("credit", "people", "Credit"),
    115: ("credit", "people", "Source"),
    116: ("copyright", "people", "Copyright notice"),
    118: ("contact", "people", "Contact"),
    120: ("description", "text", "Caption"),
    122: ("artist", "people", "Caption writer"),
}
IIM_DATES, IIM_TIMES = {55, 62}, {60, 63}
# Photoshop resource ids -> what they hold (other ids are counted).
RESOURCE_IPTC, RESOURCE_ICC, RESOURCE_EXIF, RESOURCE_EXIF3, RESOURCE_XMP = 0x0404, 0x040F, 0x0422, 0x0423, 0x0424
RESOURCE_THUMBNAILS = (0x0409, 0x040C)
RESOURCE_TEXT = {0x0BB7: "Clipping path name", 0x041A: "Slices (names and links)", 0x0421: "Writer (version info)",
                 0x0406: "JPEG quality settings", 0x0428: "Print information", 0x0425: "IPTC digest"}


def read_iim(data: bytes, where: str = "IPTC") -> list[Finding]:
    """IPTC-IIM records: 0x1C, record, dataset, 2-byte length, value."""
    found, pos, fields = [], 0, 0
    while pos + 5 <= len(data) and data[pos] == 0x1C:
        record, dataset = data[pos + 1], data[pos + 2]
        length = int.from_bytes(data[pos + 3:pos + 5], "big")
        if length & 0x8000:  # extended length: not used for text fields, stop reading
            break
        value = data[pos + 5:pos + 5 + length]
        pos += 5 + length
        if record != 2 or dataset == 0:
            continue
        fields += 1
        if dataset in IIM_DATASETS:
            key, kind, label = IIM_DATASETS[dataset]
            text = value.decode("utf-8", "replace").strip("\x00 ")
            if dataset in IIM_DATES and len(text) == 8 and text.isdigit():
                text = f"{text[:4]}-{text[4:6]}-{text[6:]}"  # CCYYMMDD
            elif dataset in IIM_TIMES and len(text) >= 6 and text[:6].isdigit():
                text = f"{text[:2]}:{text[2:4]}:{text[4:6]}{' UTC' + text[6:] if text[6:] else ''}"
            if text:
                found.append(Finding(kind, key, label, shorten(text), where))
    return [Finding("people", "iptc", "IPTC data (news photo captions, credits, places)",
                    f"{fields} field(s)", where), *found]


def resources(data: bytes):
    """Yield (resource id, payload) from a block of 8BIM resources; stop at the first malformed one."""
    pos = 0
    while pos + 12 <= len(data) and data[pos:pos + 4] in (b"8BIM", b"MeSa", b"PHUT", b"AgHg", b"DCSR"):
        rid = int.from_bytes(data[pos + 4:pos + 6], "big")
        name_len = data[pos + 6]
        pos += 6 + ((name_len + 2) & ~1)  # Pascal name padded to an even size
        if pos + 4 > len(data):
            return
        size = int.from_bytes(data[pos:pos + 4], "big")
        pos += 4
        if pos + size > len(data):
            return
        yield rid, data[pos:pos + size]
        pos += size + (size & 1)


def read_irb(data: bytes, where: str = "Photoshop") -> list[Finding]:
    """Photoshop IRB: the IPTC record, thumbnails, embedded EXIF/XMP and other resources."""
    from . import exif, icc, xmp

    found, ids = [], []
    for rid, payload in resources(data):
        ids.append(rid)
        if rid == RESOURCE_IPTC:
            found += read_iim(payload, f"{where} IPTC")
        elif rid in RESOURCE_THUMBNAILS and len(payload) > 28:
            picture = payload[28:]
            found.append(Finding("hidden", "thumbnail", "Photoshop thumbnail picture (may show the uncropped original)",
                                 f"{len(picture)} bytes", where, jpeg_preview(picture)))
        elif rid in (RESOURCE_EXIF, RESOURCE_EXIF3):
            found += exif.read(payload, f"{where} EXIF")
        elif rid == RESOURCE_XMP:
            found += xmp.read(payload, f"{where} XMP")
        elif rid == RESOURCE_ICC:
            found += icc.read(payload, f"{where} ICC")
        elif rid in RESOURCE_TEXT:
            found.append(Finding("other", "photoshop_resource", RESOURCE_TEXT[rid], f"{len(payload)} bytes", where))
    head = Finding("other", "photoshop", "Photoshop data", f"{len(ids)} resource(s), {len(data)} bytes", where)
    return [head, *found]
