"""Open a picture safely: size guard before any pixel is allocated, orientation baked in, frames kept.

Speed paths for JPEG (measured with benchmarks/resize_speed.py; process.py's report says which ran):
- Image.draft(): libjpeg decodes straight at 1/2, 1/4 or 1/8 scale. Used only when the picture that
  draft returns is still at least DRAFT_GAP times the target, so the final resampling stays a real
  high-quality downscale (Pillow's thumbnail() does the same with reducing_gap=2).
- fast decode (browser only): when the picture will be shrunk to <= 0.6 of its size, libjpeg's "draft"
  flags (no fancy chroma upsampling, fast integer IDCT) cut the wasm decode of 12 MP from ~140 to
  ~100 ms. Against the plain way (full decode, LANCZOS, q80) the wasm output kept SSIM 0.993-0.994 at
  ratios 0.3-0.6 on the noisy benchmark photo; natively libjpeg-turbo's fast IDCT is coarser (0.990 at
  0.6, 0.987 at 0.75) and native decoding is fast anyway, so it stays off there.
- YCbCr: when the output is JPEG and nothing is drawn on the pixels, decoding to YCbCr and saving from
  YCbCr skips two colour conversions (libjpeg in wasm has no SIMD for them).
- luma first (a 4:2:0 JPEG out, shrunk, nothing cropped or drawn): two decodes of the same file, the
  luma alone ("L": libjpeg skips the chroma IDCT and upsampling) at the luma's scale, and YCbCr at the
  reduced DCT scale that still holds the chroma resolution the encoder keeps (half the output size;
  libjpeg scales chroma through its IDCT, not by upsampling). The full-size picture is then 1 byte per
  pixel instead of Pillow's 4 for YCbCr: a 12 MP photo holds 12 + 3 MB instead of 48 MB. In wasm the
  second entropy decode (~45 ms for 12 MP) costs what it saves (chroma upsampling, a 48 MB image, its
  4x box-reduce): 12 MP -> 2048 px took 283-287 ms of CPU against 284 ms the one-decode way, and the
  output was the same to 4 digits of SSIM (0.9934 against the plain way).
"""

import io
import sys
import warnings
from dataclasses import dataclass, field

from PIL import Image

from .errors import CorruptImage, TooLarge, plain
from .sniff import Format, sniff

MAX_PIXELS = 100_000_000            # one picture (about 300 MB as RGB)
MAX_ANIMATION_PIXELS = 100_000_000  # frames x width x height, all frames are held in memory
MAX_FRAMES = 2000
# Draft only to a size >= DRAFT_GAP x target, and never below 1/4: drafting to just >= target (gap 1)
# scored SSIM 0.981-0.989 against the plain way on the noisy 12 MP benchmark photo. On 8 corpus photos
# (0.5-9 MP, draft -> LANCZOS -> q85 against full decode -> LANCZOS -> q85) gap 2 was not enough:
# 1/4 scored down to 0.987 in wasm (libjpeg 9) and 0.985 natively (libjpeg-turbo), 1/2 down to 0.988
# natively; gap 3 kept >= 0.990 for 1/2 and 1/4 in both. 1/8 (each 8x8 block reduced to its mean)
# needed gap 5 (0.984-0.990 at gap 3-4 on two photos), so it is not used for pixels.
DRAFT_GAP = 3.0
DRAFT_SCALES = (4, 2)
# Luma first: the chroma decode may be at most this much below the half-size chroma a 4:2:0 JPEG keeps
# (12 MP -> 2048 px: 1/4 scale, 1000 px for 1024); the chroma of the one-decode way was box-reduced
# by round(source / half output), down to 1/1.5 of it.
CHROMA_MIN = 0.9
FAST_DECODE_BELOW = 0.6 if sys.platform == "emscripten" else 0.0  # see module doc

# Containers whose extra frames are an animation; for others (MPO stereo views, multi-page TIFF)
# only the first picture is kept, and the report says so.
ANIMATED_FORMATS = {"GIF", "WEBP", "PNG"}
HEIF_FORMATS = {"heif", "avif"}
# Pillow modes the operations work in; everything else is converted on decode.
_WORKING_MODES = {"RGB", "RGBA", "L", "LA", "YCbCr"}
# ICC header data colour space -> the working modes it describes.
ICC_SPACES = {b"RGB ": {"RGB", "RGBA", "YCbCr", "P"}, b"GRAY": {"L", "LA"}}


@dataclass
class Decoded:
    format: object                  # sniff.Format of the input
    frames: list                    # upright PIL images, one per frame
    durations: list = field(default_factory=list)  # ms per frame (animations)
    loop: int | None = None
    icc: bytes | None = None
    copyright: str | None = None    # EXIF Copyright, written back only when the policy keeps it
    orientation: int = 1
    source_size: tuple = (0, 0)     # upright size before any draft scaling
    draft_scale: int = 1            # 2, 4, 8 when libjpeg decoded at reduced size
    # With draft_scale > 1: the region of frames[0] that holds the source (floats); a size that is not a
    # multiple of the scale leaves a fraction of a pixel of padding at the far edges. chroma_box: same.
    draft_box: tuple | None = None
    chroma_box: tuple | None = None
    fast_decode: bool = False
    # luma first: frames[0] is the luma ("L") and chroma the YCbCr picture at 1/chroma_scale size, both
    # upright; resize.planes() makes one YCbCr frame of them (only process asks for this, see decode()).
    chroma: Image.Image | None = None
    chroma_scale: int = 1
    notes: list = field(default_factory=list)

    @property
    def animated(self) -> bool:
        return len(self.frames) > 1

    @property
    def size(self) -> tuple:
        return self.frames[0].size


def _label(name: str) -> str:
    return name or "this file"


def check_size(width: int, height: int, frames: int, name: str = ""):
    """Raise TooLarge before decoding a picture (or animation) too big to hold in memory."""
    pixels = width * height
    if pixels > MAX_PIXELS:
        raise TooLarge(f"{_label(name)}: {width}x{height} is {pixels / 1e6:.1f} megapixels, "
                       f"over the limit of {MAX_PIXELS / 1e6:.0f} megapixels; nothing was produced")
    if frames > MAX_FRAMES:
        raise TooLarge(f"{_label(name)}: the animation has {frames} frames, over the limit of {MAX_FRAMES}")
    if pixels * frames > MAX_ANIMATION_PIXELS:
        raise TooLarge(f"{_label(name)}: {frames} frames of {width}x{height} are {pixels * frames / 1e6:.1f} "
                       f"megapixels in all, over the limit of {MAX_ANIMATION_PIXELS / 1e6:.0f} megapixels")


def orientation_of(image: Image.Image) -> int:
    try:
        value = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - EXIF that is not TIFF (SyntaxError), or damaged pixel data read on the way: upright
        return 1
    return value if isinstance(value, int) and 1 <= value <= 8 else 1


def copyright_of(image: Image.Image) -> str | None:
    try:
        value = image.getexif().get(0x8298)
    except Exception:  # noqa: BLE001 - as orientation_of: broken EXIF or damaged data read on the way (OSError)
        return None
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    if not isinstance(value, str):
        return None
    return value.strip("\x00 ") or None


def upright_size(size: tuple, orientation: int) -> tuple:
    return (size[1], size[0]) if orientation in (5, 6, 7, 8) else size


def to_working_mode(image: Image.Image) -> Image.Image:
    """Convert exotic modes (P, CMYK, 16-bit, 1 ...) to RGB/RGBA/L/LA without losing transparency."""
    mode = image.mode
    if mode in _WORKING_MODES:
        return image
    if mode in ("P", "PA"):
        has_alpha = mode == "PA" or "transparency" in image.info
        return image.convert("RGBA" if has_alpha else "RGB")
    if mode.startswith("I;16") or mode == "I":
        # Pillow clips 16-bit values when converting to 8-bit; scale them down instead.
        wide = image if mode == "I" else image.convert("I")
        scale = 1 / 257 if wide.getextrema()[1] > 255 else 1
        return wide.point(lambda v: v * scale).convert("L")
    if mode == "F":
        scale = 255 if image.getextrema()[1] <= 1 else 1
        return image.point(lambda v: v * scale).convert("L")
    if mode == "1":
        return image.convert("L")
    if mode in ("RGBa", "RGBX"):
        return image.convert("RGBA" if mode == "RGBa" else "RGB")
    if mode == "La":
        return image.convert("LA")
    return image.convert("RGB")  # CMYK, LAB, HSV, ...


def open_image(data: bytes, name: str = "") -> Image.Image:
    """Open a picture without decoding its pixels; any failure is a typed error naming the file.

    The one way the engine opens input: decode() and the re-encoding containers (containers/reencode.py).
    """
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # odd but harmless headers, big pictures (the size guard decides)
            return Image.open(io.BytesIO(data))
    except Image.DecompressionBombError as err:
        raise TooLarge(f"{_label(name)}: {err}; nothing was produced") from None
    except Exception as err:  # noqa: BLE001 - Pillow's many errors become one typed one
        raise CorruptImage(f"{_label(name)}: the picture cannot be read ({plain(err)})") from None


def decode(data: bytes, name: str = "", target_ratio=None, want_ycbcr: bool = False,
           luma_first: bool = False, fmt: Format | None = None) -> Decoded:
    """Decode every frame upright.

    target_ratio(upright_size) -> float | None: how much the picture will be scaled (output/source side),
    known before decoding from the header; lets JPEG decode at reduced size. want_ycbcr: the caller can
    work in YCbCr (JPEG out, nothing drawn). luma_first: the caller only resizes and writes a 4:2:0 JPEG,
    and takes a luma frame plus a reduced chroma picture (Decoded.chroma) when a JPEG allows it. fmt: the
    input's format when the caller has sniffed it already.
    """
    fmt = fmt or sniff(data, name)
    if fmt.name in HEIF_FORMATS:  # libheif natively, the page's decoder in the browser (heif_decode.py)
        from . import heif_decode  # here: it reaches the containers, which import this module (reencode.py)
        check_size(*heif_decode.picture_size(data, name), 1, name)
        image = heif_decode.open_image(data, name)
    else:
        image = open_image(data, name)
    try:
        frames_total = getattr(image, "n_frames", 1)  # Pillow reads every frame header to count them
    except Exception as err:  # noqa: BLE001 - e.g. TypeError for a TIFF IFD without ImageWidth
        raise CorruptImage(f"{_label(name)}: a frame of the picture cannot be read ({plain(err)})") from None
    check_size(image.width, image.height, frames_total, name)
    orientation = orientation_of(image)
    source_size = upright_size(image.size, orientation)
    icc = image.info.get("icc_profile") or None
    result = Decoded(format=fmt, frames=[], icc=icc, orientation=orientation, source_size=source_size,
                     loop=image.info.get("loop"), copyright=copyright_of(image))
    if fmt.name in HEIF_FORMATS:
        result.notes += heif_decode.pixel_notes(data, name)
    if frames_total > 1 and image.format not in ANIMATED_FORMATS:
        result.notes.append(f"the file holds {frames_total} pictures ({image.format}); only the first was kept")
        frames_total = 1
    try:
        if frames_total > 1:
            _decode_frames(image, result, name)
        else:
            ratio = target_ratio(source_size) if target_ratio else None
            want_ycbcr = want_ycbcr and image.format == "JPEG" and image.mode == "RGB" and _stored_as_ycbcr(image)
            split = luma_first and want_ycbcr
            if image.format == "JPEG" and ratio is not None and ratio < 1:
                _jpeg_speedups(image, ratio, want_ycbcr, result, luma=split)
                if split:
                    chroma, result.chroma_scale, box = _chroma(data, name, image.size, ratio)
                    result.chroma_box = _upright_box(box, chroma.size, orientation)
                    result.chroma = upright(chroma, orientation)
            image.load()
            result.frames = [upright(to_working_mode(image), orientation)]
    except Image.DecompressionBombError as err:  # a later GIF frame can grow the canvas past Pillow's own limit
        raise TooLarge(f"{_label(name)}: {err}; nothing was produced") from None
    except (OSError, SyntaxError, ValueError) as err:
        raise CorruptImage(f"{_label(name)}: the picture data is damaged ({plain(err)})") from None
    for frame in result.frames:
        frame.info.clear()  # nothing read from the file may ride along into the output
    return result


# EXIF orientation -> the transpose that makes the picture upright (as ImageOps.exif_transpose, which needs the
# EXIF on the image itself; the drafted luma and chroma pictures are turned with the same table)
_UPRIGHT = {2: Image.Transpose.FLIP_LEFT_RIGHT, 3: Image.Transpose.ROTATE_180, 4: Image.Transpose.FLIP_TOP_BOTTOM,
            5: Image.Transpose.TRANSPOSE, 6: Image.Transpose.ROTATE_270, 7: Image.Transpose.TRANSVERSE,
            8: Image.Transpose.ROTATE_90}


def upright(frame: Image.Image, orientation: int) -> Image.Image:
    """The frame turned upright for `orientation` (the frame itself when it already is)."""
    method = _UPRIGHT.get(orientation)
    return frame.transpose(method) if method is not None else frame


def _upright_box(box, size: tuple, orientation: int) -> tuple | None:
    """`box` (from draft(), in the stored picture of `size`) as it lies once the picture is upright;
    None when it is the whole picture."""
    if box is None or tuple(box) == (0, 0) + tuple(size):
        return None
    w, h = size
    turn = {1: lambda x, y: (x, y), 2: lambda x, y: (w - x, y), 3: lambda x, y: (w - x, h - y),
            4: lambda x, y: (x, h - y), 5: lambda x, y: (y, x), 6: lambda x, y: (h - y, x),
            7: lambda x, y: (h - y, w - x), 8: lambda x, y: (y, w - x)}[orientation]
    (x0, y0), (x1, y1) = turn(box[0], box[1]), turn(box[2], box[3])
    return (min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))


def _chroma(data: bytes, name: str, size: tuple, ratio: float) -> tuple:
    """(YCbCr picture, scale, box from draft()): the file decoded again at the smallest DCT scale whose width and height
    stay >= CHROMA_MIN x half the output (the chroma a 4:2:0 JPEG keeps)."""
    need = ratio / 2 * CHROMA_MIN
    scale = next(s for s in (8, 4, 2, 1) if s == 1 or 1 / s >= need)
    image = open_image(data, name)
    drafted = image.draft("YCbCr", (max(1, size[0] // scale), max(1, size[1] // scale)) if scale > 1 else None)
    if not image.decoderconfig:
        image.decoderconfig = (1, 0)
    image.load()
    return image, image.decoderconfig[0], drafted[1] if drafted else None


def _stored_as_ycbcr(image) -> bool:
    """Does this 3-component JPEG store YCbCr (so libjpeg can hand out YCbCr, or the luma alone)? libjpeg
    refuses YCbCr from one stored as RGB ("broken data stream"). libjpeg 9 (the browser's) and
    libjpeg-turbo guess the colour space in different orders; say yes only where both say YCbCr: the
    usual component ids 1, 2, 3 and no Adobe marker saying otherwise. Anything else takes the plain
    RGB decode, which reads every JPEG."""
    ids = [layer[0] for layer in getattr(image, "layer", [])]
    return ids == [1, 2, 3] and image.info.get("adobe_transform", 1) == 1


def _jpeg_speedups(image, ratio: float, want_ycbcr: bool, result: Decoded, luma: bool = False):
    mode = "L" if luma else "YCbCr" if want_ycbcr else None
    scale = next((s for s in DRAFT_SCALES if s * ratio * DRAFT_GAP <= 1), 1)
    if mode or scale > 1:
        # Pillow picks the largest of 8, 4, 2, 1 that fits the size asked: width // scale gives `scale`.
        size = (max(1, image.width // scale), max(1, image.height // scale)) if scale > 1 else None
        drafted = image.draft(mode, size)
        if drafted and scale > 1:
            result.draft_box = _upright_box(drafted[1], image.size, result.orientation)
    if ratio <= FAST_DECODE_BELOW and isinstance(image.decoderconfig, tuple) and len(image.decoderconfig) == 2:
        # Pillow's JPEG decoder takes (scale, draft flag); the flag turns off fancy upsampling and
        # selects the fast IDCT. Not reachable through a public argument in Pillow 10.2.
        image.decoderconfig = (image.decoderconfig[0], 1)
        result.fast_decode = True
    elif not image.decoderconfig:
        image.decoderconfig = (1, 0)
    result.draft_scale = image.decoderconfig[0] if image.decoderconfig else 1


def _decode_frames(image, result: Decoded, name: str = ""):
    durations = []
    frames = []
    for index in range(image.n_frames):
        image.seek(index)
        check_size(image.width, image.height, image.n_frames, name)  # a GIF frame may enlarge the canvas
        frame = image.convert("RGBA")
        frames.append(upright(frame, result.orientation))
        durations.append(int(image.info.get("duration", 100) or 100))
    result.frames = frames
    result.durations = durations
