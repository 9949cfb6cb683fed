"""The JPEG speed paths of decode.py keep the picture: luma-first (full-scale luma + reduced-scale chroma)
and the auto-quality candidate decode (luma only) against the plain way, on real photos of the corpus."""

import io

import pytest
from PIL import Image, ImageOps

from corpus import CORPUS, needs_corpus
from imagestudio import api, decode, encode, quality
from imagestudio.encode import search
from imagestudio.ops import resize
from imagestudio.recipe import AUTO_QUALITY, Resize
from pictures import encoded, opened, photo

# Colour photos of the corpus big enough to be shrunk (one turned by EXIF, one progressive).
PHOTOS = [CORPUS / n for n in (
    "ianare_Reconyx_HC500_Hyperfire.jpg", "ianare_hdr_canon_hdr_YES.jpg", "ianare_hdr_iphone_hdr_YES.jpg",
    "ianare_mobile_HMD_Nokia_8.3_5G.jpg", "ianare_mobile_jolla.jpg", "ianare_tests_30-type_error.jpg",
    "ianare_tests_67-0_length_string.jpg", "ianare_tests_87_OSError.jpg", "mat2_dirty.jpg")] if CORPUS.is_dir() else []


def plain(data: bytes, size: tuple, q: int) -> Image.Image:
    """The plain way: full decode to RGB, upright, LANCZOS straight to `size`, JPEG at q with the tool's
    own encoder settings (its quantisation tables differ from Pillow's), so only the decode path differs."""
    full = ImageOps.exif_transpose(opened(data).convert("RGB"))
    return opened(encode.save([full.resize(size, Image.Resampling.LANCZOS)], encode.Settings(format="jpeg", quality=q)))


def chroma_error(a: Image.Image, b: Image.Image) -> float:
    """Mean absolute Cb/Cr difference (0-255 levels) at 1/8 size, where only colour is left."""
    small = (max(1, a.width // 8), max(1, a.height // 8))
    pa, pb = (im.convert("YCbCr").resize(small, Image.Resampling.BOX) for im in (a, b))
    total = 0
    for band in (1, 2):
        x, y = pa.getchannel(band).tobytes(), pb.getchannel(band).tobytes()
        total += sum(abs(i - j) for i, j in zip(x, y)) / len(x)
    return total / 2


@needs_corpus(PHOTOS)
@pytest.mark.parametrize("share", [0.45, 0.3, 0.2, 0.1, 0.05])
def test_luma_first_keeps_the_picture_on_corpus_photos(path, share):
    data = path.read_bytes()
    long_edge = max(64, round(max(Image.open(path).size) * share))
    # q95 on both sides: the encoder's own loss stays small next to what the decode path could lose.
    recipe = {"resize": {"long_edge": long_edge}, "encode": {"format": "jpeg", "quality": 95}}
    result = api.handle("process", data, recipe,
                        path.name)
    assert result["ok"], result
    detail = next(s["detail"] for s in result["report"]["operations"] if s["step"] == "resize")
    assert "luma-first YCbCr" in detail and "chroma decoded at 1/" in detail
    out = opened(result["data"])
    reference = plain(data, out.size, 95)
    assert max(out.size) == long_edge
    assert quality.ssim(reference, out) >= 0.99
    assert chroma_error(reference, out) <= 1.5


def test_luma_first_decode_holds_luma_and_small_chroma():
    data = encoded(photo((1600, 1200), seed=5), quality=90)
    ratio = 512 / 1600
    decoded = decode.decode(data, "a.jpg", lambda size: ratio, want_ycbcr=True, luma_first=True)
    luma, chroma = decoded.frames[0], decoded.chroma
    assert luma.mode == "L" and luma.size == (1600, 1200)
    assert chroma.mode == "YCbCr" and decoded.chroma_scale == 4 and chroma.size == (400, 300)  # >= 256x192
    out = resize.planes(luma, chroma, Resize(long_edge=512), decoded.source_size)
    assert out.mode == "YCbCr" and out.size == (512, 384)
    one_decode = decode.decode(data, "a.jpg", lambda size: ratio, want_ycbcr=True)
    assert one_decode.chroma is None and one_decode.frames[0].mode == "YCbCr"
    same = resize.apply(one_decode.frames[0], Resize(long_edge=512), one_decode.source_size, chroma_420=True)
    assert quality.ssim(same, out) >= 0.995
    assert chroma_error(same.convert("RGB"), out.convert("RGB")) <= 1.0


@pytest.mark.parametrize("opts", [dict(width=300, height=300, fit="cover"), dict(width=400, height=150, fit="stretch"),
                                  dict(width=300, height=300), dict(percent=30)])
def test_luma_first_fits_like_the_one_decode_way(opts):
    data = encoded(photo((1200, 800), seed=4), quality=90)
    recipe = Resize(**opts)
    ratio = resize.scale_ratio((1200, 800), recipe)
    split = decode.decode(data, "a.jpg", lambda size: ratio, want_ycbcr=True, luma_first=True)
    assert split.chroma is not None
    out = resize.planes(split.frames[0], split.chroma, recipe, split.source_size)
    one = decode.decode(data, "a.jpg", lambda size: ratio, want_ycbcr=True)
    same = resize.apply(one.frames[0], recipe, one.source_size, chroma_420=True)
    assert out.size == same.size == resize.target_size((1200, 800), recipe)
    assert quality.ssim(same, out) >= 0.995
    assert chroma_error(same.convert("RGB"), out.convert("RGB")) <= 1.0


@pytest.mark.parametrize("orientation", [1, 2, 3, 6, 7, 8])
@pytest.mark.parametrize("luma_first", [True, False])
def test_draft_of_a_size_that_is_not_a_multiple_of_the_scale_stays_in_register(orientation, luma_first):
    """1001x777 drafted to 1/2 is 501x389 holding 500.5x388.5 of picture: resizing all of it shifted the
    output by up to a quarter pixel (SSIM 0.987 against the plain way); the exact box keeps it aligned,
    wherever the EXIF orientation puts the padding."""
    stored = photo((1001, 777), seed=3)
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(stored, quality=92, exif=exif.tobytes())
    recipe = {"resize": {"long_edge": 120}, "encode": {"format": "jpeg", "quality": 85}}
    if not luma_first:
        recipe["encode"]["subsampling"] = "4:4:4"   # the one-decode path
    result = api.handle("process", data, recipe, "odd.jpg")
    assert result["ok"], result
    assert result["report"]["speed"]["draft_scale"] == 2
    out = opened(result["data"])
    reference = plain(data, out.size, 85)
    assert quality.ssim(reference, out) >= 0.99


@pytest.mark.parametrize("orientation", range(1, 9))
def test_luma_first_turns_both_planes_upright(orientation):
    """A red left half on a blue right half, stored turned: luma and chroma must turn alike."""
    upright = Image.new("RGB", (960, 640), (220, 30, 30))
    upright.paste((30, 60, 220), (480, 0, 960, 640))
    inverse = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
               5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_90, 7: Image.Transpose.TRANSVERSE,
               8: Image.Transpose.ROTATE_270}
    stored = upright.transpose(inverse[orientation]) if orientation in inverse else upright
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(stored, quality=92, exif=exif.tobytes())
    result = api.handle("process", data, {"resize": {"long_edge": 240}, "encode": {"format": "jpeg"}}, "t.jpg")
    assert result["ok"], result
    out = opened(result["data"])
    assert out.size == (240, 160)
    left, right = out.getpixel((40, 80)), out.getpixel((200, 80))
    assert left[0] > 180 and left[2] < 80, left      # red stays left
    assert right[2] > 180 and right[0] < 80, right   # blue stays right


def test_luma_first_is_not_used_when_pixels_are_cropped_or_drawn():
    data = encoded(photo((1200, 900), seed=6), quality=90)
    for extra in ({"crop": {"aspect": "1:1"}}, {"watermark": {"text": "x"}},
                  {"encode": {"format": "jpeg", "subsampling": "4:4:4"}}):
        recipe = {"resize": {"long_edge": 300}, "encode": {"format": "jpeg"}, **extra}
        result = api.handle("process", data, recipe, "a.jpg")
        assert result["ok"], result
        detail = " ".join(s["detail"] for s in result["report"]["operations"])
        assert "chroma decoded" not in detail


def test_candidate_decode_is_the_luma_the_encoder_was_given():
    source = photo((640, 480), seed=8)
    data = encoded(source, quality=75)
    candidate = search._decoded(data)
    assert candidate.mode == "L" and candidate.size == source.size
    full = Image.open(io.BytesIO(data))
    full.draft("YCbCr", None)
    assert candidate.tobytes() == full.getchannel(0).tobytes()
    # The score barely moves against the old way (RGB decode, then luma from RGB).
    reference = quality.Reference(source)
    assert reference.ssim(candidate) == pytest.approx(reference.ssim(opened(data).convert("RGB")), abs=2e-3)


@needs_corpus(PHOTOS[:3])
@pytest.mark.parametrize("level", ["visually_lossless", "balanced"])
def test_auto_quality_meets_its_target_on_the_luma_first_path(path, level):
    """Share-safely style recipe on a real photo: the chosen quality reaches the SSIM floor measured the
    old way (RGB decode of the output against the encoder's input), and one step lower does not."""
    data = path.read_bytes()
    recipe = {"resize": {"long_edge": 640}, "encode": {"format": "jpeg", "auto_quality": level}}
    result = api.handle("process", data, recipe, path.name)
    assert result["ok"], result
    report, floor = result["report"], AUTO_QUALITY[level]
    assert "chroma decoded" in " ".join(s["detail"] for s in report["operations"])
    assert report["ssim"] >= floor
    opts = Resize(long_edge=640)
    split = decode.decode(data, path.name, lambda size: resize.scale_ratio(size, opts), want_ycbcr=True,
                          luma_first=True)
    given = resize.planes(split.frames[0], split.chroma, opts, split.source_size)   # what the encoder got
    assert quality.ssim(given.convert("RGB"), opened(result["data"]).convert("RGB")) >= floor - 2e-3
    q = report["quality"]
    if q > search.AUTO_QUALITIES[0]:
        lower = search.AUTO_QUALITIES[search.AUTO_QUALITIES.index(q) - 1]
        worse = encode.save([given], encode.Settings(format="jpeg", quality=lower))
        assert quality.ssim(given.convert("RGB"), opened(worse).convert("RGB")) < floor + 2e-3


def rgb_coded_jpeg(size=(1200, 800)) -> bytes:
    """A JPEG that stores R, G, B rather than YCbCr: no JFIF marker, component ids 'R', 'G', 'B' (some
    scanners and editors write these). Pillow 10.2 cannot write one, so a YCbCr file is relabelled: the
    stored planes then simply read as R, G, B."""
    data = bytearray(encoded(photo(size), "JPEG", quality=90, subsampling="4:4:4"))
    assert data[2:4] == b"\xff\xe0"  # drop the JFIF segment
    data = data[:2] + data[4 + int.from_bytes(data[4:6], "big"):]
    sof, sos = data.find(b"\xff\xc0"), data.find(b"\xff\xda")
    for k, cid in enumerate(b"RGB"):
        data[sof + 10 + 3 * k] = cid
        data[sos + 5 + 2 * k] = cid
    return bytes(data)


@pytest.mark.parametrize("recipe", [
    {"resize": {"long_edge": 500}, "encode": {"format": "jpeg", "quality": 85}},   # luma first + reduced scale
    {"resize": {"long_edge": 1000}, "encode": {"format": "jpeg", "quality": 85}},  # YCbCr decode at full scale
    {"encode": {"format": "jpeg", "quality": 85}},
])
def test_a_jpeg_stored_as_rgb_is_processed_not_refused(recipe):
    data = rgb_coded_jpeg()
    assert opened(data).layer[0][0] == ord("R")
    result = api.handle("process", data, recipe, "scan.jpg")
    assert result["ok"], result.get("error")
    out = opened(result["data"]).convert("RGB")
    expected = opened(data).convert("RGB").resize(out.size, Image.Resampling.LANCZOS)
    assert quality.ssim(expected, out) >= 0.97
