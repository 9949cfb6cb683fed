"""Small files the tests make themselves, so every test also runs without the shared corpus."""

import io

import piexif
from PIL import Image

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
