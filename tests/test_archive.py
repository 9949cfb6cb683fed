"""Batch: unique names, the zip operation, and the process command line (exit code, one failure
never stops the rest)."""

import io
import json
import zipfile

import pytest

from imagestudio import api, archive
from imagestudio.__main__ import main
from pictures import animation, encoded, gps_photo, opened, photo


def test_unique_names():
    assert archive.unique_names(["a.jpg", "a.jpg", "A.JPG", "b.png", "a-2.jpg"]) == \
        ["a.jpg", "a-2.jpg", "A-3.JPG", "b.png", "a-2-2.jpg"]
    assert archive.unique_names(["../../etc/passwd", "dir\\x.png", ".hidden", ""]) == \
        ["passwd", "x.png", "hidden", "image"]


def zip_call(files, name="all.zip"):
    data = b"".join(payload for _n, payload in files)
    options = {"files": [{"name": n, "size": len(p)} for n, p in files]}
    return api.handle("zip", data, options, name)


def test_zip_operation_round_trips_and_stores_images():
    files = [("a.jpg", encoded(photo((40, 30)))), ("a.jpg", b"second"), ("notes.txt", b"x" * 1000)]
    result = zip_call(files)
    assert result["ok"] and result["mime"] == "application/zip" and result["name"] == "all.zip"
    assert result["report"]["files"] == ["a.jpg", "a-2.jpg", "notes.txt"]
    with zipfile.ZipFile(io.BytesIO(result["data"])) as archive:
        assert archive.namelist() == ["a.jpg", "a-2.jpg", "notes.txt"]
        assert archive.read("a.jpg") == files[0][1] and archive.read("a-2.jpg") == b"second"
        assert archive.getinfo("a.jpg").compress_type == zipfile.ZIP_STORED
        assert archive.getinfo("notes.txt").compress_type == zipfile.ZIP_DEFLATED
        assert archive.testzip() is None


@pytest.mark.parametrize("options, data, why", [
    ({}, b"", "files"),
    ({"files": [{"name": "a", "size": 5}]}, b"abc", "add up"),
    ({"files": [{"name": "a", "size": -1}]}, b"", "size"),
    ({"files": [{"name": "a"}]}, b"", "files[0]"),
    ({"files": [], "level": 9}, b"", "level"),
])
def test_zip_bad_requests(options, data, why):
    result = api.handle("zip", data, options, "all.zip")
    assert not result["ok"] and result["error"]["code"] == "bad_options" and why in result["error"]["message"]


def test_batch_of_process_then_zip_one_failure_does_not_stop_the_rest():
    inputs = [("one.jpg", gps_photo()), ("broken.jpg", b"\xff\xd8\xff\xe0garbage"), ("two.gif", animation()),
              ("one.jpg", gps_photo((64, 64)))]
    recipe = {"resize": {"long_edge": 32}, "encode": {"format": "webp"}}
    results = [api.handle("process", data, recipe, name) for name, data in inputs]
    assert [r["ok"] for r in results] == [True, False, True, True]
    assert "broken.jpg" in results[1]["error"]["message"]
    done = [(r["name"], r["data"]) for r in results if r["ok"]]
    packed = zip_call(done)
    assert packed["report"]["files"] == ["one-32px.webp", "two-32px.webp", "one-32px-2.webp"]


def test_cli_process_with_flags(tmp_path, capsys):
    src = tmp_path / "IMG_1234.jpg"
    src.write_bytes(gps_photo((400, 300)))
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    out = tmp_path / "out"
    code = main(["process", str(src), str(bad), "-o", str(out), "--max-edge", "200", "--format", "webp",
                 "--quality", "70", "--crop", "16:9", "--watermark-text", "© me", "--zip", "all"])
    assert code == 1                                            # bad.jpg failed
    printed = capsys.readouterr().out
    assert "bad.jpg" in printed and "IMG_1234-16x9-200px-wm.webp" in printed
    result = out / "IMG_1234-16x9-200px-wm.webp"
    assert opened(result.read_bytes()).size == (200, 112)
    with zipfile.ZipFile(out / "all.zip") as archive:
        assert archive.namelist() == ["IMG_1234-16x9-200px-wm.webp"]


def test_cli_recipe_file_preset_and_flags_layer(tmp_path):
    src = tmp_path / "a.png"
    src.write_bytes(encoded(photo((300, 200)), "PNG"))
    recipe = tmp_path / "recipe.json"
    recipe.write_text(json.dumps({"resize": {"long_edge": 150}, "encode": {"format": "jpeg", "quality": 60}}))
    out = tmp_path / "out"
    assert main(["process", str(src), "-o", str(out), "--recipe", str(recipe), "--quality", "90"]) == 0
    written = out / "a-150px.jpg"
    assert opened(written.read_bytes()).size == (150, 100)
    assert main(["process", str(src), "-o", str(out), "--recipe", str(recipe)]) == 0
    assert (out / "a-150px-2.jpg").exists()                     # never overwrites
    assert len((out / "a-150px-2.jpg").read_bytes()) < len(written.read_bytes())  # q60 < q90
    assert main(["process", str(src), "-o", str(out), "--preset", "web"]) == 0
    assert (out / "a-q65.avif").exists()                        # 300 px is under the preset's 1920: no resize


def test_cli_bad_recipe_exits_before_any_file(tmp_path, capsys):
    src = tmp_path / "a.png"
    src.write_bytes(encoded(photo((30, 20)), "PNG"))
    assert main(["process", str(src), "-o", str(tmp_path / "o"), "--crop", "wide"]) == 2
    assert "crop.aspect" in capsys.readouterr().out
    assert not (tmp_path / "o").exists()


def test_zip_keeps_folders_when_asked_and_never_lets_a_name_climb_out():
    names = ["day1/IMG_0001.jpg", "day2/IMG_0001.jpg", "../../etc/x.jpg", "/abs/y.jpg", "a\\b\\z.jpg",
             "day1/IMG_0001.jpg", "./.hidden/./w.jpg"]
    payloads = [bytes([i]) * (i + 1) for i in range(len(names))]
    options = {"files": [{"name": n, "size": len(p)} for n, p in zip(names, payloads)], "folders": True}
    result = api.handle("zip", b"".join(payloads), options, "photos.zip")
    assert result["ok"], result
    with zipfile.ZipFile(io.BytesIO(result["data"])) as archive:
        listed = archive.namelist()
        assert listed == ["day1/IMG_0001.jpg", "day2/IMG_0001.jpg", "etc/x.jpg", "abs/y.jpg", "a/b/z.jpg",
                          "day1/IMG_0001-2.jpg", "hidden/w.jpg"]
        assert [archive.read(n) for n in listed] == payloads
    for entry in listed:
        assert not entry.startswith("/") and ".." not in entry.split("/")
    flat = api.handle("zip", b"".join(payloads), {**options, "folders": False}, "photos.zip")
    assert "/" not in "".join(flat["report"]["files"])
    assert not api.handle("zip", b"".join(payloads), {**options, "folders": "yes"}, "photos.zip")["ok"]
