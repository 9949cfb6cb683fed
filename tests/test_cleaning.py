"""mat2-style table: a dirty file per container -> inspect sees every secret -> clean -> re-inspect shows only
the allowlist, no secret bytes remain, and the picture (every frame, with timing) is unchanged."""

import io

import pytest
from PIL import Image

import pictures
from corpus import all_frames, pixels
from imagestudio import api

# name, make dirty bytes, finding keys the report must show, lossless?
TABLE = [
    ("dirty.jpg", pictures.dirty_jpeg,
     {"gps", "gps_altitude", "gps_direction", "make", "model", "serial", "lens", "software", "datetime_original",
      "offset_original", "artist", "owner", "copyright", "maker_notes", "thumbnail", "xmp", "xmp_picture", "person",
      "place", "iptc", "photoshop", "c2pa", "comment", "icc_profile", "orientation", "trailing_data"}, True),
    ("dirty.png", pictures.dirty_png,
     {"gps", "make", "serial", "artist", "datetime", "prompt", "comment", "xmp", "c2pa", "unknown_chunk", "icc_profile",
      "orientation", "trailing_data", "model"}, True),
    ("dirty.webp", pictures.dirty_webp,
     {"gps", "make", "serial", "artist", "thumbnail", "xmp", "person", "icc_profile", "orientation", "trailing_data"},
     True),
    ("anim.webp", lambda: pictures.dirty_webp(animated=True), {"gps", "make", "xmp", "icc_profile"}, True),
    ("dirty.gif", pictures.dirty_gif,
     {"comment", "xmp", "gps", "person", "application_extension", "trailing_data"}, True),
    ("dirty.tif", pictures.dirty_tiff,
     {"make", "model", "artist", "copyright", "datetime", "xmp", "gps", "icc_profile", "orientation"}, False),
    ("dirty.bmp", pictures.dirty_bmp, {"trailing_data"}, False),
]
IDS = [row[0] for row in TABLE]
KEPT_BY_DEFAULT = {"orientation", "icc_profile"}


@pytest.mark.parametrize("name, make, expected, lossless", TABLE, ids=IDS)
def test_report_shows_every_secret(name, make, expected, lossless):
    result = api.handle("inspect", make(), {}, name)
    assert result["ok"], result
    keys = {f["key"] for f in result["report"]["findings"]}
    assert expected <= keys, f"missing from the report: {sorted(expected - keys)}"


@pytest.mark.parametrize("name, make, expected, lossless", TABLE, ids=IDS)
def test_clean_leaves_only_the_allowlist(name, make, expected, lossless):
    data = make()
    result = api.handle("clean", data, {}, name)
    assert result["ok"], result
    out = result["data"]
    after = api.handle("inspect", out, {}, name)["report"]["findings"]
    assert {f["key"] for f in after} <= KEPT_BY_DEFAULT, after
    for secret in pictures.SECRETS:
        assert secret not in out, f"{secret!r} survived in {name}"
    assert result["report"]["lossless"] is lossless and result["report"]["reencoded"] is not lossless
    assert pixels(out) == pixels(data)
    assert all_frames(out) == all_frames(data)
    assert {f["key"] for f in result["report"]["removed"]} >= expected - KEPT_BY_DEFAULT


@pytest.mark.parametrize("name, make, expected, lossless", TABLE, ids=IDS)
def test_strict_policy_removes_profile_and_orientation_too(name, make, expected, lossless):
    data = make()
    result = api.handle("clean", data, {"policy": {"keep_icc": False, "keep_orientation": False}}, name)
    assert result["ok"], result
    assert api.handle("inspect", result["data"], {}, name)["report"]["findings"] == []
    assert result["report"]["kept"] == []


@pytest.mark.parametrize("name, make", [("dirty.jpg", pictures.dirty_jpeg), ("dirty.png", pictures.dirty_png),
                                        ("dirty.webp", pictures.dirty_webp)])
def test_orientation_and_copyright_survive_when_asked(name, make):
    result = api.handle("clean", make(), {"policy": {"keep_copyright": True}}, name)
    assert result["ok"], result
    with Image.open(io.BytesIO(result["data"])) as im:
        exif = im.getexif()
        assert exif.get(0x0112) == 6, "portrait photos must stay upright"
        assert exif.get(0x8298, "").strip("\x00") == "(c) Jane Doe"
        assert not ({0x010F, 0x0110, 0x013B} & set(exif)), dict(exif)
    kept = {f["key"] for f in result["report"]["kept"]}
    assert kept == {"orientation", "copyright", "icc_profile"}


def test_tiff_orientation_is_applied_to_the_pixels():
    data = pictures.dirty_tiff()
    result = api.handle("clean", data, {"policy": {"keep_copyright": True}}, "dirty.tif")
    with Image.open(io.BytesIO(result["data"])) as im:
        assert im.size == (32, 48) and 0x0112 not in im.getexif()  # stored upright, no tag to turn it twice
        assert im.getexif().get(0x8298) == "(c) Jane Doe"
    assert any("orientation" in note for note in result["report"]["notes"])


def test_gps_reads_as_decimal_degrees_everywhere():
    report = api.handle("inspect", pictures.dirty_jpeg(), {}, "dirty.jpg")["report"]
    positions = {f["where"]: f["value"] for f in report["findings"] if f["key"] == "gps"}
    assert positions == {"EXIF (APP1) GPS IFD": "48.858333, 2.294444", "XMP (APP1)": "48.858333, 2.294445"}  # XMP
    # stores minutes with 4 decimals, hence the last digit
    assert report["summary"]["gps"] in positions.values() and report["summary"]["location"] is True
    assert report["summary"]["camera"] == "SpyCam X1"
    assert report["summary"]["captured"] == "2024-01-02T03:04:05"  # ISO 8601, from the finding's machine value


def test_exif_thumbnail_is_shown_as_a_picture():
    report = api.handle("inspect", pictures.dirty_jpeg(), {}, "dirty.jpg")["report"]
    thumb = next(f for f in report["findings"] if f["key"] == "thumbnail")
    assert thumb["kind"] == "hidden" and thumb["preview"].startswith("data:image/jpeg;base64,/9j/")


@pytest.mark.parametrize("op, options", [("clean", {}), ("process", {"resize": {"long_edge": 64}})])
def test_the_removed_list_names_the_thumbnail_without_a_second_copy_of_it(op, options):
    report = api.handle(op, pictures.dirty_jpeg(), options, "dirty.jpg")["report"]
    [shown] = [f for f in report["findings"] if f["key"] == "thumbnail"]
    [removed] = [f for f in report["removed"] if f["key"] == "thumbnail"]
    assert shown["preview"].startswith("data:image/jpeg;base64,")
    assert removed == {k: v for k, v in shown.items() if k != "preview"}


def test_already_clean_file_is_returned_verified():
    clean = api.handle("clean", pictures.dirty_png(), {}, "a.png")["data"]
    again = api.handle("clean", clean, {}, "a-clean.png")
    assert again["ok"] and again["data"] == clean and again["report"]["removed"] == []


def test_a_cleaner_that_leaves_something_fails_closed(monkeypatch):
    from imagestudio.containers import jpeg
    monkeypatch.setattr(jpeg, "clean", lambda data, policy, name="": data)  # a broken cleaner: returns the input
    result = api.handle("clean", pictures.dirty_jpeg(), {}, "spy.jpg")
    assert not result["ok"] and result["error"]["code"] == "still_dirty"
    assert "spy.jpg" in result["error"]["message"] and "GPS position" in result["error"]["message"]
    assert "data" not in result


def test_copyright_found_only_in_iptc_is_kept_as_the_exif_notice():
    data = pictures.dirty_jpeg()
    exif_start = data.index(b"Exif\x00\x00") - 4  # drop the EXIF APP1: the IPTC notice remains
    length = int.from_bytes(data[exif_start + 2:exif_start + 4], "big")
    no_exif = data[:exif_start] + data[exif_start + 2 + length:]
    assert b"Exif\x00\x00" not in no_exif
    result = api.handle("clean", no_exif, {"policy": {"keep_copyright": True}}, "iptc.jpg")
    with Image.open(io.BytesIO(result["data"])) as im:
        assert im.getexif().get(0x8298) == "(c) Jane Doe"
