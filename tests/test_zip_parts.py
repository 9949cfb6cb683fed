"""The streamed ZIP (zip_parts.py): pieces the page chains into one Blob, byte for byte the one-buffer ZIP."""

import io
import subprocess
import zipfile
import zlib

import pytest

from imagestudio import api, archive
from corpus import corpus_files
from pictures import gps_photo


def _streamed(files: list[tuple[str, bytes]], folders: bool = False, keep_dates: bool = False) -> tuple[bytes, dict]:
    """What the page does: names first, one zip_entry per result, the directory last."""
    options = {"files": [{"name": n, "modified": 1_700_000_000_000 + i * 2000} for i, (n, _) in enumerate(files)],
               "folders": folders, "keep_file_dates": keep_dates}
    names = api.handle("zip_names", b"", options, "batch.zip")
    assert names["ok"], names
    pieces, records = [], []
    for (_name, data), entry in zip(files, names["report"]["entries"]):
        where = {"name": entry["name"], "date": entry["date"]}
        if entry["stored"]:  # the header from the result's own CRC (api.handle's crc32): no bytes sent
            part = api.handle("zip_entry", b"", {**where, "crc": zlib.crc32(data), "size": len(data)}, entry["name"])
        else:
            part = api.handle("zip_entry", data, where, entry["name"])
        assert part["ok"], part
        pieces.append(part["data"])
        if part["report"]["append_original"]:
            pieces.append(data)
        records.append(part["report"]["record"])
    end = api.handle("zip_end", b"", {"records": records}, "batch.zip")
    assert end["ok"], end
    return b"".join(pieces) + end["data"], names["report"]


def _corpus_files() -> list[tuple[str, bytes]]:
    paths = corpus_files(".jpg", ".png", ".heic", ".tif", ".tiff")[:10]
    if not paths:
        pytest.skip("no corpus (only in the dev workplace)")
    return [(f"day{i % 2}/{p.name}", p.read_bytes()) for i, p in enumerate(paths)]


@pytest.mark.parametrize("folders,keep_dates", [(False, False), (True, False), (True, True)])
def test_the_pieces_are_the_one_buffer_zip_byte_for_byte(folders, keep_dates):
    files = _corpus_files() + [("a.jpg", b"x"), ("A.JPG", b"yy"), ("scan.bmp", b"BM" + bytes(5000))]
    whole, report = _streamed(files, folders, keep_dates)
    dates = [tuple(e["date"]) for e in report["entries"]]
    assert whole == archive.make_zip(files, folders, dates)
    with zipfile.ZipFile(io.BytesIO(whole)) as unpacked:
        assert unpacked.testzip() is None
        assert [unpacked.read(e["name"]) for e in report["entries"]] == [d for _, d in files]
        assert [e.compress_type for e in unpacked.infolist()][-1] == zipfile.ZIP_DEFLATED  # the BMP
    assert all(e["date"] == [1980, 1, 1, 0, 0, 0] for e in report["entries"]) != keep_dates


def test_an_independent_unzip_reads_the_streamed_archive(tmp_path):
    whole, report = _streamed(_corpus_files(), folders=True)
    path = tmp_path / "batch.zip"
    path.write_bytes(whole)
    listing = subprocess.run(["python3", "-m", "zipfile", "-t", str(path)], capture_output=True, text=True)
    assert listing.returncode == 0, listing.stderr
    assert report["folders"] == ["day0", "day1"]


def test_names_are_made_safe_and_unique_before_any_bytes():
    report = api.handle("zip_names", b"", {"files": [{"name": "../x/.a.jpg"}, {"name": "A.jpg"},
                                                     {"name": "a\u202e.jpg"}]}, "")["report"]
    assert [e["name"] for e in report["entries"]] == ["a.jpg", "A-2.jpg", "a-3.jpg"]


def test_a_large_batch_gets_zip64_directory_records_that_read_back():
    # Sizes only: the directory for entries past the 2 GB offset limit, read back by zipfile (sparse).
    entry = {"name": "IMG.jpg", "date": [1980, 1, 1, 0, 0, 0]}
    record = api.handle("zip_entry", b"\xff\xd8", entry, "IMG.jpg")["report"]["record"]
    big = [{**record, "name": f"IMG_{i}.jpg", "size": 1_500_000_000, "compressed_size": 1_500_000_000}
           for i in range(3)]
    end = api.handle("zip_end", b"", {"records": big}, "")
    assert end["ok"], end
    assert end["report"]["bytes_out"] > 4_000_000_000
    assert b"PK\x06\x06" in end["data"]  # the ZIP64 end record


@pytest.mark.parametrize("op,options,words", [
    ("zip_names", {"files": [{"name": "a.jpg", "size": 3}]}, "zip_names needs options.files"),
    ("zip_names", {"files": [{"name": 3}]}, "must be text"),
    ("zip_entry", {"name": "../a.jpg", "date": [1980, 1, 1, 0, 0, 0]}, "entry name"),
    ("zip_entry", {"name": "a.jpg", "date": [1979, 1, 1, 0, 0, 0]}, "between 1980 and 2107"),
    ("zip_entry", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0], "comment": "hi"}, "unknown zip_entry option"),
    ("zip_entry", {"name": "a.bmp", "date": [1980, 1, 1, 0, 0, 0], "crc": 1, "size": 1}, "only for a stored entry"),
    ("zip_entry", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0], "crc": -1, "size": 1}, "crc must be a whole"),
    ("zip_entry", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0], "crc": 1 << 32, "size": 1}, "crc must be a whole"),
    ("zip_entry", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0], "crc": 1, "size": True}, "size must be a whole"),
    ("zip_entry", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0], "crc": 1, "size": 1 << 31}, "too large"),
    ("zip_end", {"records": []}, "zip_end needs options.records"),
    ("zip_end", {"records": [{"name": "a.jpg"}]}, "must be a record zip_entry gave"),
])
def test_bad_options_are_refused_with_a_sentence(op, options, words):
    result = api.handle(op, b"", options, "batch.zip")
    assert not result["ok"] and words in result["error"]["message"], result


def test_a_record_that_changes_the_storage_choice_is_refused():
    record = api.handle("zip_entry", b"abc", {"name": "a.jpg", "date": [1980, 1, 1, 0, 0, 0]}, "")["report"]["record"]
    assert not record["deflated"]
    same_name_twice = api.handle("zip_end", b"", {"records": [record, {**record, "name": "A.JPG"}]}, "")
    assert "same name" in same_name_twice["error"]["message"]
    forced = api.handle("zip_end", b"", {"records": [{**record, "deflated": True}]}, "")
    assert "deflated must be what zip_entry chose" in forced["error"]["message"]


@pytest.mark.parametrize("op", ["clean", "process"])
def test_a_result_carries_the_crc_its_stored_zip_entry_needs(op):
    result = api.handle(op, gps_photo(), {}, "a.jpg")
    assert result["ok"] and result["report"]["crc32"] == zlib.crc32(result["data"])
