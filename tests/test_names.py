"""File names and dates: what a name gives away, the naming modes, and ZIP entries that tell nothing of packing."""

import io
import os
import re
import zipfile

import pytest

import pictures
from imagestudio import api, names
from imagestudio.__main__ import main


@pytest.mark.parametrize("name, words", [
    ("PXL_20240512_142233.jpg", ["date (and time)", "20240512_142233", "Google Pixel"]),
    ("IMG_20240512_142233.jpg", ["20240512_142233", "camera or phone"]),
    ("Screenshot 2024-05-01 at 14.22.33.png", ["2024-05-01 at 14.22.33", "screenshot"]),
    ("48.8584,2.2945.jpg", ["map coordinates", "48.8584,2.2945"]),
    ("Alice in Lisbon.jpg", ["person or a place", "Alice", "Lisbon"]),
])
def test_names_that_give_something_away_are_flagged(name, words):
    said = "; ".join(names.leaks(name))
    for word in words:
        assert word in said, said


@pytest.mark.parametrize("name", ["photo-001.jpg", "image.png", "3f9a2c.webp"])
def test_plain_names_are_not_flagged(name):
    assert names.leaks(name) == []


def test_the_report_flags_a_leaky_name_that_the_result_keeps():
    result = api.handle("clean", pictures.dirty_jpeg(), {}, "PXL_20240512_142233.jpg")
    assert result["name"] == "PXL_20240512_142233-clean.jpg"
    assert any("Google Pixel" in leak for leak in result["report"]["name_leaks"]) and result["report"]["name_kept"]
    renamed = api.handle("clean", pictures.dirty_jpeg(), {"output": {"naming": "sequence", "index": 4}},
                         "PXL_20240512_142233.jpg")
    assert renamed["name"] == "photo-004.jpg" and not renamed["report"]["name_kept"]
    assert renamed["report"]["name_leaks"]  # still said in the report: the original is the user's to rename
    # A plain word may name a place or not: listed in the report, but no warning that would flag every card.
    pier = api.handle("clean", pictures.dirty_jpeg(), {}, "pier.jpg")["report"]
    assert pier["name_leaks"] == ["words that may name a person or a place (pier)"] and not pier["name_kept"]


@pytest.mark.parametrize("output, expected", [
    ({}, r"PXL_1-1024px\.jpg"),
    ({"naming": "sequence", "index": 12}, r"photo-012\.jpg"),
    ({"naming": "random"}, r"[0-9a-f]{12}\.jpg"),
    ({"naming": "pattern", "pattern": "trip-{n}-{what}", "index": 3}, r"trip-003-1024px\.jpg"),
])
def test_process_names_results_as_the_recipe_says(output, expected):
    from pictures import encoded, photo
    data = encoded(photo((2048, 1536)), "JPEG")
    result = api.handle("process", data, {"resize": {"long_edge": 1024}, "output": output}, "PXL_1.jpg")
    assert result["ok"] and re.fullmatch(expected, result["name"]), result.get("name")


@pytest.mark.parametrize("output, field", [({"naming": "pattern", "pattern": "holiday"}, "output.pattern"),
                                           ({"naming": "pattern", "pattern": "../{n}"}, "output.pattern"),
                                           ({"naming": "alphabetical"}, "output.naming")])
def test_bad_naming_is_refused_with_the_field_named(output, field):
    result = api.handle("process", pictures.dirty_jpeg(), {"resize": {"long_edge": 16}, "output": output}, "a.jpg")
    assert not result["ok"] and field in result["error"]["message"]


def _entries(data: bytes) -> list:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.comment == b""
        return archive.infolist()


def test_zip_entries_get_a_fixed_date_and_no_comment_or_extra_fields():
    files = [b"one", b"second file"]
    result = api.handle("zip", b"".join(files), {"files": [{"name": "a.jpg", "size": 3},
                                                          {"name": "b.txt", "size": 11, "modified": 1715523753000}]})
    entries = _entries(result["data"])
    assert [e.date_time for e in entries] == [(1980, 1, 1, 0, 0, 0)] * 2
    assert all(e.extra == b"" and e.comment == b"" for e in entries)
    assert result["report"]["kept"] == []


def test_zip_keeps_file_dates_when_asked_in_utc():
    result = api.handle("zip", b"onetwo", {"keep_file_dates": True, "files": [
        {"name": "a.jpg", "size": 3, "modified": 1715523753000}, {"name": "b.jpg", "size": 3}]})
    entries = _entries(result["data"])
    assert entries[0].date_time == (2024, 5, 12, 14, 22, 32) and entries[1].date_time == (1980, 1, 1, 0, 0, 0)
    assert [k["value"] for k in result["report"]["kept"]] == ["2024-05-12 14:22:32 UTC"]


def test_cli_names_in_sequence_and_keeps_file_dates(tmp_path):
    photo = tmp_path / "IMG_20240512_142233.jpg"
    photo.write_bytes(pictures.dirty_jpeg())
    os.utime(photo, (1715523753, 1715523753))
    out = tmp_path / "out"
    assert main(["process", str(photo), "-o", str(out), "--max-edge", "16", "--naming", "sequence",
                 "--keep-file-dates", "--zip", "all"]) == 0
    result = out / "photo-001.jpg"
    assert result.exists() and int(result.stat().st_mtime) == 1715523753
    assert _entries((out / "all.zip").read_bytes())[0].date_time == (2024, 5, 12, 14, 22, 32)
    assert main(["process", str(photo), "-o", str(tmp_path / "plain"), "--max-edge", "16", "--zip", "all"]) == 0
    assert _entries((tmp_path / "plain" / "all.zip").read_bytes())[0].date_time == (1980, 1, 1, 0, 0, 0)


def test_cli_warns_when_the_result_keeps_a_revealing_name(tmp_path, capsys):
    photo = tmp_path / "PXL_20240512_142233.jpg"
    photo.write_bytes(pictures.dirty_jpeg())
    assert main(["clean", str(photo), "-o", str(tmp_path / "a")]) == 0
    assert "the name still gives away the date (and time) it was made (20240512_142233)" in capsys.readouterr().out
    assert main(["process", str(photo), "-o", str(tmp_path / "b"), "--max-edge", "16"]) == 0
    assert "--naming sequence or random" in capsys.readouterr().out
    assert main(["process", str(photo), "-o", str(tmp_path / "c"), "--max-edge", "16", "--naming", "random"]) == 0
    assert "gives away" not in capsys.readouterr().out
