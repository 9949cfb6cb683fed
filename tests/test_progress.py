"""The engine's stage reports (progress.py): what a card shows while a file is worked on."""

from imagestudio import api, progress
from imagestudio.encode.search import AUTO_TRIALS
from corpus import corpus_files, needs_corpus
from pictures import camera_photo, gps_photo


def _heard(op: str, data: bytes, options: dict) -> tuple[dict, list[tuple]]:
    seen: list[tuple] = []
    result = api.handle(op, data, options, "IMG_0001.jpg", lambda *report: seen.append(report))
    return result, seen


def test_a_lossless_clean_reports_cleaning_then_checking():
    result, seen = _heard("clean", gps_photo(), {})
    assert result["ok"]
    assert [s[0] for s in seen] == ["cleaning", "checking"]


def test_auto_quality_reports_each_encoding_trial_of_the_expected_count():
    recipe = {"resize": {"long_edge": 800}, "encode": {"format": "jpeg", "auto_quality": "balanced"}}
    result, seen = _heard("process", camera_photo(), recipe)
    assert result["ok"]
    stages = [s[0] for s in seen]
    assert stages[:2] == ["decoding", "resizing"] and stages[-1] == "checking"
    trials = [s[1] for s in seen if s[0] == "encoding"]
    assert len(trials) == result["report"]["encode_tries"]
    assert trials[0] == f"Encoding, trial 1 of {AUTO_TRIALS}…"
    fractions = [s[2] for s in seen]
    assert fractions == sorted(fractions) and 0 <= fractions[0] and fractions[-1] < 1


def test_a_watermark_and_a_single_encode_are_reported():
    recipe = {"watermark": {"text": "Jane"}, "encode": {"format": "png"}}
    result, seen = _heard("process", camera_photo(size=(400, 300)), recipe)
    assert result["ok"], result
    assert [s[0] for s in seen] == ["decoding", "watermarking", "encoding", "checking"]
    assert ("encoding", "Encoding…") in [s[:2] for s in seen]


def test_without_a_callback_nothing_is_reported_and_the_result_is_the_same():
    data = gps_photo()
    with_progress, _ = _heard("clean", data, {})
    assert api.handle("clean", data, {}, "IMG_0001.jpg") == with_progress


def test_a_failing_file_still_ends_its_report_cleanly():
    result, seen = _heard("process", b"not a picture", {"resize": {"long_edge": 100}})
    assert not result["ok"] and "IMG_0001.jpg" in result["error"]["message"]
    # Reporting ended with the job: a later call without a callback hears nothing.
    progress.stage("decoding")


@needs_corpus(corpus_files(".jpg")[:3])
def test_corpus_photos_report_every_stage_in_order(path):
    result, seen = _heard("process", path.read_bytes(), {"resize": {"long_edge": 640}})
    if result["ok"]:
        order = list(progress.STAGES)
        assert [order.index(s[0]) for s in seen] == sorted(order.index(s[0]) for s in seen)
