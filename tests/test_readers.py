"""Readers turn one metadata blob into findings; hostile blobs are reported, never expanded or trusted."""

import struct
import zlib

import piexif

import pictures
from imagestudio.readers import exif, icc, iptc, pngtext, xmp


def keys(findings) -> dict:
    return {f.key: f.value for f in findings}


def test_exif_reads_every_privacy_field():
    found = keys(exif.read(pictures.dirty_exif(), "EXIF"))
    assert found["gps"] == "48.858333, 2.294444" and found["gps_altitude"] == "35.0 m"
    assert found["gps_direction"] == "270°"
    assert found["serial"] == "SN-123456" and found["lens"] == "SpyLens" and found["owner"] == "Jane Doe"
    assert found["offset_original"] == "+02:00" and found["orientation"] == "6 (rotate 90° clockwise)"
    assert found["maker_notes"] == "60 bytes" and found["thumbnail"].endswith("bytes")


def test_exif_windows_and_user_comment_text_is_decoded():
    blob = piexif.dump({"0th": {piexif.ImageIFD.XPAuthor: tuple("Jane Doe\0".encode("utf-16-le"))},
                        "Exif": {piexif.ExifIFD.UserComment: b"UNICODE\0" + "meet me".encode("utf-16-be")}})
    found = keys(exif.read(blob))
    assert found["artist"] == "Jane Doe" and found["comment"] == "meet me"


def test_broken_exif_is_still_reported():
    assert keys(exif.read(b"Exif\0\0MM\0*\xff\xff\xff\xff")) == {"exif": "8 bytes"}


def test_minimal_exif_holds_only_what_is_kept():
    assert exif.minimal(1, None) is None
    body = exif.minimal(6, b"(c) Jane")
    assert {f.key for f in exif.read(body)} == {"orientation", "copyright"}


def test_xmp_gps_people_and_depth_map():
    found = xmp.read(pictures.XMP, "XMP")
    by_key = keys(found)
    assert by_key["gps"] == "48.858333, 2.294445" and by_key["place"] == "Rue de Rivoli"
    assert by_key["artist"] == "Jane Doe" and by_key["person"] == "Alice Smith"
    assert by_key["xmp_picture"].endswith("(base64)")


def test_xmp_embedded_audio_is_named_audio_not_a_picture():
    packet = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              b'<rdf:Description rdf:about="" xmlns:GAudio="http://ns.google.com/photos/1.0/audio/"'
              b' GAudio:Data="SUQzBAAAAAAA"/></rdf:RDF></x:xmpmeta>')
    found = keys(xmp.read(packet, "XMP"))
    assert found["xmp_audio"].endswith("(base64)") and "xmp_picture" not in found


def test_xmp_with_entities_is_not_parsed_but_still_reported():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>'
            b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF><rdf:Description exif:GPSLatitude="&b;"/></rdf:RDF>'
            b'</x:xmpmeta>')
    found = keys(xmp.read(bomb))
    assert found["xmp"] == f"{len(bomb)} bytes"
    assert found["gps_latitude"] == "present (not parsed)"


def test_xmp_that_is_not_xml_is_reported():
    assert keys(xmp.read(b"<x:xmpmeta><broken")) == {"xmp": "18 bytes"}


def _icc(tag_type: bytes, body: bytes) -> bytes:
    tag = tag_type + b"\0\0\0\0" + body
    header = bytearray(128)
    table = struct.pack(">I4sII", 1, b"desc", 144, len(tag))
    return bytes(header) + table + tag


def test_icc_description_v2_and_v4():
    assert icc.description(_icc(b"desc", struct.pack(">I", 5) + b"sRGB\0")) == "sRGB"
    mluc = struct.pack(">II2s2sII", 1, 12, b"en", b"US", 8, 28) + "P3 D".encode("utf-16-be")
    assert icc.description(_icc(b"mluc", mluc)) == "P3 D"
    assert icc.description(b"\0" * 40) is None
    lying = bytearray(_icc(b"desc", struct.pack(">I", 5) + b"sRGB\0"))
    lying[128:132] = b"\xff\xff\xff\xff"  # a tag count of 4 billion: read the capped table, do not loop
    assert icc.description(bytes(lying)) == "sRGB"


def test_iptc_and_photoshop_resources():
    found = iptc.read_irb(pictures.iptc_irb()[len(b"Photoshop 3.0\0"):], "APP13")
    by_key = keys(found)
    assert by_key["artist"] == "Jane Doe" and by_key["place"] == "Rue de Rivoli"
    assert by_key["copyright"] == "(c) Jane Doe" and by_key["iptc"] == "3 field(s)"
    assert by_key["photoshop"].startswith("1 resource(s)")


def test_iptc_resource_with_a_lying_size_stops_reading():
    lying = b"8BIM\x04\x04\0\0\x7f\xff\xff\xff" + b"\x1c\x02\x50\x00\x04Jane"
    assert keys(iptc.read_irb(lying)) == {"photoshop": f"0 resource(s), {len(lying)} bytes"}


def test_png_text_prompt_and_compressed_bomb_is_capped():
    found = pngtext.read(b"tEXt", b"parameters\0a cat, seed 42, Steps: 20")
    assert (found[0].key, found[0].label) == ("prompt", "Image-generator prompt and settings")
    bomb = b"Comment\0\0" + zlib.compress(b"A" * (64 * 1024 * 1024), 9)
    assert len(bomb) < 100_000
    text = pngtext.decode(b"zTXt", bomb)[1]
    assert len(text) == pngtext.INFLATE_MAX_BYTES


def test_png_raw_exif_profile_from_imagemagick():
    blob = pictures.dirty_exif(with_thumbnail=False)[6:]
    hexed = b"\nexif\n    %d\n" % len(blob) + blob.hex().encode()
    found = keys(pngtext.read(b"tEXt", b"Raw profile type exif\0" + hexed))
    assert found["gps"] == "48.858333, 2.294444"


def test_iptc_dates_and_xmp_rationals_read_as_people_write_them():
    record = b"\x1c\x02\x37\x00\x0820240102" + b"\x1c\x02\x3c\x00\x0b030405+0200"
    found = keys(iptc.read_iim(record))
    assert found["datetime_original"] == "2024-01-02" and found["time_created"] == "03:04:05 UTC+0200"
    packet = (b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
              b'<rdf:Description xmlns:exif="http://ns.adobe.com/exif/1.0/" exif:GPSAltitude="989/10"'
              b' exif:GPSImgDirection="27125/100"/></rdf:RDF></x:xmpmeta>')
    found = keys(xmp.read(packet))
    assert found["gps_altitude"] == "98.9 m" and found["gps_direction"] == "271°"


def test_gps_block_without_a_place_is_not_called_a_location():
    found = exif.read(piexif.dump({"GPS": {piexif.GPSIFD.GPSVersionID: (2, 2, 0, 0)}}))
    assert [(f.kind, f.key) for f in found] == [("other", "gps_empty")]


def test_summary_names_the_camera_once():
    from imagestudio.report import Finding, summarize
    make = Finding("device", "make", "Camera make", "Canon", "EXIF")
    model = Finding("device", "model", "Camera model", "Canon EOS 40D", "EXIF")
    assert summarize([make, model])["camera"] == "Canon EOS 40D"
    assert summarize([make, Finding("device", "model", "Camera model", "X1", "EXIF")])["camera"] == "Canon X1"
