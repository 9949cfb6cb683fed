"""JPEG tables and frame/scan headers cut to what the picture uses: a quantisation or Huffman table that no scan
reads, or bytes past a header's fields, are room to hide anything. Decoding reads exactly what is kept."""

from typing import NamedTuple

from ..report import Finding

DQT, DHT, SOS = 0xDB, 0xC4, 0xDA
SOF = {*range(0xC0, 0xD0)} - {DHT, 0xC8, 0xCC}  # frame headers (DHT, JPG and DAC share the range)
ARITHMETIC = {0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}  # frames coded without Huffman tables


class Table(NamedTuple):
    key: tuple       # ("q", id) or ("h", class, id)
    body: bytes      # the table as stored, its id byte first


def _tables(marker: int, payload: bytes) -> tuple[list[Table], int]:
    """The tables a DQT or DHT segment defines, and how many payload bytes they fill (the rest is padding)."""
    tables, pos = [], 0
    while pos < len(payload):
        head = payload[pos]
        if marker == DQT:
            size = 1 + 64 * ((head >> 4) + 1)
            key: tuple = ("q", head & 15)
        else:
            size = 17 + sum(payload[pos + 1:pos + 17])
            key = ("h", head >> 4, head & 15)
        if pos + size > len(payload) or (marker == DHT and pos + 17 > len(payload)):
            break
        tables.append(Table(key, payload[pos:pos + size]))
        pos += size
    return tables, pos


def _header_size(marker: int, payload: bytes) -> int | None:
    """Bytes of a frame or scan header's fields (None when too short to tell)."""
    if marker in SOF and len(payload) >= 6:
        return 6 + 3 * payload[5]
    if marker == SOS and len(payload) >= 1:
        return 4 + 2 * payload[0]
    return None


class Rewrite(NamedTuple):
    payloads: dict   # segment index -> new payload (None: drop the segment)
    findings: list


def rewrites(segments: list) -> Rewrite:
    """Which DQT, DHT, SOF and SOS segments a clean rewrites, and what it removes from them."""
    defined: dict = {}            # table key -> (segment index, table index) of the definition in force
    used, quant_of, arithmetic = set(), {}, False
    tables: dict = {}

    def use(key: tuple) -> None:
        if key in defined:
            used.add(defined[key])

    for i, seg in enumerate(segments):
        m, p = seg.marker, seg.payload
        if m in (DQT, DHT):
            tables[i] = _tables(m, p)
            for t, table in enumerate(tables[i][0]):
                defined[table.key] = (i, t)
        elif m in SOF and len(p) >= 6:
            arithmetic = arithmetic or m in ARITHMETIC
            for k in range(p[5]):
                if 6 + 3 * k + 2 < len(p):
                    quant_of[p[6 + 3 * k]] = p[6 + 3 * k + 2]
                    use(("q", p[6 + 3 * k + 2]))
        elif m == SOS and len(p) >= 1 and len(p) >= 4 + 2 * p[0]:
            count = p[0]
            start, end, approx = p[1 + 2 * count], p[2 + 2 * count], p[3 + 2 * count]
            for k in range(count):
                component, selectors = p[1 + 2 * k], p[2 + 2 * k]
                if component in quant_of:
                    use(("q", quant_of[component]))
                if start == 0 and approx >> 4 == 0:
                    use(("h", 0, selectors >> 4))   # DC coefficients (not a DC refinement scan)
                if end > 0:
                    use(("h", 1, selectors & 15))   # AC coefficients
    payloads, removed, padding = {}, 0, 0
    for i, (found, filled) in tables.items():
        keep = [table.body for t, table in enumerate(found) if (i, t) in used or (arithmetic and table.key[0] == "h")]
        extra = len(segments[i].payload) - filled
        if len(keep) < len(found) or extra:
            payloads[i] = b"".join(keep) or None
            removed += sum(len(t.body) for t in found) - sum(len(b) for b in keep)
            padding += extra
    for i, seg in enumerate(segments):
        size = _header_size(seg.marker, seg.payload)
        if size is not None and len(seg.payload) > size:
            payloads[i] = seg.payload[:size]
            padding += len(seg.payload) - size
    findings = []
    if removed:
        findings.append(Finding("hidden", "unused_table", "Tables the picture does not use (room for hidden data)",
                                f"{removed} bytes", "JPEG DQT/DHT"))
    if padding:
        findings.append(Finding("hidden", "extra_data", "Extra data inside JPEG tables or headers",
                                f"{padding} bytes", "JPEG DQT/DHT/SOF/SOS"))
    return Rewrite(payloads, findings)
