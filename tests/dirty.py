"""Dirty files made by the tests themselves, one per container, each hiding the same secrets everywhere
that format can hide them. SECRETS are byte strings that must not survive a clean."""

import io
import struct
import zlib

import piexif
from PIL import Image, PngImagePlugin

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


def picture(size=(48, 32), mode="RGB") -> Image.Image:
    im = Image.new("RGB", size)
    im.putdata([((x * 9) % 256, (y * 7) % 256, (x * y) % 256) for y in range(size[1]) for x in range(size[0])])
    return im.convert(mode)


def icc_profile() -> bytes:
    from PIL import ImageCms  # tests run natively, where LittleCMS exists
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def _thumbnail() -> bytes:
    buf = io.BytesIO()
    picture((16, 12)).save(buf, "JPEG")
    return buf.getvalue()


def exif(orientation: int = 6, with_thumbnail: bool = True) -> bytes:
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


def jpeg() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "JPEG", quality=90, exif=exif(), icc_profile=icc_profile(), comment=b"meet me at noon")
    data = buf.getvalue()
    extra = (_segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + XMP) + _segment(0xED, iptc_irb())
             + _segment(0xEB, b"JP\x00\x00\x00\x00\x00\x01jumbc2pa Jane Doe"))
    return data[:2] + extra + data[2:] + b"ACROPALYPSE leftover"


def _png_chunk(kind: bytes, body: bytes) -> bytes:
    return len(body).to_bytes(4, "big") + kind + body + zlib.crc32(kind + body).to_bytes(4, "big")


def png(mode="RGBA") -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("parameters", "a cat on a sofa, seed 42")
    info.add_itxt("Author", "Jane Doe", zip=True)
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    info.add_text("Comment", "meet me at noon", zip=True)
    info.add(b"tIME", struct.pack(">HBBBBB", 2024, 1, 2, 3, 4, 5))
    info.add(b"caBX", b"jumb c2pa Jane Doe")
    info.add(b"prVt", b"SpyCam private chunk")
    buf = io.BytesIO()
    picture(mode=mode).save(buf, "PNG", pnginfo=info, exif=exif(with_thumbnail=False), icc_profile=icc_profile())
    data = buf.getvalue()
    iend = data.rindex(b"IEND") - 4
    late_text = _png_chunk(b"tEXt", b"Source\x00SpyCam X1 SN-123456")  # text after IDAT counts too
    return data[:iend] + late_text + data[iend:] + b"ACROPALYPSE leftover IDAT"


def webp(animated=False) -> bytes:
    buf = io.BytesIO()
    if animated:
        frames = [picture(mode="RGBA").rotate(90 * i) for i in range(3)]
        frames[0].save(buf, "WEBP", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                       lossless=True, exif=exif(with_thumbnail=False), xmp=XMP, icc_profile=icc_profile())
    else:
        picture().save(buf, "WEBP", quality=80, exif=exif(), xmp=XMP, icc_profile=icc_profile())
    return buf.getvalue() + b"ACROPALYPSE leftover"


def gif() -> bytes:
    frames = [picture(mode="P").rotate(90 * i) for i in range(3)]
    buf = io.BytesIO()
    frames[0].save(buf, "GIF", save_all=True, append_images=frames[1:], duration=[100, 200, 300], loop=0,
                   comment=b"meet me at noon")
    data = buf.getvalue()
    xmp_block = b"\x21\xff\x0bXMP DataXMP" + XMP + bytes([1, *range(255, -1, -1)]) + b"\x00"
    other_app = b"\x21\xff\x0bSPYCAM01.00\x09SN-123456\x00"
    return data[:-1] + xmp_block + other_app + data[-1:] + b"ACROPALYPSE leftover"


def tiff() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "TIFF", compression="tiff_lzw", icc_profile=icc_profile(),
                   tiffinfo={271: "SpyCam", 272: "X1", 315: "Jane Doe", 33432: "(c) Jane Doe",
                             306: "2024:01:02 03:04:05", 274: 6, 700: XMP})
    return buf.getvalue()


def bmp() -> bytes:
    buf = io.BytesIO()
    picture().save(buf, "BMP")
    return buf.getvalue() + b"ACROPALYPSE leftover"
