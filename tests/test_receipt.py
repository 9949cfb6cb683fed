"""Privacy receipts: per file in every clean/process report, per batch as JSON or a readable page, and from the CLI."""

import hashlib
import json

import pictures
from imagestudio import __version__, api
from imagestudio.__main__ import main


def test_each_result_carries_the_receipt_facts():
    data = pictures.dirty_jpeg()
    result = api.handle("clean", data, {"policy": {"keep_copyright": True}}, "dirty.jpg")
    facts = result["report"]["receipt"]
    assert facts["input"] == {"name": "dirty.jpg", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    assert facts["output"]["sha256"] == hashlib.sha256(result["data"]).hexdigest()
    assert facts["policy"]["keep_copyright"] is True and facts["policy"]["keep_icc"] is True
    assert facts["coded_image_identical"] and facts["pixels_identical"]
    assert facts["engine"] == {"imagestudio": __version__}
    processed = api.handle("process", data, {"resize": {"long_edge": 16}}, "dirty.jpg")["report"]["receipt"]
    assert not processed["pixels_identical"] and not processed["coded_image_identical"]


def test_batch_receipt_lists_what_was_found_removed_and_kept_and_no_time_unless_asked():
    reports = [api.handle("clean", pictures.dirty_jpeg(), {}, "a.jpg")["report"],
               api.handle("clean", pictures.dirty_png(), {}, "<b>b</b>.png")["report"]]
    made = api.handle("receipt", b"", {"reports": reports}, "")
    receipt = json.loads(made["data"])
    assert made["name"] == "privacy-receipt.json" and receipt["count"] == 2 and "made" not in receipt
    first = receipt["files"][0]
    assert {"GPS position", "Camera make", "Camera model"} <= {item["label"] for item in first["removed"]}
    assert {item["label"] for item in first["kept"]} >= {"Colour profile"}
    assert len(first["found"]) >= len(first["removed"])
    assert made["data"] == api.handle("receipt", b"", {"reports": reports}, "")["data"]  # same input, same receipt
    timed = json.loads(api.handle("receipt", b"", {"reports": reports, "with_time": True}, "")["data"])
    assert "made" in timed
    page = api.handle("receipt", b"", {"reports": reports, "page": True}, "")
    text = page["data"].decode()
    assert page["mime"] == "text/html" and first["input"]["sha256"] in text and "<b>b</b>" not in text
    assert "&lt;b&gt;b&lt;/b&gt;.png" in text and "<script" not in text


def test_receipt_op_refuses_what_is_not_a_report():
    result = api.handle("receipt", b"", {"reports": [{"findings": []}]}, "")
    assert not result["ok"] and result["error"]["code"] == "bad_options"


def test_cli_writes_the_receipt_as_json_or_page(tmp_path, capsys):
    photo = tmp_path / "p.jpg"
    photo.write_bytes(pictures.dirty_jpeg())
    assert main(["clean", str(photo), "-o", str(tmp_path / "out"), "--receipt", str(tmp_path / "r.json")]) == 0
    receipt = json.loads((tmp_path / "r.json").read_text())
    assert receipt["files"][0]["input"]["sha256"] == hashlib.sha256(photo.read_bytes()).hexdigest()
    assert "made" not in receipt
    assert main(["process", str(photo), "-o", str(tmp_path / "out2"), "--max-edge", "16",
                 "--receipt", str(tmp_path / "r.html"), "--receipt-time"]) == 0
    page = (tmp_path / "r.html").read_text()
    assert page.startswith("<!doctype html>") and "Privacy receipt" in page and "Made 20" in page
