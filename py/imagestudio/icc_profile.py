"""ICC colour profiles made anonymous: validate, rewrite canonically, recognise well-known spaces by colorimetry.

A profile is kept only in its canonical form: header dates, creator, device maker/model and profile ID zeroed,
a neutral description, and only the tags that define colour. sRGB, Display P3, Adobe RGB (1998), ProPhoto and
Rec. 2020, recognised by their primaries and tone curves (not by name), become one fixed copy each, built here
from their published colorimetry. Plain Python: the browser's Pillow has no LittleCMS.
"""

import struct
from functools import lru_cache
from typing import Callable, NamedTuple

HEADER, ENTRY, MAX_TAGS = 128, 12, 200
# Tags that define colour; everything else (calibration 'vcgt', Apple 'mmod', 'meas', 'tech', device and viewing
# descriptions, ...) describes the device or the person who made the profile, and is dropped.
COLOUR_TAGS = (b"wtpt", b"bkpt", b"chad", b"chrm", b"rXYZ", b"gXYZ", b"bXYZ", b"rTRC", b"gTRC", b"bTRC", b"kTRC",
               b"A2B0", b"A2B1", b"A2B2", b"B2A0", b"B2A1", b"B2A2", b"D2B0", b"D2B1", b"D2B2", b"D2B3",
               b"B2D0", b"B2D1", b"B2D2", b"B2D3", b"cicp")
# Bytes of a tag's type that carry its fields; bytes past them are padding that could hold anything.
FIXED_SIZES = {b"XYZ ": 20, b"sf32": 44, b"cicp": 12}
PARA_PARAMS = {0: 1, 1: 3, 2: 4, 3: 5, 4: 7}
SPACES = {b"RGB ": "RGB", b"GRAY": "grey", b"CMYK": "CMYK"}
NO_COPYRIGHT = "No copyright"
D50 = (0.9642, 1.0, 0.8249)


class InvalidProfile(ValueError):
    """The bytes are not a usable ICC profile; the message says why in plain words."""


class Profile(NamedTuple):
    header: bytes               # the 128 header bytes
    tags: dict                  # signature -> tag bytes (shared tags appear under each signature)
    extra: int                  # bytes after the profile's own size (appended data)

    @property
    def version(self) -> int:
        return self.header[8]

    @property
    def space(self) -> bytes:
        return self.header[16:20]


def parse(data: bytes) -> Profile:
    """Split a profile into header and tags, checking its size field, 'acsp' signature and tag table bounds."""
    if len(data) < HEADER + 4:
        raise InvalidProfile(f"only {len(data)} bytes, shorter than a profile header")
    size = int.from_bytes(data[:4], "big")
    if data[36:40] != b"acsp":
        raise InvalidProfile("no 'acsp' signature: it is not an ICC profile")
    if size < HEADER + 4 or size > len(data):
        raise InvalidProfile(f"its size field says {size} bytes but {len(data)} are there")
    count = int.from_bytes(data[128:132], "big")
    if count > MAX_TAGS or HEADER + 4 + ENTRY * count > size:
        raise InvalidProfile(f"its tag table ({count} tags) runs past the end of the profile")
    tags: dict[bytes, bytes] = {}
    for i in range(count):
        sig, offset, length = struct.unpack_from(">4sII", data, HEADER + 4 + ENTRY * i)
        if offset < HEADER + 4 + ENTRY * count or length < 8 or offset + length > size:
            raise InvalidProfile(f"tag {sig.decode('latin-1')!r} lies outside the profile")
        tags.setdefault(sig, data[offset:offset + length])
    return Profile(data[:HEADER], tags, len(data) - size)


def _trimmed(tag: bytes) -> bytes:
    """A tag cut to the fields its type defines (curves, XYZ, matrices); LUT types are kept whole."""
    kind = tag[:4]
    if kind in FIXED_SIZES:
        return tag[:FIXED_SIZES[kind]]
    if kind == b"curv" and len(tag) >= 12:
        return tag[:12 + 2 * int.from_bytes(tag[8:12], "big")]
    if kind == b"para" and len(tag) >= 12:
        return tag[:12 + 4 * PARA_PARAMS.get(int.from_bytes(tag[8:10], "big"), 7)]
    return tag


# --- writing -------------------------------------------------------------------------------------------------------

def _s15(value: float) -> bytes:
    return struct.pack(">i", round(value * 65536))


def xyz_tag(x: float, y: float, z: float) -> bytes:
    return b"XYZ \0\0\0\0" + _s15(x) + _s15(y) + _s15(z)


def _text_tags(description: str, v4: bool) -> dict:
    if v4:  # multiLocalizedUnicode, one en-US record
        def mluc(text: str) -> bytes:
            body = text.encode("utf-16-be")
            return b"mluc\0\0\0\0" + struct.pack(">II2s2sII", 1, 12, b"en", b"US", len(body), 28) + body
        return {b"desc": mluc(description), b"cprt": mluc(NO_COPYRIGHT)}
    ascii_ = description.encode("ascii") + b"\0"
    desc = b"desc\0\0\0\0" + struct.pack(">I", len(ascii_)) + ascii_ + b"\0" * 8 + b"\0\0\0" + b"\0" * 67
    return {b"desc": desc, b"cprt": b"text\0\0\0\0" + NO_COPYRIGHT.encode("ascii") + b"\0"}


def build(header: bytes, tags: dict) -> bytes:
    """A profile from a header and tags, with identical tag bodies stored once, 4-byte aligned."""
    order = list(tags)
    table_end = HEADER + 4 + ENTRY * len(order)
    blobs, offsets, entries, pos = [], {}, [], table_end
    for sig in order:
        body = tags[sig]
        if body not in offsets:
            offsets[body] = pos
            padded = body + b"\0" * (-len(body) % 4)
            blobs.append(padded)
            pos += len(padded)
        entries.append(struct.pack(">4sII", sig, offsets[body], len(body)))
    head = bytearray(header[:HEADER].ljust(HEADER, b"\0"))
    head[0:4] = pos.to_bytes(4, "big")
    return bytes(head) + len(order).to_bytes(4, "big") + b"".join(entries) + b"".join(blobs)


def _neutral_header(header: bytes) -> bytes:
    """Keep version, class, colour space, PCS, attributes, intent and illuminant; zero who, when and what."""
    head = bytearray(HEADER)
    head[8:24] = header[8:24]         # version, class, colour space, PCS
    head[36:40] = b"acsp"
    head[56:80] = header[56:80]       # rendering attributes, intent, PCS illuminant
    return bytes(head)


# --- well-known colour spaces, from their published colorimetry ----------------------------------------------------

def _srgb_curve(g: float, a: float, b: float, c: float, d: float) -> Callable[[float], float]:
    return lambda x: (a * x + b) ** g if x >= d else c * x


class Space(NamedTuple):
    name: str
    primaries: tuple            # (xr, yr), (xg, yg), (xb, yb)
    white: tuple                # (x, y)
    gamma: float | None         # a pure power curve, or None for `curve`
    curve: Callable[[float], float] | None = None


D65 = (0.3127, 0.3290)
SRGB_TRC = _srgb_curve(2.4, 1 / 1.055, 0.055 / 1.055, 1 / 12.92, 0.04045)
WELL_KNOWN = (
    Space("sRGB", ((0.64, 0.33), (0.30, 0.60), (0.15, 0.06)), D65, None, SRGB_TRC),
    Space("Display P3", ((0.680, 0.320), (0.265, 0.690), (0.150, 0.060)), D65, None, SRGB_TRC),
    Space("Adobe RGB (1998)", ((0.64, 0.33), (0.21, 0.71), (0.15, 0.06)), D65, 563 / 256),
    Space("ProPhoto RGB", ((0.7347, 0.2653), (0.1596, 0.8404), (0.0366, 0.0001)), (0.3457, 0.3585), 1.8),
    Space("Rec. 2020", ((0.708, 0.292), (0.170, 0.797), (0.131, 0.046)), D65, None,
          _srgb_curve(1 / 0.45, 1 / 1.0993, 0.0993 / 1.0993, 1 / 4.5, 0.081)),
)
CURVE_POINTS = 1024  # what the common sRGB profile uses: smooth enough that no 8-bit value moves


def _xy_to_xyz(x: float, y: float) -> tuple:
    return (x / y, 1.0, (1 - x - y) / y)


def matmul(a: list, b: list) -> list:
    return [[sum(a[i][k] * b[k][j] for k in range(3)) for j in range(3)] for i in range(3)]


def inverse(m: list) -> list:
    (a, b, c), (d, e, f), (g, h, i) = m
    det = a * (e * i - f * h) - b * (d * i - f * g) + c * (d * h - e * g)
    return [[(e * i - f * h) / det, (c * h - b * i) / det, (b * f - c * e) / det],
            [(f * g - d * i) / det, (a * i - c * g) / det, (c * d - a * f) / det],
            [(d * h - e * g) / det, (b * g - a * h) / det, (a * e - b * d) / det]]


BRADFORD = [[0.8951, 0.2664, -0.1614], [-0.7502, 1.7135, 0.0367], [0.0389, -0.0685, 1.0296]]


def colorants(space: Space) -> list:
    """RGB -> XYZ (PCS, D50) matrix: the primaries scaled to the white, then Bradford-adapted to D50."""
    xyz = [_xy_to_xyz(*p) for p in space.primaries]
    white = _xy_to_xyz(*space.white)
    m = [[xyz[j][i] for j in range(3)] for i in range(3)]
    s = [sum(row[j] * w for j, w in enumerate(white)) for row in inverse(m)]
    rgb_to_xyz = [[m[i][j] * s[j] for j in range(3)] for i in range(3)]
    cone_src = [sum(BRADFORD[i][k] * white[k] for k in range(3)) for i in range(3)]
    cone_dst = [sum(BRADFORD[i][k] * D50[k] for k in range(3)) for i in range(3)]
    scale = [[cone_dst[i] / cone_src[i] if i == j else 0.0 for j in range(3)] for i in range(3)]
    adapt = matmul(inverse(BRADFORD), matmul(scale, BRADFORD))
    return matmul(adapt, rgb_to_xyz)


def _curve_tag(space: Space) -> bytes:
    if space.gamma is not None:
        return b"curv\0\0\0\0" + struct.pack(">IH", 1, round(space.gamma * 256))
    assert space.curve is not None
    points = [round(space.curve(i / (CURVE_POINTS - 1)) * 65535) for i in range(CURVE_POINTS)]
    return b"curv\0\0\0\0" + struct.pack(f">I{CURVE_POINTS}H", CURVE_POINTS, *points)


@lru_cache(maxsize=None)
def canonical_copy(name: str) -> bytes:
    """The one copy of a well-known space this engine writes (ICC v2.1 display matrix/TRC profile)."""
    space = next(s for s in WELL_KNOWN if s.name == name)
    head = bytearray(HEADER)
    head[8:24] = b"\x02\x10\0\0mntrRGB XYZ "
    head[36:40] = b"acsp"
    head[68:80] = b"".join(_s15(v) for v in D50)
    m = colorants(space)
    trc = _curve_tag(space)
    tags = {**_text_tags(name, v4=False), b"wtpt": xyz_tag(*D50),
            b"rXYZ": xyz_tag(*(m[i][0] for i in range(3))), b"gXYZ": xyz_tag(*(m[i][1] for i in range(3))),
            b"bXYZ": xyz_tag(*(m[i][2] for i in range(3))), b"rTRC": trc, b"gTRC": trc, b"bTRC": trc}
    return build(bytes(head), tags)


# --- reading colorimetry -------------------------------------------------------------------------------------------

def _read_xyz(tag: bytes | None) -> tuple | None:
    if not tag or tag[:4] != b"XYZ " or len(tag) < 20:
        return None
    return tuple(v / 65536 for v in struct.unpack_from(">3i", tag, 8))


def _para(kind: int, p: list) -> Callable[[float], float] | None:
    g = p[0]
    if kind == 0:
        return lambda x: x ** g
    if kind == 1:
        g, a, b = p[:3]
        return lambda x: (a * x + b) ** g if a * x + b > 0 and x >= -b / a else 0.0
    if kind == 2:
        g, a, b, c = p[:4]
        return lambda x: (a * x + b) ** g + c if a * x + b > 0 and x >= -b / a else c
    if kind == 3:
        g, a, b, c, d = p[:5]
        return lambda x: (a * x + b) ** g if x >= d and a * x + b > 0 else c * x
    if kind == 4:
        g, a, b, c, d, e, f = p[:7]
        return lambda x: (a * x + b) ** g + e if x >= d and a * x + b > 0 else c * x + f
    return None


def tone_curve(tag: bytes | None) -> Callable[[float], float] | None:
    """A 'curv' or 'para' tag as a function on 0..1 (None if it is neither or is malformed)."""
    if not tag or len(tag) < 12:
        return None
    if tag[:4] == b"curv":
        count = int.from_bytes(tag[8:12], "big")
        if len(tag) < 12 + 2 * count:
            return None
        if count == 0:
            return lambda x: x
        if count == 1:
            gamma = int.from_bytes(tag[12:14], "big") / 256
            return lambda x: x ** gamma
        table = [v / 65535 for v in struct.unpack_from(f">{count}H", tag, 12)]

        def lookup(x: float) -> float:
            pos = min(max(x, 0.0), 1.0) * (count - 1)
            i = min(int(pos), count - 2)
            return table[i] + (table[i + 1] - table[i]) * (pos - i)
        return lookup
    if tag[:4] == b"para":
        kind = int.from_bytes(tag[8:10], "big")
        n = PARA_PARAMS.get(kind)
        if n is None or len(tag) < 12 + 4 * n:
            return None
        params = [v / 65536 for v in struct.unpack_from(f">{n}i", tag, 12)]
        curve = _para(kind, params)
        return None if curve is None else (lambda x: min(max(curve(min(max(x, 0.0), 1.0)), 0.0), 1.0))
    return None


class Matrix(NamedTuple):
    """A matrix/TRC profile's colorimetry: RGB -> XYZ (D50) matrix and one tone curve per channel."""
    to_xyz: list
    curves: tuple


def matrix_shaper(profile: Profile) -> Matrix | None:
    """The matrix and curves of an RGB display/input profile that has no LUT (None otherwise)."""
    tags = profile.tags
    if profile.space != b"RGB " or profile.header[20:24] != b"XYZ " or any(s in tags for s in (b"A2B0", b"A2B1")):
        return None
    cols = [_read_xyz(tags.get(s)) for s in (b"rXYZ", b"gXYZ", b"bXYZ")]
    curves = tuple(tone_curve(tags.get(s)) for s in (b"rTRC", b"gTRC", b"bTRC"))
    if any(c is None for c in cols) or any(c is None for c in curves):
        return None
    return Matrix([[cols[j][i] for j in range(3)] for i in range(3)], curves)  # type: ignore[index]


SAMPLES = [i / 64 for i in range(65)]
COLORANT_TOLERANCE = 0.003   # XYZ units; published profiles of one space differ by ~1e-4 (rounding, adaptation)
CURVE_TOLERANCE = 0.002      # in encoded values (0..1): well under one 8-bit step


def _same_curve(curve: Callable[[float], float], space: Space) -> bool:
    """Compare in encoded values: invert the space's curve on the profile's output."""
    if space.gamma is not None:
        def encode(y: float) -> float:
            return max(y, 0.0) ** (1 / space.gamma)  # type: ignore[operator]
    else:
        ref = space.curve
        assert ref is not None

        def encode(y: float) -> float:
            lo, hi = 0.0, 1.0
            for _ in range(30):
                mid = (lo + hi) / 2
                lo, hi = (mid, hi) if ref(mid) < y else (lo, mid)
            return (lo + hi) / 2
    return all(abs(encode(curve(x)) - x) <= CURVE_TOLERANCE for x in SAMPLES)


def well_known(profile: Profile) -> str | None:
    """The name of the well-known space this profile describes, judged by its colorimetry alone."""
    shaper = matrix_shaper(profile)
    if shaper is None:
        return None
    for space in WELL_KNOWN:
        ref = colorants(space)
        if all(abs(shaper.to_xyz[i][j] - ref[i][j]) <= COLORANT_TOLERANCE for i in range(3) for j in range(3)) \
                and all(_same_curve(c, space) for c in shaper.curves):
            return space.name
    return None


# --- the canonical form --------------------------------------------------------------------------------------------

class Canonical(NamedTuple):
    data: bytes                 # the profile as a clean writes it
    space: str                  # "sRGB", ..., or e.g. "custom RGB"
    convertible: bool           # pixels can be converted to sRGB without LittleCMS (matrix/TRC or grey TRC)


@lru_cache(maxsize=16)
def canonical(data: bytes) -> Canonical:
    """The canonical form of a profile; raises InvalidProfile when it is not a valid one."""
    profile = parse(data)
    name = well_known(profile)
    if name is not None:
        return Canonical(canonical_copy(name), name, True)
    kept = {sig: _trimmed(profile.tags[sig]) for sig in COLOUR_TAGS if sig in profile.tags}
    space = SPACES.get(profile.space, profile.space.decode("latin-1", "replace").strip() or "unknown")
    tags = {**_text_tags(f"Custom {space}", v4=profile.version >= 4), **kept}
    convertible = matrix_shaper(profile) is not None or (profile.space == b"GRAY" and tone_curve(
        profile.tags.get(b"kTRC")) is not None and b"A2B0" not in profile.tags)
    return Canonical(build(_neutral_header(profile.header), tags), f"custom {space}", convertible)


def private_parts(data: bytes) -> list[str]:
    """What a profile reveals beyond colour, in plain words (empty when it is already canonical)."""
    try:
        form = canonical(data)
    except InvalidProfile as err:
        return [f"not a valid colour profile ({err})"]
    if form.data == data:
        return []
    profile = parse(data)
    head, parts = profile.header, []
    if any(head[24:36]):
        y, mo, d, h, mi, _s = struct.unpack(">6H", head[24:36])
        parts.append(f"made {y:04d}-{mo:02d}-{d:02d} {h:02d}:{mi:02d}")
    if any(head[48:56]):
        parts.append(f"device {_printable(head[48:52])} {_printable(head[52:56])}")
    if any(head[80:84]):
        parts.append(f"creator {_printable(head[80:84])}")
    dropped = sorted(s.decode("latin-1") for s in profile.tags if s not in COLOUR_TAGS and s not in (b"desc", b"cprt"))
    if dropped:
        parts.append("tags " + ", ".join(dropped))
    if profile.extra:
        parts.append(f"{profile.extra} bytes after the profile")
    return parts or ["description, copyright or layout"]


def _printable(raw: bytes) -> str:
    text = "".join(chr(b) if 32 <= b < 127 else "" for b in raw).strip()
    return repr(text) if text else f"0x{raw.hex()}"


def kept_form(data: bytes) -> tuple[bytes | None, str | None]:
    """(the canonical profile to write, None) or (None, a note saying why the profile was dropped)."""
    try:
        return canonical(data).data, None
    except InvalidProfile as err:
        return None, f"the colour profile was dropped: {err}"
