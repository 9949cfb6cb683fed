"""The command line runs the same engine: one line per file, NAME-clean.EXT, never overwrites, non-zero on failure."""

import io
import json
import os
import subprocess
import sys

from PIL import Image

import pictures
from corpus import ROOT
from imagestudio.__main__ import main


def _run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "py")}
    return subprocess.run([sys.executable, "-m", "imagestudio", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_inspect_prints_the_report_in_plain_words(tmp_path):
    photo = tmp_path / "spy.jpg"
    photo.write_bytes(pictures.dirty_jpeg())
    done = _run("inspect", str(photo))
    assert done.returncode == 0, done.stderr
    assert "location 48.8583" in done.stdout.splitlines()[0]
    assert "[location] GPS position: 48.858333, 2.294444  (EXIF (APP1) GPS IFD)" in done.stdout
    assert "[people] Artist: Jane Doe" in done.stdout


def test_inspect_json_is_the_api_result(tmp_path, capsys):
    photo = tmp_path / "spy.png"
    photo.write_bytes(pictures.dirty_png())
    assert main(["inspect", "--json", str(photo)]) == 0
    results = json.loads(capsys.readouterr().out)
    report = results[str(photo)]["report"]
    assert report["format"] == "png" and report["summary"]["count"] == len(report["findings"])
    assert any(f["key"] == "prompt" and "seed 42" in f["value"] for f in report["findings"])


def test_clean_writes_beside_never_over_and_fails_loudly(tmp_path, capsys):
    inputs = tmp_path / "in"
    inputs.mkdir()
    (inputs / "a.jpg").write_bytes(pictures.dirty_jpeg())
    (inputs / "a-clean.jpg").write_bytes(b"the user's own file")  # same name the clean would take
    (inputs / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 20)
    code = main(["clean", str(inputs / "a.jpg"), str(inputs / "broken.png"), "-o", str(inputs),
                 "--no-keep-orientation", "--keep-copyright"])
    lines = capsys.readouterr().out.splitlines()
    assert code == 1 and len(lines) == 2
    assert lines[0].startswith("ok ") and lines[1].startswith("error ") and "broken.png" in lines[1]
    assert (inputs / "a-clean.jpg").read_bytes() == b"the user's own file"
    out = (inputs / "a-clean-2.jpg").read_bytes()
    assert b"Jane Doe" in out and b"SpyCam" not in out  # --keep-copyright kept only the notice
    with Image.open(io.BytesIO(out)) as im:
        assert 0x0112 not in im.getexif()  # --no-keep-orientation


def test_clean_of_a_good_batch_exits_zero(tmp_path):
    (tmp_path / "x.gif").write_bytes(pictures.dirty_gif())
    (tmp_path / "y.webp").write_bytes(pictures.dirty_webp())
    done = _run("clean", str(tmp_path / "x.gif"), str(tmp_path / "y.webp"), "-o", str(tmp_path / "out"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["x-clean.gif", "y-clean.webp"]
    assert len(done.stdout.splitlines()) == 2


def test_inspect_of_a_missing_file_fails_with_its_name(tmp_path, capsys):
    good = tmp_path / "ok.gif"
    good.write_bytes(pictures.dirty_gif())
    assert main(["inspect", str(tmp_path / "missing.jpg"), str(good)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("error ") and "missing.jpg" in lines[0]
    assert lines[1].startswith(f"{good}: ")
