"""Pictures the tests make themselves, so every test also runs without the shared corpus.

- photo / encoded / opened / animation: photo-like pixels (gradients, shapes, seeded noise) and their files.
- gps_photo, camera_photo: JPEGs carrying GPS and camera data, small or full phone size.
- dirty_<format>: one file per container hiding the same SECRETS everywhere that format can hide them; none
  of SECRETS may survive a clean.
"""

import io
import random
import struct
import zlib

import piexif
from PIL import Image, ImageDraw, ImageFilter, PngImagePlugin

# --- photo-like pixels ------------------------------------------------------------------------------------------


def photo(size=(320, 240), seed=1) -> Image.Image:
    """Smooth gradients, a few shapes and seeded noise: JPEG quality and resampling both matter on it."""
    w, h = size
    base = Image.linear_gradient("L").resize(size)
    im = Image.merge("RGB", (base, base.transpose(Image.Transpose.FLIP_LEFT_RIGHT), base.rotate(90).resize(size)))
    draw = ImageDraw.Draw(im)
    rng = random.Random(seed)
    for _ in range(12):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(4, max(5, min(w, h) // 4))
        draw.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    noise = Image.effect_noise(size, 24).convert("RGB")
    return Image.blend(im, noise, 0.12).filter(ImageFilter.SMOOTH)


def encoded(image: Image.Image, fmt: str = "JPEG", **options) -> bytes:
    buf = io.BytesIO()
    image.save(buf, fmt, **options)
    return buf.getvalue()


def opened(data: bytes) -> Image.Image:
    """The picture, read by native Pillow; an AVIF (which Pillow 10.2 cannot read) by pillow-heif."""
    if data[4:12] == b"ftypavif":
        import pillow_heif

        return pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True).to_pillow()
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def animation(frames=4, size=(64, 48), fmt="GIF", durations=None) -> bytes:
    """Frames of different solid colours with a moving white square."""
    colors = [(200, 30, 30), (30, 200, 30), (30, 30, 200), (200, 200, 30), (30, 200, 200)]
    images = []
    for i in range(frames):
        im = Image.new("RGB", size, colors[i % len(colors)])
        ImageDraw.Draw(im).rectangle((i * 4, 4, i * 4 + 10, 14), fill=(255, 255, 255))
        images.append(im)
    durations = durations or [100 + 20 * i for i in range(frames)]
    buf = io.BytesIO()
    images[0].save(buf, fmt, save_all=True, append_images=images[1:], duration=durations, loop=0,
                   **({"lossless": True} if fmt == "WEBP" else {}))
    return buf.getvalue()


# --- photos with GPS and camera data ----------------------------------------------------------------------------

# The Eiffel Tower, as a phone would record it.
GPS_LATLON = (48.858333, 2.294444)


def gps_photo(size=(96, 64), orientation: int = 1) -> bytes:
    """A JPEG carrying GPS, camera, owner, capture time, a comment and trailing bytes."""
    im = Image.new("RGB", size)
    im.putdata([((x * 7) % 256, (y * 5) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: b"X1",
                piexif.ImageIFD.Artist: b"Jane Doe", piexif.ImageIFD.Orientation: orientation},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:01:02 03:04:05",
                 piexif.ExifIFD.BodySerialNumber: b"SN-123456"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1))},
    })
    buf = io.BytesIO()
    im.save(buf, "JPEG", quality=90, exif=exif, comment=b"meet me at the usual place")
    return buf.getvalue() + b"TRAILING-SECRET"


def camera_photo(size=(2400, 1600), fmt="JPEG", gps=True, quality=92) -> bytes:
    """A photo-like picture (gradients, shapes, grain) with GPS and camera data, `size` pixels."""
    w, h = size
    red = Image.linear_gradient("L").resize((w, h))
    green = Image.linear_gradient("L").rotate(90).resize((w, h))
    blue = Image.effect_noise((w, h), 40).point(lambda v: min(255, v + 60))
    im = Image.merge("RGB", (red, green, blue))
    draw = ImageDraw.Draw(im)
    for i in range(12):
        x, y = (i * 397) % w, (i * 263) % h
        draw.ellipse((x, y, x + w // 6, y + h // 6), fill=((i * 40) % 256, 200 - i * 10, (i * 90) % 256))
    exif = piexif.dump({
        "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: b"X1"},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1))},
    }) if gps else b""
    buf = io.BytesIO()
    if fmt == "JPEG":
        im.save(buf, "JPEG", quality=quality, exif=exif)
    else:
        im.save(buf, fmt)
    return buf.getvalue()


# --- one dirty file per container -------------------------------------------------------------------------------

SECRETS = (b"SpyCam", b"Jane Doe", b"SN-123456", b"Rue de Rivoli", b"seed 42", b"ACROPALYPSE", b"meet me",
           b"Alice Smith", b"2024:01:02")

XMP = (b'<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/">'
       b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
       b'<rdf:Description rdf:about="" xmlns:exif="http://ns.adobe.com/exif/1.0/"'
       b' xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:photoshop="http://ns.adobe.com/photoshop/1.0/"'
       b' xmlns:mwg-rs="http://www.metadataworkinggroup.com/schemas/regions/"'
       b' xmlns:GDepth="http://ns.google.com/photos/1.0/depthmap/"'
       b' exif:GPSLatitude="48,51.5N" exif:GPSLongitude="2,17.6667E" photoshop:City="Rue de Rivoli"'
       b' GDepth:Data="/9j/4AAQSkZJRgABAQ==">'
       b'<dc:creator><rdf:Seq><rdf:li>Jane Doe</rdf:li></rdf:Seq></dc:creator>'
       b'<mwg-rs:Regions rdf:parseType="Resource"><mwg-rs:RegionList><rdf:Bag>'
       b'<rdf:li rdf:parseType="Resource"><mwg-rs:Name>Alice Smith</mwg-rs:Name></rdf:li>'
       b'</rdf:Bag></mwg-rs:RegionList></mwg-rs:Regions>'
       b'</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>')


def small_picture(size=(48, 32), mode="RGB") -> Image.Image:
    im = Image.new("RGB", size)
    im.putdata([((x * 9) % 256, (y * 7) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    return im.convert(mode)


def srgb_profile() -> bytes:
    from PIL import ImageCms  # tests run natively, where LittleCMS exists
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _thumbnail() -> bytes:
    buf = io.BytesIO()
    small_picture((16, 12)).save(buf, "JPEG")
    return buf.getvalue()


def dirty_exif(orientation: int = 6, with_thumbnail: bool = True) -> bytes:
    """A full phone-style EXIF (with 'Exif\\0\\0'): GPS, camera, serial, owner, dates, thumbnail."""
    data = {
        "0th": {piexif.ImageIFD.Make: b"SpyCam", piexif.ImageIFD.Model: b"X1", piexif.ImageIFD.Orientation: orientation,
                piexif.ImageIFD.Artist: b"Jane Doe", piexif.ImageIFD.Copyright: b"(c) Jane Doe",
                piexif.ImageIFD.Software: b"SpyCam OS 1.2"},
        "Exif": {piexif.ExifIFD.DateTimeOriginal: b"2024:01:02 03:04:05", piexif.ExifIFD.OffsetTimeOriginal: b"+02:00",
                 piexif.ExifIFD.BodySerialNumber: b"SN-123456", piexif.ExifIFD.LensModel: b"SpyLens",
                 piexif.ExifIFD.CameraOwnerName: b"Jane Doe", piexif.ExifIFD.MakerNote: b"SpyCam secrets " * 4},
        "GPS": {piexif.GPSIFD.GPSLatitudeRef: b"N", piexif.GPSIFD.GPSLatitude: ((48, 1), (51, 1), (30, 1)),
                piexif.GPSIFD.GPSLongitudeRef: b"E", piexif.GPSIFD.GPSLongitude: ((2, 1), (17, 1), (40, 1)),
                piexif.GPSIFD.GPSAltitude: (35, 1), piexif.GPSIFD.GPSImgDirection: (270, 1)},
    }
    if with_thumbnail:
        data["1st"] = {piexif.ImageIFD.JPEGInterchangeFormat: 0, piexif.ImageIFD.JPEGInterchangeFormatLength: 0}
        data["thumbnail"] = _thumbnail()
    return piexif.dump(data)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def iptc_irb() -> bytes:
    """Photoshop 3.0 resources holding an IPTC record with a by-line, a city and a copyright notice."""
    def dataset(number: int, value: bytes) -> bytes:
        return b"\x1c\x02" + bytes([number]) + len(value).to_bytes(2, "big") + value
    record = dataset(80, b"Jane Doe") + dataset(90, b"Rue de Rivoli") + dataset(116, b"(c) Jane Doe")
    resource = b"8BIM\x04\x04\x00\x00" + len(record).to_bytes(4, "big") + record + b"\x00" * (len(record) & 1)
    return b"Photoshop 3.0\x00" + resource


def dirty_jpeg() -> bytes:
    buf = io.BytesIO()
    small_picture().save(buf, "JPEG", quality=90, exif=dirty_exif(), icc_profile=srgb_profile(),
                         comment=b"meet me at noon")
    data = buf.getvalue()
    extra = (_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + _segment(0xED, iptc_irb())
             + _segment(0xEB, b"JP\x00\x00\x00\x00\x00\x01jumbc2pa Jane Doe"))
    return data[:2] + extra + data[2:] + b"ACROPALYPSE leftover"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def dirty_png(mode="RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a cat on a sofa, seed 42")
    info.add_itxt("Author", "Jane Doe", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", "meet me at noon", zip=True)
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 1, 2, 3, 4, 5))
    info.add(b"caBX", b"jumb c2pa Jane Doe")
    info.add(b"prVt", b"SpyCam private chunk")
    buf = io.BytesIO()
    small_picture(mode=mode).save(buf, "PNG", pnginfo=info, exif=dirty_exif(with_thumbnail=False),
                                  icc_profile=srgb_profile())
    data = buf.getvalue()
    iend = data.rindex(b"IEND") - 4
    late_text = _png_chunk(b"tEXt", b"Source\x00SpyCam X1 SN-123456")  # text after IDAT counts too
    return data[:iend] + late_text + data[iend:] + b"ACROPALYPSE leftover IDAT"


def dirty_webp(animated=False) -> bytes:
    buf = io.BytesIO()
    if animated:
        frames = [small_picture(mode="RGBA").rotate(90 * i) for i in range(3)]
        frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                       lossless=True, exif=dirty_exif(with_thumbnail=False), xmp=XMP, icc_profile=srgb_profile())
    else:
        small_picture().save(buf, "WEBP", quality=80, exif=dirty_exif(), xmp=XMP, icc_profile=srgb_profile())
    return buf.getvalue() + b"ACROPALYPSE leftover"


def dirty_gif() -> bytes:
    frames = [small_picture(mode="P").rotate(90 * i) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                   comment=b"meet me at noon")
    data = buf.getvalue()
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + XMP + bytes([1, *range(255, -1, -1)]) + b"\x00"
    other_app = b"\x21\xff\x0bSPYCAM01.00\x09SN-123456\x00"
    return data[:-1] + xmp_block + other_app + data[-1:] + b"ACROPALYPSE leftover"


def dirty_tiff() -> bytes:
    buf = io.BytesIO()
    small_picture().save(buf, "TIFF", compression="tiff_lzw", icc_profile=srgb_profile(),
                   tiffinfo={271: "SpyCam", 272: "X1", 315: "Jane Doe", 33432: "(c) Jane Doe",
                             306: "2024:01:02 03:04:05", 274: 6, 700: XMP})
    return buf.getvalue()


def dirty_bmp() -> bytes:
    buf = io.BytesIO()
    small_picture().save(buf, "BMP")
    return buf.getvalue() + b"ACROPALYPSE leftover"
