"""Hostile inputs, built in memory: the files a stranger can hand a privacy tool.

Shared by tests/test_hostile_inputs.py, tests/test_properties.py and fuzz/ (as seeds).
Every builder is deterministic, so a failing case has a stable id.
"""

import io
import random
import struct
import zlib

import piexif
from PIL import Image

# A token planted in metadata: it must never come back in a cleaned file.
CANARY = b"CANARY-7f3a9c-LEAK"
EXTENSIONS = ("jpg", "png", "webp", "gif", "tif", "heic")


# ---------------------------------------------------------------- valid files with metadata

def exif_body(**extra) -> bytes:
    """A full EXIF (with 'Exif\\0\\0') carrying GPS, camera, owner and the canary."""
    return piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: CANARY,
                piexif.ImageIFD.Artist: b"Jane Doe", piexif.ImageIFD.Orientation: extra.get("orientation", 1)},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:01:02 03:04:05",
                 piexif.ExifIFD.BodySerialNumber: b"SN-" + CANARY},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1))},
    })


def _picture(mode: str, size) -> Image.Image:
    im = Image.new("RGB", size)
    im.putdata([((x * 37) % 256, (y * 91) % 256, ((x + y) * 13) % 256) for y in range(size[1]) for x in range(size[0])])
    if mode == "I;16":
        return im.convert("L").convert("I").point(lambda v: v * 257).convert("I;16")
    return im.convert(mode) if mode != "RGB" else im


def encode(fmt: str, mode: str = "RGB", size=(16, 12), **kw) -> bytes:
    buf = io.BytesIO()
    _picture(mode, size).save(buf, fmt, **kw)
    return buf.getvalue()


def dirty_jpeg(size=(24, 16), mode="RGB") -> bytes:
    return encode("JPEG", mode, size, exif=exif_body(), comment=b"comment " + CANARY) + b"TRAIL-" + CANARY


def dirty_png(size=(16, 12), mode="RGB") -> bytes:
    from PIL import PngImagePlugin
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", "Jane " + CANARY.decode())
    info.add_text("Comment", "zipped " + CANARY.decode(), zip=True)
    info.add_itxt("Description", "intl " + CANARY.decode(), lang="en", tkey="Description")
    return encode("PNG", mode, size, pnginfo=info, exif=exif_body())


def dirty_webp(size=(16, 12), lossless=False) -> bytes:
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">' \
          b'<rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Model="' + CANARY + b'"/>' \
          b'</rdf:RDF></x:xmpmeta>'
    return encode("WEBP", "RGB", size, exif=exif_body(), xmp=xmp, lossless=lossless)


def dirty_gif(size=(16, 12), frames=1) -> bytes:
    ims = [_picture("RGB", size).rotate(i * 30).convert("P") for i in range(frames)]
    buf = io.BytesIO()
    ims[0].save(buf, "GIF", save_all=frames > 1, append_images=ims[1:], comment=b"gif " + CANARY, duration=20,
                loop=0)
    return buf.getvalue()


def dirty_tiff(size=(16, 12), mode="RGB") -> bytes:
    return encode("TIFF", mode, size, exif=exif_body())


DIRTY = {"jpg": dirty_jpeg, "png": dirty_png, "webp": dirty_webp, "gif": dirty_gif, "tif": dirty_tiff}


# ---------------------------------------------------------------- hand-built containers

def png_chunk(kind: bytes, body: bytes, crc: int | None = None) -> bytes:
    crc = zlib.crc32(kind + body) if crc is None else crc
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", crc & 0xFFFFFFFF)


PNG_SIG = b"\x89PNG\r\n\x1a\n"


def png_raw(width: int, height: int, depth: int = 8, color: int = 2, rows: bytes | None = None,
            extra: list[bytes] = (), palette: bytes | None = None, trns: bytes | None = None) -> bytes:
    """A PNG written by hand so headers can lie (huge sizes, 16-bit RGB, odd chunk order)."""
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color]
    if rows is None:
        stride = (width * channels * depth + 7) // 8
        rows = b"".join(b"\x00" + bytes((y * 7 + i) % 256 for i in range(stride)) for y in range(height))
    out = [PNG_SIG, png_chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color, 0, 0, 0))]
    if palette is not None:
        out.append(png_chunk(b"PLTE", palette))
    if trns is not None:
        out.append(png_chunk(b"tRNS", trns))
    out += list(extra)
    out += [png_chunk(b"IDAT", zlib.compress(rows, 9)), png_chunk(b"IEND", b"")]
    return b"".join(out)


def riff(chunks: list[bytes], size: int | None = None) -> bytes:
    body = b"WEBP" + b"".join(chunks)
    return b"RIFF" + struct.pack("<I", len(body) if size is None else size) + body


def riff_chunk(kind: bytes, body: bytes, size: int | None = None) -> bytes:
    pad = b"\x00" if len(body) % 2 else b""
    return kind + struct.pack("<I", len(body) if size is None else size) + body + pad


def webp_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    pos, out = 12, []
    while pos + 8 <= len(data):
        kind, size = data[pos:pos + 4], struct.unpack("<I", data[pos + 4:pos + 8])[0]
        out.append((kind, data[pos + 8:pos + 8 + size]))
        pos += 8 + size + (size & 1)
    return out


def jpeg_segment(marker: int, payload: bytes, length: int | None = None) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2 if length is None else length) + payload


def jpeg_insert(base: bytes, *segments: bytes) -> bytes:
    """Segments right after SOI."""
    return base[:2] + b"".join(segments) + base[2:]


def jpeg_with_size(width: int, height: int, base: bytes | None = None) -> bytes:
    base = base or encode("JPEG", "RGB", (8, 8))
    at = base.find(b"\xff\xc0")
    return base[:at + 5] + struct.pack(">HH", height, width) + base[at + 9:]


def tiff_ifd(entries, next_ifd: int = 0, order: str = "<") -> bytes:
    """An IFD at offset 8 of a TIFF: entries are (tag, type, count, value-or-offset)."""
    head = (b"II*\x00" if order == "<" else b"MM\x00*") + struct.pack(order + "I", 8)
    body = struct.pack(order + "H", len(entries))
    body += b"".join(struct.pack(order + "HHII", *e) for e in entries)
    return head + body + struct.pack(order + "I", next_ifd)


# EXIF structures that attack the parser: loops, wild offsets, absurd counts.
def hostile_exif_bodies() -> dict[str, bytes]:
    ascii_, long_ = 2, 4
    return {
        "ifd0_next_loops_to_itself": tiff_ifd([(0x010F, ascii_, 4, 0x00414141)], next_ifd=8),
        "exif_subifd_points_to_ifd0": tiff_ifd([(0x8769, long_, 1, 8), (0x010F, ascii_, 4, 0x00414141)]),
        "gps_subifd_points_to_ifd0": tiff_ifd([(0x8825, long_, 1, 8)]),
        "offsets_past_the_end": tiff_ifd([(0x8769, long_, 1, 0xFFFFFFF0), (0x8825, long_, 1, 0x7FFFFFFF),
                                          (0x010F, ascii_, 0xFFFFFFFF, 100)], next_ifd=0xFFFFFF00),
        "ifd0_offset_past_the_end": b"II*\x00\xff\xff\xff\x7f",
        "entry_count_65535": b"II*\x00\x08\x00\x00\x00\xff\xff" + b"\x00" * 64,
        "big_endian_loop": tiff_ifd([(0x8769, long_, 1, 8)], next_ifd=8, order=">"),
        "unknown_types": tiff_ifd([(0x010F, 0xFFFF, 0xFFFFFFFF, 0), (0x0110, 0, 1, 0), (0x0112, 3, 0, 0)]),
        "thumbnail_offset_wild": tiff_ifd([(0x010F, ascii_, 4, 0x00414141)], next_ifd=26)
        + struct.pack("<H", 2) + struct.pack("<HHII", 0x0201, long_, 1, 0xFFFFFFF0)
        + struct.pack("<HHII", 0x0202, long_, 1, 0x7FFFFFFF) + b"\x00\x00\x00\x00",
        "truncated_header": b"II*",
        "not_tiff": b"hello world, no tiff here",
        "empty": b"",
    }


def zip_archive() -> bytes:
    import zipfile
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("secret.txt", b"polyglot payload " + CANARY)
    return buf.getvalue()


def gif_with_size(width: int, height: int) -> bytes:
    base = encode("GIF", "P", (4, 4))
    out = bytearray(base)
    out[6:10] = struct.pack("<HH", width, height)
    at = base.find(b"\x2c")  # image descriptor
    out[at + 5:at + 9] = struct.pack("<HH", width, height)
    return bytes(out)


def webp_vp8x_with_size(width: int, height: int) -> bytes:
    chunks = webp_chunks(encode("WEBP", "RGB", (8, 8), lossless=True))
    vp8x = struct.pack("<I", 0) + (width - 1).to_bytes(3, "little") + (height - 1).to_bytes(3, "little")
    return riff([riff_chunk(b"VP8X", vp8x), *(riff_chunk(k, b) for k, b in chunks)])


def tiff_with_size(width: int, height: int) -> bytes:
    return tiff_ifd([(0x0100, 4, 1, width), (0x0101, 4, 1, height), (0x0102, 3, 1, 8), (0x0103, 3, 1, 1),
                     (0x0106, 3, 1, 1), (0x0111, 4, 1, 8), (0x0115, 3, 1, 1), (0x0116, 4, 1, height),
                     (0x0117, 4, 1, width * height)])


def gif_frame_grows_canvas(width: int, height: int) -> bytes:
    """A small 2-frame GIF whose second image descriptor is huge: Pillow grows the canvas when it seeks there."""
    data = bytearray(animated_gif(2, (4, 4)))
    descriptors = [i for i in range(13, len(data)) if data[i] == 0x2C and data[i - 1] == 0x00]
    at = descriptors[-1]
    data[at + 5:at + 9] = struct.pack("<HH", width, height)
    return bytes(data)


def tiff_second_page(width: int, height: int) -> bytes:
    """A 2-page TIFF: page 1 is 4x4, page 2's header claims width x height (its strip is tiny)."""
    buf = io.BytesIO()
    Image.new("RGB", (4, 4), (1, 2, 3)).save(buf, "TIFF", save_all=True, append_images=[Image.new("RGB", (4, 4))])
    data = bytearray(buf.getvalue())
    first = struct.unpack("<I", data[4:8])[0]
    count = struct.unpack("<H", data[first:first + 2])[0]
    second = struct.unpack("<I", data[first + 2 + 12 * count:first + 6 + 12 * count])[0]
    for i in range(struct.unpack("<H", data[second:second + 2])[0]):
        at = second + 2 + 12 * i
        tag, kind = struct.unpack("<HH", data[at:at + 4])
        value = {0x100: width, 0x101: height, 0x116: height}.get(tag)
        if value is not None:
            data[at + 8:at + 12] = struct.pack("<I", value) if kind == 4 else struct.pack("<HH", value, 0)
    return bytes(data)


def zlib_bomb(size: int) -> bytes:
    return zlib.compress(b"\x00" * size, 9)


def animated_gif(frames: int, size=(2, 2)) -> bytes:
    ims = [Image.new("P", size, i % 256) for i in range(frames)]
    buf = io.BytesIO()
    ims[0].save(buf, "GIF", save_all=True, append_images=ims[1:], duration=10, loop=0, optimize=False)
    return buf.getvalue()


def animated_webp(frames: int, size=(2, 2)) -> bytes:
    ims = [Image.new("RGB", size, (i % 256, 0, 0)) for i in range(frames)]
    buf = io.BytesIO()
    ims[0].save(buf, "WEBP", save_all=True, append_images=ims[1:], duration=10, lossless=True)
    return buf.getvalue()


def apng(frames: int, size=(2, 2)) -> bytes:
    ims = [Image.new("RGB", size, (0, i % 256, 0)) for i in range(frames)]
    buf = io.BytesIO()
    ims[0].save(buf, "PNG", save_all=True, append_images=ims[1:], duration=10)
    return buf.getvalue()


# Inputs the fuzzer (fuzz/run.py) found crashing the engine, kept as regression cases: name -> base64 (no mode byte).
FUZZ_FINDS = {
    "fuzz-png-exif-read-fails-to-load.png": (
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAP/cCAAAAAAG6N6UAAADSUlFTkRJREEAiVBORw0KGgr4AAANSUhEUg"
        "AAAAEAAP/cCAAAAAAG6N6UAAADSUlEQVTPnz9//E5ErkJgVM+fP3/8TkSuQmCC"),
    "fuzz-png-ihdr-2-bytes.png": "iVBORw0KGgoAAAACSUhEUgAAiljcOwAAAABJRU5ErkJggg==",
    "fuzz-gif-later-frame-771-megapixels.gif":
        "R0lGODlhMgAyAPIEAP//mf//////Zv8AAAAAAAAAAAAAAAAAACH/C05FVFNDQVBFMi4wAwEAAAAh+QQECgD/ACH+FnRoaXMgaXMgYSB0ZXN0IGNvbW1lbnQALAAAAAAyADIAAAJ9jI+py+0Po5y02ouz3rz7D4biSJbmiabqyrbuC8fyTNfBEA/6vgMqDxwABENTEDhMCnCiI5AIBeiazl50yfxUrUrp1LPldbFfTnh39ZY1Zy4UaG7rosG4fGu/Ozf6cL4Pxwd49De4hmFYVwgIlnjIlhhiSMVIeWfU9lNlUQAAIfkEBQoABQAsBQARACMAIQAAA28Yutw9Lso5qr0zs8u5ll3ofYtoWqRynukqAtXndgJQC1A2c3afg7vLzRYDBiu9WjFytAxxP0cTOVw+piIKtqPdYoxe6zUsHns15Ch42sKmAts3vCkvzepSE37P7/v/gIEfBISFhoeIhhmJjI0EGQkAIfkEBQoABAAsBQAMACIAJgAAA2oYutw9Lko5qr0zr8u5jl3ofYpoWmRwnuS6aq6bxS9F186NP7pp9xYBKge8AIZEoACwFP56zCgEVGwyp0moFZstcrtFmPf71KW8KVUvvYmxwZi3fE6v2+/4vH7P7/vvBIGCg4SEKYWIiBMJACH5BAUKAAQALAoABgAdACwAAANsGLrc0zDCQauV2GqN2f5cBo6USILSeU7q6rXkC8fK7AY2jefozn+LHwVwqf0AAmTJyEsml74cUvkINqdVq9SZ1c6cgNTPlOvwOl4dOh1au9/wuHxOr9vv+Lx+z+/7/4CBcASEhYaFcYeKhBgJACH5BAUKAAQALAwAAYlQTkcNChoKAAAADUlIRAAbADEAAANkGLq807IwQauV0WqN1f5cBo6USILQeU7q6rXkC8fzWtN3fgf6x/ecniCoAwwrspoAgEzOjMyH42Ys4W5L6bVWleQ6PxWYhRqbz+i0es1uu9/wuHxOr9vv+Lx+z38T/oBugIESCQAh+QQFCgAFACwMAAEAGwAxAAADaBi63P4wykmrvZiO3Ib/4AWO40Se5YOun8quzvsysrzUc4Db+9yzup/wFxwCQsMBQLD0FH9MpjO5bG6eu+jxJqwKrgqhNjZ0CSFnCU4E47jf8Lh8Tq/b7/i8fs/vKwiAgYKBFoOGgBEJACH5BAUKAAUALAoABgAdACwAAANrGLrc/jDKSau9OGs9dhtgKGZiWVZmekZqG7JuC2Aoeopomtqpotbqhu3rVvIKgFN9CgAvdBGdqUcEPoQmXw93RIaIPKbDGVL+jA0qCHrDLrSzJpg1HZOz5pE47WWw2252zkwDx7QXfEZICrz6gIGCg4SFCwSIiYqLjIoRjZCRBBEJADs=",
    "fuzz-tiff-second-ifd-without-width.tif":
        "SUkqAAgAAAAJAAABBAABAAAACAAAAAEBBAABAAAACAAAAAIBAwABAAAAEAAAAAMBAwABAAAAAQAAAAYBAwABAAAAAQAAABEBBAABAAAAegAAABYBBAABAAAACAAAABcBBAABAAAAgAAAABwBAwABAAAAAQAAAgAA/9j/4AAAAAAADQ0ZGSYmMjI/P0tLCws3N0NDUFBdXWlpdnaCgkJCbm56eoeHk5OgoK2tubl5eQ4OGxsoKDQ0QUFNTVpaGhpFu6VSXl5ra3h4hISRkVFRfHyJiZWVoqKurru7x8f///////8S/i9CT09cXGhoKChUVGBgbW15eYaGkpKfn19f",
}


def fuzz_finds() -> list[tuple[str, bytes]]:
    """FUZZ_FINDS plus the larger finds kept as files in tests/fuzz_finds/ (file name = case name)."""
    import base64
    from pathlib import Path
    files = sorted((Path(__file__).parent / "fuzz_finds").glob("*"))
    return [(name, base64.b64decode(data)) for name, data in FUZZ_FINDS.items()] + \
        [(p.name, p.read_bytes()) for p in files if p.is_file()]


# ---------------------------------------------------------------- the table

def truncations(data: bytes, step: int) -> list[int]:
    """Every offset in the first 64 bytes (headers), then every `step` bytes, then the last 16."""
    cuts = set(range(0, min(64, len(data))))
    cuts |= set(range(64, len(data), step))
    cuts |= set(range(max(0, len(data) - 16), len(data)))
    return sorted(cuts)


def bad_inputs() -> list[tuple[str, bytes]]:
    """(file name, bytes): the whole catalogue. Names are the test ids and must be unique."""
    rnd = random.Random(7)
    cases: list[tuple[str, bytes]] = []

    def add(name: str, data: bytes) -> None:
        cases.append((name, data))

    for ext in EXTENSIONS:
        add(f"empty.{ext}", b"")
    for i in range(12):
        add(f"random-{i}.{EXTENSIONS[i % len(EXTENSIONS)]}", rnd.randbytes(rnd.choice((1, 3, 8, 64, 700, 5000))))
    add("text.jpg", b"Just some text, certainly not a photo.\n" * 10)
    add("page.png", b"<!doctype html><html><body><img src=x onerror=alert(1)></body></html>")
    add("archive.jpg", zip_archive())
    add("pdf.webp", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF")
    add("magic-only.jpg", b"\xff\xd8\xff")
    add("magic-only.png", PNG_SIG)
    add("magic-only.webp", b"RIFF\x00\x00\x00\x00WEBP")
    add("magic-only.gif", b"GIF89a")
    add("magic-only.tif", b"II*\x00")
    add("riff-not-webp.webp", b"RIFF\x10\x00\x00\x00WAVEfmt \x00\x00\x00\x00")

    # Truncated at many offsets.
    for ext, make, step in (("jpg", dirty_jpeg, 97), ("png", dirty_png, 61), ("webp", dirty_webp, 53),
                            ("gif", dirty_gif, 41), ("tif", dirty_tiff, 89)):
        full = make()
        for cut in truncations(full, step):
            add(f"truncated-{cut}-of-{len(full)}.{ext}", full[:cut])

    # Wrong extension for the content.
    for real, make in DIRTY.items():
        for ext in EXTENSIONS:
            if ext != real:
                add(f"is-{real}-named.{ext}", make())

    # Corrupt or looping EXIF, in every container that carries EXIF.
    base_jpeg, base_webp = encode("JPEG", "RGB", (8, 8)), encode("WEBP", "RGB", (8, 8), lossless=True)
    for label, body in hostile_exif_bodies().items():
        add(f"exif-{label}.jpg", jpeg_insert(base_jpeg, jpeg_segment(0xE1, b"Exif\x00\x00" + body)))
        add(f"exif-{label}.png", png_raw(4, 4, extra=[png_chunk(b"eXIf", body)]))
        add(f"exif-{label}.webp", riff([riff_chunk(b"VP8X", b"\x08\x00\x00\x00" + b"\x07\x00\x00\x07\x00\x00"),
                                        *(riff_chunk(k, b) for k, b in webp_chunks(base_webp)),
                                        riff_chunk(b"EXIF", body)]))
        if body.startswith((b"II*\x00", b"MM\x00*")) and len(body) > 8:
            add(f"exif-{label}.tif", body)

    # Metadata hidden inside the segments a lossless clean keeps for decoders.
    add("jfif-header-with-extra-bytes.jpg", jpeg_insert(base_jpeg[:2] + base_jpeg[base_jpeg.find(b"\xff\xdb"):],
        jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00" + CANARY)))
    add("jfif-thumbnail-and-extra-bytes.jpg", jpeg_insert(base_jpeg[:2] + base_jpeg[base_jpeg.find(b"\xff\xdb"):],
        jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x01\x01" + b"\x80\x80\x80" + CANARY)))
    add("adobe-app14-with-extra-bytes.jpg", jpeg_insert(base_jpeg,
        jpeg_segment(0xEE, b"Adobe\x00\x64\x00\x00\x00\x00\x01" + CANARY)))
    add("second-jfif-segment.jpg", jpeg_insert(base_jpeg, jpeg_segment(0xE0, b"JFIF\x00" + CANARY)))
    for kind, fields in ((b"pHYs", b"\x00\x00\x0b\x13\x00\x00\x0b\x13\x01"), (b"gAMA", b"\x00\x00\xb1\x8f"),
                         (b"sRGB", b"\x00"), (b"cHRM", bytes(32)), (b"bKGD", bytes(6)), (b"hIST", b"")):
        add(f"png-{kind.decode()}-with-extra-bytes.png", png_raw(4, 4, extra=[png_chunk(kind, fields + CANARY)]))
    rows = b"".join(b"\x00" + bytes(12) for _ in range(4))
    add("png-data-after-compressed-image.png", PNG_SIG + png_raw(4, 4)[8:33]
        + png_chunk(b"IDAT", zlib.compress(rows) + CANARY) + png_chunk(b"IEND", b""))
    add("png-extra-idat-after-image.png", png_raw(4, 4)[:-12] + png_chunk(b"IDAT", CANARY) + png_chunk(b"IEND", b""))
    add("gif-graphic-control-with-extra-sub-block.gif", (lambda g: g[:g.find(b"\x2c")] + b"\x21\xf9\x04\x00\x00\x00\x00"
        + bytes([len(CANARY)]) + CANARY + b"\x00" + g[g.find(b"\x2c"):])(encode("GIF", "P", (4, 4))))
    add("gif-netscape-loop-with-extra-sub-block.gif", (lambda g: g[:g.find(b"\x2c")]
        + b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00" + bytes([len(CANARY)]) + CANARY + b"\x00"
        + g[g.find(b"\x2c"):])(encode("GIF", "P", (4, 4))))
    add("webp-anim-chunk-with-extra-bytes.webp", riff([riff_chunk(b"VP8X", b"\x02\x00\x00\x00\x07\x00\x00\x07\x00\x00"),
        riff_chunk(b"ANIM", bytes(6) + CANARY),
        *(riff_chunk(k, b) for k, b in webp_chunks(encode("WEBP", "RGB", (8, 8), lossless=True)))]))
    for marker in (0xC8, 0xDC, 0xDD, 0xDE, 0xDF):
        add(f"jpeg-marker-{marker:02x}-with-hidden-bytes.jpg",
            jpeg_insert(base_jpeg, jpeg_segment(marker, b"\x00\x00" + CANARY)))
    add("exif-in-jfif-disguise.jpg", jpeg_insert(base_jpeg, jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01"
                                                                         b"\x00\x01\x00\x00" + exif_body())))

    # Oversized segment and chunk lengths.
    add("jpeg-segment-longer-than-file.jpg", base_jpeg[:2] + b"\xff\xe1\xff\xff" + b"Exif\x00\x00" + CANARY)
    add("jpeg-segment-length-0.jpg", jpeg_insert(base_jpeg, b"\xff\xe1\x00\x00"))
    add("jpeg-segment-length-1.jpg", jpeg_insert(base_jpeg, b"\xff\xfe\x00\x01"))
    add("jpeg-sos-length-past-end.jpg", b"\xff\xd8\xff\xda\xff\xff\x00")
    add("jpeg-fill-bytes-forever.jpg", b"\xff\xd8" + b"\xff" * 200_000)
    add("jpeg-markers-forever.jpg", b"\xff\xd8" + b"\xff\xd0" * 100_000)
    add("jpeg-10000-comments.jpg", jpeg_insert(base_jpeg, *[jpeg_segment(0xFE, CANARY)] * 10_000))
    png_base = png_raw(4, 4)
    add("png-chunk-length-2gb.png", png_base[:33] + struct.pack(">I", 0x7FFFFFFF) + b"tEXt" + CANARY)
    add("png-chunk-length-4gb.png", png_base[:33] + struct.pack(">I", 0xFFFFFFFF) + b"IDAT" + b"\x00" * 16)
    add("png-bad-crc.png", png_raw(4, 4, extra=[png_chunk(b"tEXt", b"Author\x00" + CANARY, crc=0)]))
    add("png-no-ihdr.png", PNG_SIG + png_chunk(b"tEXt", b"Author\x00" + CANARY) + png_chunk(b"IEND", b""))
    add("png-no-iend.png", png_raw(4, 4)[:-12])
    add("png-ihdr-short.png", PNG_SIG + png_chunk(b"IHDR", b"\x00\x00") + png_chunk(b"IEND", b""))
    add("png-10000-text-chunks.png", png_raw(4, 4, extra=[png_chunk(b"tEXt", b"k\x00" + CANARY)] * 10_000))
    add("png-chunk-type-garbage.png", png_raw(4, 4, extra=[png_chunk(b"\x00\xff\x01\x80", CANARY)]))
    webp_body = webp_chunks(base_webp)
    add("webp-riff-size-4gb.webp", riff([riff_chunk(k, b) for k, b in webp_body], size=0xFFFFFFFF))
    add("webp-chunk-size-4gb.webp", riff([riff_chunk(b"EXIF", CANARY, size=0xFFFFFFF0)]))
    add("webp-chunk-size-odd-past-end.webp", riff([*(riff_chunk(k, b) for k, b in webp_body),
                                                   riff_chunk(b"XMP ", CANARY, size=0x7FFFFFFF)]))
    add("webp-no-image-chunk.webp", riff([riff_chunk(b"EXIF", exif_body()[6:])]))
    add("webp-10000-unknown-chunks.webp", riff([*(riff_chunk(k, b) for k, b in webp_body),
                                                *[riff_chunk(b"ZZZZ", CANARY)] * 10_000]))
    gif = encode("GIF", "P", (4, 4))
    add("gif-comment-block-past-end.gif", gif[:-1] + b"\x21\xfe\xff" + CANARY)
    add("gif-extension-without-terminator.gif", gif[:-1] + b"\x21\xfe" + (b"\x10" + CANARY[:16]) * 500)
    add("gif-no-trailer.gif", gif[:-1])
    add("gif-lzw-garbage.gif", gif[:gif.find(b"\x2c") + 10] + b"\x08" + rnd.randbytes(300) + b"\x3b")

    # Text chunk bombs: small files that decompress to hundreds of MB.
    bomb = zlib_bomb(200 * 1024 * 1024)
    add("png-ztxt-bomb.png", png_raw(4, 4, extra=[png_chunk(b"zTXt", b"Comment\x00\x00" + bomb)]))
    add("png-itxt-bomb.png", png_raw(4, 4, extra=[png_chunk(b"iTXt", b"XML:com.adobe.xmp\x00\x01\x00\x00\x00" + bomb)]))
    add("png-iccp-bomb.png", png_raw(4, 4, extra=[png_chunk(b"iCCP", b"icc\x00\x00" + bomb)]))
    add("png-idat-bomb.png", png_raw(4, 4)[:33] + png_chunk(b"IDAT", bomb) + png_chunk(b"IEND", b""))
    add("jpeg-xmp-entity-bomb.jpg", jpeg_insert(base_jpeg, jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00"
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]><l>&d;&d;</l>')))
    add("jpeg-xmp-deep-nesting.jpg", jpeg_insert(base_jpeg, jpeg_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00"
                                                                          + b"<a>" * 20_000)))

    # Polyglots: an image with an archive appended (or prepended).
    zipped = zip_archive()
    add("polyglot-zip.jpg", dirty_jpeg() + zipped)
    add("polyglot-zip.png", dirty_png() + zipped)
    add("polyglot-zip.gif", dirty_gif() + zipped)
    add("polyglot-zip.webp", dirty_webp() + zipped)
    add("zip-then-jpeg.jpg", zipped + dirty_jpeg())

    # Decompression bombs: headers claiming 60000 x 60000 pixels.
    add("bomb-60000x60000.jpg", jpeg_with_size(60000, 60000))
    add("bomb-60000x60000.png", png_raw(60000, 60000, rows=b""))
    add("bomb-60000x60000-real-idat.png", png_raw(60000, 60000, rows=b"\x00" * (60000 * 3 + 1) * 4))
    add("bomb-60000x60000.gif", gif_with_size(60000, 60000))
    add("bomb-16384x16384.webp", webp_vp8x_with_size(16384, 16384))
    add("bomb-60000x60000.tif", tiff_with_size(60000, 60000))
    add("bomb-gif-second-frame-12000x12000.gif", gif_frame_grows_canvas(12000, 12000))
    add("bomb-tiff-second-page-12000x12000.tif", tiff_second_page(12000, 12000))
    add("bomb-gif-second-frame-60000x60000.gif", gif_frame_grows_canvas(60000, 60000))

    # Extreme but legal shapes and pixel formats.
    add("1x1.jpg", encode("JPEG", "RGB", (1, 1)))
    add("1x1.png", encode("PNG", "RGBA", (1, 1)))
    add("1x1.gif", encode("GIF", "P", (1, 1)))
    add("1x1.webp", encode("WEBP", "RGB", (1, 1)))
    add("1x65500.jpg", encode("JPEG", "L", (1, 65500)))
    add("1x65500.png", encode("PNG", "L", (1, 65500)))
    add("65500x1.gif", encode("GIF", "P", (65500, 1)))
    add("1x16383.webp", encode("WEBP", "RGB", (1, 16383)))
    add("cmyk.jpg", dirty_jpeg(mode="CMYK"))
    add("cmyk.tif", dirty_tiff(mode="CMYK"))
    add("gray.jpg", dirty_jpeg(mode="L"))
    add("16bit-gray.png", png_raw(8, 8, depth=16, color=0))
    add("16bit-rgb.png", png_raw(8, 8, depth=16, color=2))
    add("16bit-rgba.png", png_raw(8, 8, depth=16, color=6))
    add("16bit-gray.tif", encode("TIFF", "I;16", (8, 8)))
    add("1bit.png", png_raw(8, 8, depth=1, color=0))
    add("palette-trns.png", png_raw(4, 4, color=3, palette=bytes(range(48)), trns=b"\x00\x80",
                                    rows=b"".join(b"\x00" + bytes([0, 1, 2, 3]) for _ in range(4))))
    add("palette-index-out-of-range.png", png_raw(4, 4, color=3, palette=b"\x00\x00\x00",
                                                  rows=b"".join(b"\x00\xff\xff\xff\xff" for _ in range(4))))
    add("palette-trns.gif", encode("GIF", "P", (8, 8), transparency=0))
    add("rgba.webp", encode("WEBP", "RGBA", (8, 8)))
    add("la.png", encode("PNG", "LA", (8, 8)))

    # Animations with thousands of frames.
    add("3000-frames.gif", animated_gif(3000))
    add("1000-frames.webp", animated_webp(1000))
    add("1500-frames.png", apng(1500))
    cases += fuzz_finds()
    return cases
