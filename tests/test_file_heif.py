"""HEIC/HEIF/AVIF lossless clean: rewritten container, coded pictures byte for byte, checked by independent readers
(pillow-heif decodes, exiftool reads the metadata) on the real photos of ../shared/corpus, every file of
../shared/heif (libheif's samples and fuzzers' crashers) and hand-built hostile structures."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from corpus import CORPUS, corpus_files, needs_corpus
from hostile_heif import (
    CANARY,
    DEPTH,
    EXIF_ITEM,
    GAIN_MAP,
    PICTURE,
    THUMBNAIL,
    XMP,
    dirty_heif,
    heif_with_gain_map,
    hostile_heifs,
)
from hostile_inputs import _picture, exif_body
from imagestudio import api, heif_decode
from imagestudio.containers import heif
from imagestudio.containers.heif_meta import item_bytes

pillow_heif = pytest.importorskip("pillow_heif")

ROOT = Path(__file__).resolve().parent.parent
SHARED_HEIF = ROOT.parent / "shared" / "heif"
HEIF_FILES = sorted(p for p in SHARED_HEIF.glob("*") if p.suffix.lower() in (".heic", ".heif", ".avif")) \
    if SHARED_HEIF.is_dir() else []
PHOTOS = corpus_files(".heic", ".heif", ".avif")
TYPED = {"corrupt", "unsupported_format", "too_large", "not_an_image"}


def coded_items(data: bytes) -> dict[int, bytes]:
    """{item id: bytes} of every picture item the clean keeps, read by the parser from `data`."""
    parsed = heif._parse(data)
    return {i: item_bytes(data, parsed.meta, parsed.meta.items[i]) for i in parsed.kept}


def decoded(data: bytes):
    """The primary picture as pillow-heif sees it (mode, size, pixels), or None when it cannot decode it."""
    try:
        im = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=False).to_pillow()
    except Exception:  # noqa: BLE001 - libheif refuses many of libheif's own fuzz files and some codecs
        return None
    return im.mode, im.size, im.tobytes()


def assert_lossless(data: bytes, out: bytes) -> None:
    kept_in, kept_out = coded_items(data), coded_items(out)
    assert kept_in == kept_out, "the coded picture items must be copied byte for byte"
    before = decoded(data)
    if before is not None:
        assert decoded(out) == before, "pillow-heif must decode the clean file to the same pixels"


# ---------------------------------------------------------------- every file of libheif's collection

@pytest.mark.skipif(not HEIF_FILES, reason=f"no HEIF collection at {SHARED_HEIF}")
def test_every_shared_heif_file_is_cleaned_or_refused_with_a_reason():
    outcomes = {"ok": 0, "refused": 0}
    for path in HEIF_FILES:
        data = path.read_bytes()
        result = api.handle("clean", data, {}, path.name)
        if not result["ok"]:
            assert result["error"]["code"] in TYPED, (path.name, result["error"])
            assert result["error"]["message"].startswith(path.name + ": "), result["error"]
            outcomes["refused"] += 1
            continue
        outcomes["ok"] += 1
        out = result["data"]
        assert_lossless(data, out)
        assert api.handle("inspect", out, {}, path.name)["ok"]
        again = api.handle("clean", out, {}, path.name)
        assert again["ok"] and again["data"] == out, f"{path.name}: cleaning a clean file must change nothing"
    assert len(HEIF_FILES) == 224 and outcomes["ok"] >= 150, outcomes


@pytest.mark.skipif(not HEIF_FILES, reason=f"no HEIF collection at {SHARED_HEIF}")
def test_shared_files_that_libheif_decodes_still_decode_the_same():
    compared = 0
    for path in HEIF_FILES:
        data = path.read_bytes()
        if decoded(data) is None:
            continue
        result = api.handle("clean", data, {}, path.name)
        assert result["ok"], f"{path.name} decodes, so it must be cleaned: {result['error']}"
        assert decoded(result["data"]) == decoded(data), path.name
        compared += 1
    assert compared >= 10


def test_thumbnails_are_removed_and_the_alpha_plane_kept():
    path = SHARED_HEIF / "libheif_colors-with-alpha-thumbnail.heic"
    if not path.exists():
        pytest.skip("no HEIF collection")
    data = path.read_bytes()
    result = api.handle("clean", data, {}, path.name)
    assert "thumbnail" in {f["key"] for f in result["report"]["removed"]}
    out = result["data"]
    assert pillow_heif.open_heif(io.BytesIO(out)).has_alpha
    assert not heif._parse(out).meta.refs or all(kind != b"thmb" for kind, _s, _t in heif._parse(out).meta.refs)
    assert_lossless(data, out)


# ---------------------------------------------------------------- the real photos

@pytest.fixture(scope="module")
def cleaned_photos(tmp_path_factory):
    """The corpus HEIC/HEIF/AVIF photos through the command line, as a user runs it."""
    folder = tmp_path_factory.mktemp("heif-clean")
    env = {"PYTHONPATH": str(ROOT / "py")}
    run = subprocess.run([sys.executable, "-m", "imagestudio", "clean", *map(str, PHOTOS), "-o", str(folder)],
                         capture_output=True, text=True, env=env, check=False)
    assert run.returncode == 0, run.stdout + run.stderr
    return folder


@needs_corpus(PHOTOS)
def test_photos_keep_nothing_private_for_exiftool(path, cleaned_photos, exiftool):
    out = cleaned_photos / (path.stem + "-clean" + (".avif" if path.suffix.lower() == ".avif" else ".heic"))
    tags = json.loads(subprocess.run([exiftool, "-j", "-a", "-G1", "-u", str(out)], capture_output=True,
                                     check=True).stdout)[0]
    for key in tags:
        group, _, tag = key.partition(":")
        if group.startswith("ICC") or group in ("System", "ExifTool", "SourceFile"):
            continue  # the colour profile is kept on purpose (its own header date included)
        assert group not in ("XMP", "XMP-x", "GPS", "IFD0", "ExifIFD", "IFD1", "Apple"), key
        assert not any(word in tag for word in ("GPS", "Make", "Model", "Serial", "Date", "Thumbnail")), key
    data = path.read_bytes()
    assert_lossless(data, out.read_bytes())


@needs_corpus(PHOTOS)
def test_photos_report_what_was_removed_and_that_the_picture_is_untouched(path):
    data = path.read_bytes()
    before = {f["key"] for f in api.handle("inspect", data, {}, path.name)["report"]["findings"]}
    result = api.handle("clean", data, {}, path.name)
    report = result["report"]
    assert report["lossless"] and report["notes"][0].startswith("image data untouched")
    assert {f["key"] for f in report["removed"]} >= before - {"icc_profile", "orientation"}
    assert {f["key"] for f in report["kept"]} <= {"icc_profile", "orientation"}


def test_gps_photo_is_clean_after_and_its_removed_bytes_are_gone():
    path = CORPUS / "ianare_IMG_5195.HEIC"
    if not path.exists():
        pytest.skip("no corpus")
    data = path.read_bytes()
    parsed = heif._parse(data)
    assert api.handle("inspect", data, {}, path.name)["report"]["summary"]["location"]
    out = api.handle("clean", data, {}, path.name)["data"]
    for item in parsed.meta.items.values():
        if item.id not in parsed.kept and item.type in (b"Exif", b"mime"):
            blob = item_bytes(data, parsed.meta, item)
            assert len(blob) > 32 and blob[-32:] not in out and blob[:32] not in out
    assert not api.handle("inspect", out, {}, path.name)["report"]["summary"]["location"]


# ---------------------------------------------------------------- policies, on files pillow-heif writes

def smooth_picture():
    """64x48, red rising left to right, green top to bottom: easy to compress, and its turn is visible."""
    from PIL import Image
    red = Image.linear_gradient("L").rotate(90).resize((64, 48))
    green = Image.linear_gradient("L").resize((64, 48))
    return Image.merge("RGB", (red, green, Image.new("L", (64, 48), 128)))


def written_heic(**save) -> bytes:
    buf = io.BytesIO()
    pillow_heif.from_pillow(smooth_picture()).save(buf, format="HEIF", quality=-1, **save)
    return buf.getvalue()


def test_exif_orientation_lives_in_irot_and_the_policy_decides_it():
    data = written_heic(exif=exif_body(orientation=6), xmp=XMP)
    upright = api.handle("clean", data, {}, "turned.heic")
    assert pillow_heif.open_heif(io.BytesIO(upright["data"])).size == (48, 64), "irot kept: shown turned"
    assert [f["where"] for f in upright["report"]["kept"]] == ["HEIF 'irot' property"]
    plain = api.handle("clean", data, {"policy": {"keep_orientation": False}}, "turned.heic")
    assert pillow_heif.open_heif(io.BytesIO(plain["data"])).size == (64, 48)
    assert CANARY not in upright["data"] and CANARY not in plain["data"]


def test_keep_copyright_writes_an_exif_item_with_only_the_notice(tmp_path, exiftool):
    import piexif
    exif = piexif.dump({"0th": {piexif.ImageIFD.Copyright: b"(c) Jane Doe", piexif.ImageIFD.Make: b"SpyCam"},
                        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((1, 1),) * 3}})
    result = api.handle("clean", written_heic(exif=exif), {"policy": {"keep_copyright": True}}, "c.heic")
    (tmp_path / "c.heic").write_bytes(result["data"])
    tags = json.loads(subprocess.run([exiftool, "-j", "-G1", str(tmp_path / "c.heic")], capture_output=True,
                                     check=True).stdout)[0]
    assert tags["IFD0:Copyright"] == "(c) Jane Doe"
    assert not [k for k in tags if k.startswith(("IFD0:Make", "GPS:", "ExifIFD:"))]
    assert [f["key"] for f in result["report"]["kept"]] == ["copyright"]


def test_dropping_the_colour_profile_keeps_the_nclx_colour():
    data = (CORPUS / "ianare_IMG_5195.HEIC")
    if not data.exists():
        pytest.skip("no corpus")
    result = api.handle("clean", data.read_bytes(), {"policy": {"keep_icc": False}}, "p3.heic")
    assert result["ok"] and "icc_profile" not in {f["key"] for f in result["report"]["kept"]}
    properties = heif._parse(result["data"]).meta.properties
    assert b"prof" not in b"".join(result["data"][b.start - 8:b.end] for b in properties)


def test_avif_is_cleaned_like_heic():
    buf = io.BytesIO()
    pillow_heif.from_pillow(_picture("RGB", (32, 24))).save(buf, format="AVIF", exif=exif_body(), xmp=XMP)
    data = buf.getvalue()
    result = api.handle("clean", data, {}, "d.avif")
    assert result["ok"] and result["mime"] == "image/avif" and result["name"] == "d-clean.avif"
    assert {"gps", "serial", "xmp"} <= {f["key"] for f in result["report"]["removed"]}
    assert CANARY not in result["data"]
    assert_lossless(data, result["data"])


# ---------------------------------------------------------------- hand-built structures

def test_dirty_heif_loses_everything_but_the_picture():
    data = dirty_heif()
    report = api.handle("inspect", data, {}, "dirty.heic")["report"]
    keys = {f["key"] for f in report["findings"]}
    assert {"gps", "serial", "xmp", "thumbnail", "auxiliary_image", "extra_box"} <= keys
    assert "Depth map" in {f["label"] for f in report["findings"]}
    result = api.handle("clean", data, {}, "dirty.heic")
    out = result["data"]
    for removed in (EXIF_ITEM[8:40], XMP, THUMBNAIL, DEPTH, CANARY):
        assert removed not in out
    assert coded_items(out) == {1: PICTURE}
    assert result["report"]["kept"] == []


@pytest.mark.parametrize("case", list(hostile_heifs()))
def test_hostile_structure_gives_a_clean_file_or_a_typed_error(case):
    data = hostile_heifs()[case]
    for op in ("inspect", "clean"):
        result = api.handle(op, data, {}, f"{case}.heic")
        if not result["ok"]:
            assert result["error"]["code"] in TYPED, result["error"]
            assert result["error"]["message"].startswith(f"{case}.heic: ")
        elif op == "clean":
            assert CANARY not in result["data"]
            assert coded_items(result["data"]) == coded_items(data)


@pytest.mark.parametrize("case, words", [
    ("iref_loop", "loop"), ("iref_self", "loop"), ("extent_out_of_range", "outside the file"),
    ("extent_overlaps_the_picture", "shares bytes with the picture"),
    ("box_runs_past_the_end", "the file is cut short"), ("largesize_64_bit_huge", "the file is cut short"),
    ("primary_is_exif", "not a picture"),
    ("sequence_only", "image sequence"), ("property_index_past_ipco", "property 9")])
def test_hostile_structure_is_refused_with_the_reason(case, words):
    result = api.handle("clean", hostile_heifs()[case], {}, "x.heic")
    assert not result["ok"] and words in result["error"]["message"], result
    if result["error"]["code"] == "corrupt":
        assert result["error"]["message"].startswith("x.heic: its structure is damaged ("), result


def test_sequences_keep_the_still_and_say_so():
    data = hostile_heifs()["still_with_sequence"]
    result = api.handle("clean", data, {}, "live.heic")
    assert any("image sequence" in note for note in result["report"]["notes"])
    assert b"moov" not in result["data"] and result["data"][8:12] == b"mif1"
    assert coded_items(result["data"]) == {1: PICTURE}


def test_64_bit_box_sizes_and_100000_items_are_handled():
    valid = api.handle("clean", hostile_heifs()["largesize_64_bit_valid"], {}, "big.heic")
    assert valid["ok"] and coded_items(valid["data"]) == {1: PICTURE}
    many = api.handle("clean", hostile_heifs()["many_items"], {}, "many.heic")
    assert many["ok"] and coded_items(many["data"]) == {1: PICTURE}
    assert len(many["data"]) < 1000


def test_hdr_gain_map_is_kept_without_its_metadata_and_dropped_from_pixels_with_a_note():
    data = heif_with_gain_map()
    result = api.handle("clean", data, {}, "hdr.heic")
    assert coded_items(result["data"]) == {1: PICTURE, 2: GAIN_MAP}
    assert CANARY not in result["data"] and "xmp" in {f["key"] for f in result["report"]["removed"]}
    assert "HDR gain map kept (its own metadata removed)" in result["report"]["notes"]
    dropped = "HDR gain map dropped: the picture was converted in standard dynamic range"
    assert heif_decode.pixel_notes(data) == [dropped]


# ---------------------------------------------------------------- pixels for the other recipes (natively)

def test_process_converts_heic_to_an_upright_jpeg_without_metadata():
    data = written_heic(exif=exif_body(orientation=6), xmp=XMP)
    result = api.handle("process", data, {"encode": {"format": "jpeg", "quality": 95}}, "turned.heic")
    assert result["ok"] and result["name"].endswith(".jpg"), result.get("error")
    from PIL import Image, ImageChops, ImageStat
    out = Image.open(io.BytesIO(result["data"]))
    want = pillow_heif.open_heif(io.BytesIO(data)).to_pillow().convert("RGB")
    assert out.size == want.size == (48, 64)  # upright: 'irot' applied
    turned_wrong = want.transpose(Image.Transpose.ROTATE_180)
    error = ImageStat.Stat(ImageChops.difference(out.convert("RGB"), want)).mean
    wrong = ImageStat.Stat(ImageChops.difference(out.convert("RGB"), turned_wrong)).mean
    assert max(error) < 4 and max(wrong) > 30
    assert CANARY not in result["data"] and not out.getexif()


@needs_corpus([p for p in PHOTOS if p.name == "ianare_IMG_5195.HEIC"])
def test_process_keeps_the_display_p3_profile_of_an_iphone_photo(path):
    result = api.handle("process", path.read_bytes(), {"resize": {"long_edge": 256}, "encode": {"format": "webp"}},
                        path.name)
    from PIL import Image
    out = Image.open(io.BytesIO(result["data"]))
    assert out.format == "WEBP" and max(out.size) == 256
    assert b"Display P3" in out.info["icc_profile"].replace(b"\x00", b"")


def test_without_a_decoder_the_error_says_how_to_get_one(monkeypatch):
    monkeypatch.setitem(sys.modules, "pillow_heif", None)  # import fails as if it was not installed
    result = api.handle("process", written_heic(), {"resize": {"long_edge": 16}}, "p.heic")
    assert result["error"]["code"] == "unsupported_format"
    assert "pip install pillow-heif" in result["error"]["message"] and result["error"]["message"].startswith("p.heic")
    assert api.handle("clean", written_heic(), {}, "p.heic")["ok"], "a lossless clean needs no decoder"


# ---------------------------------------------------------------- the page's decoder, as Python sees it

class PageDecoder:
    """Stands in for the worker's imagestudio_heif module: hands over one decoded picture, like app/worker.js."""

    def __init__(self, picture=None):
        self.picture, self.asked = picture, 0

    def take(self):
        self.asked += 1
        picture, self.picture = self.picture, None
        return picture


class Pixels:
    def __init__(self, image, colour="stored", error=None):
        self.width, self.height, self.colour, self.error = image.width, image.height, colour, error
        self.data = type("JsBytes", (), {"to_bytes": lambda _self: image.convert("RGBA").tobytes()})()


def test_in_the_browser_python_asks_for_the_decoder_then_takes_its_pixels(monkeypatch):
    data = (CORPUS / "ianare_IMG_5195.HEIC").read_bytes() if PHOTOS else written_heic()
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "imagestudio_heif", PageDecoder())
    asked = api.handle("process", data, {"resize": {"long_edge": 64}}, "p.heic")
    assert asked["error"] == {"code": "needs_decoder", "decoder": "libheif",
                              "message": "p.heic: HEIC/AVIF pixels need the page's decoder"}
    picture = pillow_heif.open_heif(io.BytesIO(data)).to_pillow()
    monkeypatch.setitem(sys.modules, "imagestudio_heif", PageDecoder(Pixels(picture)))
    result = api.handle("process", data, {"resize": {"long_edge": 64}, "encode": {"format": "png"}}, "p.heic")
    from PIL import Image
    out = Image.open(io.BytesIO(result["data"]))
    assert max(out.size) == 64 and out.size[0] / out.size[1] == pytest.approx(picture.width / picture.height, 0.05)
    if PHOTOS:  # libheif's pixels are in the file's colour space: its profile goes with them
        assert heif_decode.picture_icc(data) and b"Display P3" in out.info["icc_profile"].replace(b"\x00", b"")


def test_in_the_browser_avif_goes_to_the_browser_decoder_and_its_failure_names_the_file(monkeypatch):
    buf = io.BytesIO()
    pillow_heif.from_pillow(smooth_picture()).save(buf, format="AVIF")
    monkeypatch.setattr(sys, "platform", "emscripten")
    monkeypatch.setitem(sys.modules, "imagestudio_heif", PageDecoder())
    to_jpeg = {"encode": {"format": "jpeg"}}
    assert api.handle("process", buf.getvalue(), to_jpeg, "a.avif")["error"]["decoder"] == "browser"
    broken = Pixels(smooth_picture(), error="the browser: The source image cannot be decoded.")
    monkeypatch.setitem(sys.modules, "imagestudio_heif", PageDecoder(broken))
    error = api.handle("process", buf.getvalue(), to_jpeg, "a.avif")["error"]
    assert error["code"] == "corrupt" and error["message"].startswith("a.avif: the picture cannot be decoded (the")
