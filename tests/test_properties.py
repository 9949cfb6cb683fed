"""Property-based tests (hypothesis) over the container parsers and metadata readers.

For any input, derived from real dirty files by mutation or built at random:
- inspect and clean raise nothing but the engine's typed errors (EngineError);
- every output clean returns re-inspects as clean under its policy (called directly, without api's gate);
- metadata planted with a canary never survives a clean;
- the readers (EXIF, XMP, IPTC/IRB, ICC, PNG text) never raise at all.
Example counts stay modest so the suite stays fast; fuzz/ runs the long, coverage-guided search.
"""

import io
import os
import struct
import zlib

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

import hostile_inputs as hi
from imagestudio import api
from imagestudio.containers import CONTAINERS
from imagestudio.errors import EngineError
from imagestudio.policy import CleanPolicy
from imagestudio.readers import exif, icc, iptc, xmp
from imagestudio.sniff import sniff
from test_hostile_inputs import check_result

# IMAGE_STUDIO_EXAMPLES=2000 IMAGE_STUDIO_EXPLORE=1 for a longer, random local search. By default the examples are
# the same on every run: a suite that passes or fails by the draw cannot gate a landing. What a random search
# finds becomes a test of its own (test_text_inside_a_gif_colour_table_is_removed).
EXPLORE = bool(os.environ.get("IMAGE_STUDIO_EXPLORE"))
FAST = settings(max_examples=int(os.environ.get("IMAGE_STUDIO_EXAMPLES", "40")), deadline=None,
                derandomize=not EXPLORE,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _bmp() -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (6, 4), (1, 2, 3)).save(buf, "BMP")
    return buf.getvalue()


# One small dirty seed per container the engine has.
SEEDS = {"jpeg": hi.dirty_jpeg(), "png": hi.dirty_png(), "webp": hi.dirty_webp(), "gif": hi.dirty_gif(frames=2),
         "tiff": hi.dirty_tiff(), "bmp": _bmp()}
FORMATS = [f for f in SEEDS if f in CONTAINERS]
POLICIES = st.builds(CleanPolicy, keep_orientation=st.booleans(), keep_icc=st.booleans(),
                     keep_copyright=st.booleans())
EXTREMES = (0, 1, 2, 0x7F, 0xFF, 0x7FFF, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF, 0xFFFFFFF0)


@st.composite
def mutated(draw, seed: bytes) -> bytes:
    """A seed after a few byte-level edits aimed at headers and length fields."""
    data = bytearray(seed)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "delete", "length", "splice"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] ^= 1 << draw(st.integers(0, 7))
        elif kind == "cut":
            del data[at:]
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=32))
        elif kind == "delete":
            del data[at:at + draw(st.integers(1, 64))]
        elif kind == "length":  # an extreme value where a length or offset may live
            value = draw(st.sampled_from(EXTREMES))
            data[at:at + 4] = struct.pack(draw(st.sampled_from([">I", "<I"])), value)
        elif kind == "splice":  # a piece of another format's seed: containers inside containers
            other = SEEDS[draw(st.sampled_from(sorted(SEEDS)))]
            start = draw(st.integers(0, len(other) - 1))
            data[at:at] = other[start:start + draw(st.integers(1, 400))]
    return bytes(data)


def _clean_and_check(fmt_name: str, data: bytes, policy: CleanPolicy, name: str) -> bytes | None:
    """Call the container directly (no gate): typed errors only, and the output must re-inspect clean."""
    container = CONTAINERS[fmt_name]
    try:
        container.inspect(data, name)
        out = container.clean(data, policy, name)
    except EngineError:
        return None
    assert isinstance(out, (bytes, bytearray)) and out, f"{fmt_name}: clean returned {type(out)}"
    out = bytes(out)
    try:
        again_fmt = sniff(out, name)
        after = CONTAINERS[again_fmt.name].inspect(out, name)
    except EngineError as err:  # a cleaned file must be readable again, or the user cannot check it
        raise AssertionError(f"{fmt_name}: clean output cannot be re-inspected: {err}") from err
    leftover = [f for f in after if not policy.allows(f)]
    assert not leftover, f"{fmt_name}: clean output still holds {[(f.key, f.where) for f in leftover]}"
    return out


@pytest.mark.parametrize("fmt_name", FORMATS)
@FAST
@given(data=st.data(), policy=POLICIES)
def test_mutated_files_clean_to_verified_clean_output(fmt_name, data, policy):
    sample = data.draw(mutated(SEEDS[fmt_name]))
    try:
        fmt = sniff(sample, "m")
    except EngineError:
        return
    if fmt.name in CONTAINERS:
        _clean_and_check(fmt.name, sample, policy, "mutated")


# Planting metadata in the places each container keeps it: the canary must be gone after a clean.
JPEG_IDS = [b"Exif\x00\x00", b"http://ns.adobe.com/xap/1.0/\x00", b"http://ns.adobe.com/xmp/extension/\x00",
            b"ICC_PROFILE\x00\x01\x01", b"MPF\x00", b"Photoshop 3.0\x00", b"JFIF\x00", b"JFXX\x00\x10", b"Adobe", b""]
PNG_KINDS = [b"tEXt", b"zTXt", b"iTXt", b"eXIf", b"tIME", b"iCCP", b"caBX", b"prVt", b"vpAg", b"zzZZ",
             # chunks kept for drawing: their fields, padded with hidden bytes
             b"pHYs", b"gAMA", b"sRGB", b"cHRM", b"bKGD", b"sBIT", b"tRNS", b"hIST", b"cICP", b"cLLi", b"mDCv"]
WEBP_KINDS = [b"EXIF", b"XMP ", b"ICCP", b"ZZZZ", b"c2pa"]


@st.composite
def planted(draw, fmt_name: str) -> bytes:
    canary = hi.CANARY * draw(st.integers(1, 3))
    filler = draw(st.binary(max_size=24))
    if fmt_name == "jpeg":
        base = hi.encode("JPEG", "RGB", (8, 8))
        marker = draw(st.sampled_from([*range(0xE0, 0xF0), 0xFE, 0xC8, 0xDC, 0xDD, 0xDE, 0xDF]))
        ident = draw(st.sampled_from(JPEG_IDS))
        segs = [hi.jpeg_segment(marker, ident + filler + canary) for _ in range(draw(st.integers(1, 3)))]
        return hi.jpeg_insert(base, *segs) + draw(st.sampled_from([b"", canary]))
    if fmt_name == "png":
        kind = draw(st.sampled_from(PNG_KINDS))
        head = draw(st.sampled_from([b"Comment\x00", b"k\x00\x00", b""]))
        if kind[:1].islower() and kind in (b"pHYs", b"gAMA", b"sRGB", b"cHRM", b"bKGD", b"sBIT", b"tRNS", b"hIST",
                                           b"cICP", b"cLLi", b"mDCv"):
            head = bytes(40)  # the fields themselves (at most 32 bytes) are pixel data; the canary sits past them
        chunk = hi.png_chunk(kind, head + filler + canary)
        where = draw(st.sampled_from(["after_ihdr", "before_iend"]))
        base = hi.png_raw(4, 4)
        at = 33 if where == "after_ihdr" else len(base) - 12
        if draw(st.booleans()):  # or hidden after the end of the compressed image data, in IDAT itself
            rows = b"".join(b"\x00" + bytes(12) for _ in range(4))
            idat = draw(st.sampled_from([[zlib.compress(rows) + filler + canary],
                                         [zlib.compress(rows), filler + canary],
                                         [zlib.compress(rows)[:5], zlib.compress(rows)[5:] + canary]]))
            base = base[:33] + b"".join(hi.png_chunk(b"IDAT", b) for b in idat) + hi.png_chunk(b"IEND", b"")
            return base
        return base[:at] + chunk + base[at:] + draw(st.sampled_from([b"", canary]))
    if fmt_name == "webp":
        chunks = [hi.riff_chunk(k, b) for k, b in hi.webp_chunks(hi.encode("WEBP", "RGB", (8, 8), lossless=True))]
        kind = draw(st.sampled_from(WEBP_KINDS + [b"ANIM"]))
        extra = hi.riff_chunk(kind, (bytes(6) if kind == b"ANIM" else b"") + filler + canary)
        flags = b"\x2c\x00\x00\x00" + b"\x07\x00\x00\x07\x00\x00"  # VP8X: ICC, EXIF, XMP flags
        return hi.riff([hi.riff_chunk(b"VP8X", flags), *chunks, extra]) + draw(st.sampled_from([b"", canary]))
    if fmt_name == "gif":
        base = hi.encode("GIF", "P", (4, 4))
        block = draw(st.sampled_from([b"\x21\xfe", b"\x21\xff\x0bXMP DataXMP", b"\x21\xff\x0bZZZZZZZZ1.0",
                                      # kept for playback: their fields, then hidden sub-blocks
                                      b"\x21\xf9\x04\x00\x0a\x00\x00", b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00"]))
        body = filler + canary
        ext = block + b"".join(bytes([len(body[i:i + 255])]) + body[i:i + 255] for i in range(0, len(body), 255))
        ext += b"\x00"
        at = base.find(b"\x2c") if draw(st.booleans()) else len(base) - 1
        return base[:at] + ext + base[at:] + draw(st.sampled_from([b"", canary]))
    raise AssertionError(fmt_name)


PLANTABLE = [f for f in ("jpeg", "png", "webp", "gif") if f in CONTAINERS]


@pytest.mark.parametrize("fmt_name", PLANTABLE)
@FAST
@given(data=st.data())
def test_planted_metadata_never_survives_a_clean(fmt_name, data):
    sample = data.draw(planted(fmt_name))
    policy = CleanPolicy(keep_icc=False, keep_copyright=False)  # nothing may be kept that could hold the canary
    out = _clean_and_check(fmt_name, sample, policy, f"planted.{fmt_name}")
    if out is not None:
        assert hi.CANARY not in out, f"{fmt_name}: the planted canary survived the clean"


@FAST
@given(data=st.binary(max_size=600), magic=st.sampled_from([b"", b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF89a",
                                                              b"RIFF\x00\x01\x00\x00WEBP", b"II*\x00", b"MM\x00*",
                                                              b"BM"]),
       op=st.sampled_from(["inspect", "clean"]))
def test_api_handle_keeps_its_contract_on_random_bytes(data, magic, op):
    name = "random.bin"
    sample = magic + data
    result = api.handle(op, sample, {}, name)
    check_result(op, name, sample, result)


# ---------------------------------------------------------------- readers: never raise

IFD_TYPES = st.sampled_from([1, 2, 3, 4, 5, 7, 9, 10, 11, 12, 13, 0, 14, 0xFFFF])
TAGS = st.sampled_from([0x010F, 0x0110, 0x0112, 0x0131, 0x8769, 0x8825, 0xA005, 0x927C, 0x02BC, 0x83BB, 0x8649,
                        0x8773, 0x0201, 0x0202, 0x9286, 0x9C9B, 0x8298, 0, 0xFFFF])


@st.composite
def tiff_structures(draw) -> bytes:
    order = draw(st.sampled_from(["<", ">"]))
    entries = draw(st.lists(st.tuples(TAGS, IFD_TYPES, st.sampled_from([0, 1, 2, 4, 8, 0xFFFF, 0xFFFFFFFF]),
                                      st.sampled_from([0, 8, 10, 26, 0x40, 0xFFFF, 0x7FFFFFFF, 0xFFFFFFFF])),
                            max_size=8))
    body = hi.tiff_ifd(entries, next_ifd=draw(st.sampled_from([0, 8, 26, 0xFFFFFFFF])), order=order)
    return body + draw(st.binary(max_size=64))


@FAST
@given(blob=st.one_of(tiff_structures(), st.binary(max_size=300)), header=st.booleans(), tiff_file=st.booleans())
def test_exif_reader_never_raises(blob, header, tiff_file):
    findings = exif.read((b"Exif\x00\x00" if header else b"") + blob, "EXIF", tiff_file=tiff_file)
    assert isinstance(findings, list)
    assert exif.orientation(blob) in range(1, 9)
    exif.copyright_text(blob)


@FAST
@given(packet=st.one_of(st.binary(max_size=400),
                        st.text(alphabet="<>/=\"': abcxmpRDFli&;!#[]\n", max_size=300).map(str.encode)))
def test_xmp_reader_never_raises(packet):
    assert xmp.read(packet)[0].key == "xmp"


@FAST
@given(blob=st.binary(max_size=400), prefix=st.sampled_from([b"", b"8BIM\x04\x04\x00\x00", b"8BIM\x04\x22\x00\x00",
                                                             b"8BIM\x04\x0c\x00\x00", b"\x1c\x02\x78"]))
def test_iptc_and_photoshop_readers_never_raise(blob, prefix):
    iptc.read_irb(prefix + blob)
    iptc.read_iim(prefix + blob)


@FAST
@given(blob=st.binary(min_size=0, max_size=400), count=st.sampled_from([0, 1, 5, 0xFFFFFFFF]))
def test_icc_reader_never_raises(blob, count):
    profile = blob[:128].ljust(128, b"\x00") + struct.pack(">I", count) + blob[128:]
    assert icc.read(profile)[0].key == "icc_profile"


@pytest.mark.parametrize("fmt_name", FORMATS)
@settings(max_examples=max(10, int(os.environ.get("IMAGE_STUDIO_EXAMPLES", "40")) // 2), deadline=None,
          derandomize=not EXPLORE, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), long_edge=st.sampled_from([1, 7, 64]), out=st.sampled_from(["keep", "jpeg", "png", "webp"]))
def test_mutated_files_through_process_keep_the_contract(fmt_name, data, long_edge, out):
    """Decode, resize and re-encode damaged files: a verified clean output or a typed error naming the file."""
    sample = data.draw(mutated(SEEDS[fmt_name]))
    name = f"mutated.{fmt_name}"
    result = api.handle("process", sample, {"resize": {"long_edge": long_edge}, "encode": {"format": out}}, name)
    check_result("process", name, sample, result)


@pytest.mark.parametrize("name,sample", hi.fuzz_finds(), ids=[n for n, _ in hi.fuzz_finds()])
def test_fuzz_finds_stay_fixed_at_container_level(name, sample):
    """The fuzzer calls containers directly (clean even when inspect refused): so do these regressions."""
    fmt = sniff(sample, name)
    for policy in (CleanPolicy(), CleanPolicy(keep_icc=False, keep_orientation=False)):
        _clean_and_check(fmt.name, sample, policy, name)


def test_text_inside_a_gif_colour_table_is_removed():
    """53 bytes cut from the global colour table: the comment extension that followed now lies inside the table's
    384 bytes, so every reader takes it for colours (inspect finds no comment); no pixel uses those colours, so the
    clean blanks them."""
    seed = SEEDS["gif"]
    sample = seed[:100] + seed[153:]
    table_end = 13 + 3 * 2 ** ((sample[10] & 7) + 1)
    assert 0 < sample.find(hi.CANARY) < table_end
    result = api.handle("clean", sample, {}, "table.gif")
    assert result["ok"] and hi.CANARY not in result["data"]
