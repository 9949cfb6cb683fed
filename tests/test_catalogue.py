"""The catalogue (operation "presets"): what the page builds its controls, limits, badge and preview from.
Each fact is checked against the engine behaviour it describes, not against a copy of itself."""

import io
import json
import re
from pathlib import Path

import pytest
from PIL import Image, ImageChops

import imagestudio
from imagestudio import api
from imagestudio.catalogue import catalogue
from imagestudio.errors import BadOptions
from imagestudio.policy import CleanPolicy
from imagestudio.readers import xmp
from imagestudio.recipe import PRESETS, Recipe
from imagestudio.report import BADGE_WORDS, KINDS, Finding
from pictures import dirty_jpeg, encoded, gps_photo, small_picture


def test_presets_operation_serves_the_catalogue():
    result = api.handle("presets", b"", {})
    assert result["ok"] and result["data"] is None
    report = result["report"]
    assert report == json.loads(json.dumps(catalogue()))
    assert Recipe.from_dict(report["defaults"]) == Recipe()
    assert [p["id"] for p in report["presets"]] == list(PRESETS)
    assert all(p["description"] for p in report["presets"])
    assert "16:9" in report["choices"]["aspects"] and "tiled" in report["choices"]["positions"]
    assert report["limits"]["max_pixels"] == 100_000_000
    assert not api.handle("presets", b"", {"x": 1})["ok"]


def test_limits_are_the_ones_the_recipe_enforces():
    limits = catalogue()["limits"]
    Recipe.from_dict({"resize": {"long_edge": limits["max_edge"]}})
    Recipe.from_dict({"encode": {"target_kb": limits["max_target_kb"]}})
    Recipe.from_dict({"resize": {"percent": limits["min_percent"]}})
    Recipe.from_dict({"resize": {"percent": limits["max_percent"]}})
    for bad in ({"resize": {"long_edge": limits["max_edge"] + 1}},
                {"encode": {"target_kb": limits["max_target_kb"] + 1}},
                {"resize": {"percent": limits["max_percent"] + 1}},
                {"resize": {"percent": limits["min_percent"] / 2}}):
        with pytest.raises(BadOptions):
            Recipe.from_dict(bad)


@pytest.mark.parametrize("fmt", ["jpeg", "png", "webp"])
def test_lossy_flags_match_what_the_encoder_does(fmt):
    facts = catalogue()["formats"][fmt]
    source = Image.effect_noise((64, 48), 60).convert("RGB")
    buf = io.BytesIO()
    source.save(buf, "PNG")
    recipe = {"encode": {"format": fmt, **({"quality": 50} if facts["lossy"] else {})}}
    out = api.handle("process", buf.getvalue(), recipe, "noise.png")
    assert out["ok"], out
    changed = ImageChops.difference(Image.open(io.BytesIO(out["data"])).convert("RGB"), source).getbbox()
    assert bool(changed) == facts["lossy"]
    if facts["lossless_option"]:
        exact = api.handle("process", buf.getvalue(), {"encode": {"format": fmt, "lossless": True}}, "noise.png")
        assert not ImageChops.difference(Image.open(io.BytesIO(exact["data"])).convert("RGB"), source).getbbox()


def test_kept_by_policy_names_the_options_that_let_a_finding_stay():
    table = catalogue()["kept_by_policy"]
    assert set(table) == {"orientation", "icc_profile", "copyright", "datetime_original"}
    for key, option in table.items():
        finding = Finding("other", key, key, "x", "EXIF")
        assert CleanPolicy(**{option: True}).allows(finding)
        assert not CleanPolicy(**{option: False}).allows(finding)
    assert not CleanPolicy(keep_orientation=True, keep_icc=True, keep_copyright=True).allows(
        Finding("location", "gps", "GPS", "1, 2", "EXIF GPS IFD"))


def test_a_clean_keeps_exactly_what_the_default_policy_table_says():
    table = catalogue()["kept_by_policy"]
    result = api.handle("clean", gps_photo(), {})
    kept_keys = {f["key"] for f in result["report"]["kept"]}
    defaults = CleanPolicy()
    assert kept_keys <= {key for key, option in table.items() if getattr(defaults, option)}


# Finding("hidden", "key", ...), return "hidden", "key", ... and "hidden" if ... else "other", "key" in the engine.
HIDDEN_KEY = re.compile(r'(?:Finding\(|return )"hidden"(?: if [^,]*)?,\s*"(\w+)"')


def _hidden_keys() -> set[str]:
    root = Path(imagestudio.__file__).parent
    written = {key for path in root.rglob("*.py") for key in HIDDEN_KEY.findall(path.read_text())}
    return written | {key for key, _label in xmp.PICTURES.values()}  # keys that come from a table


def test_every_hidden_finding_has_a_badge_word_and_only_pictures_say_pictures():
    words = catalogue()["badge_words"]
    keys = _hidden_keys()
    assert {"thumbnail", "trailing_data", "extra_box", "auxiliary_image"} <= keys  # the scan finds them all
    assert set(words["hidden"]) == keys  # a new hidden key chooses its word here
    assert set(words["kinds"]) == set(KINDS) - {"other"}
    pictures = {"thumbnail", "preview", "extra_image", "auxiliary_image", "mpf", "xmp_picture"}
    assert {key for key, word in words["hidden"].items() if "picture" in word} == pictures
    assert words["hidden"]["motion_video"] == "hidden video" and words["hidden"]["xmp_audio"] == "hidden audio"
    assert "picture" not in BADGE_WORDS["hidden"]


def test_a_clean_names_what_it_removed_with_those_words():
    words = catalogue()["badge_words"]["hidden"]
    trailing = api.handle("clean", encoded(small_picture()) + b"secret message", {})["report"]["removed"]
    assert [words[f["key"]] for f in trailing if f["kind"] == "hidden"] == ["hidden data"]
    thumbnail = api.handle("clean", dirty_jpeg(), {})["report"]["removed"]
    assert "hidden pictures" in {words[f["key"]] for f in thumbnail if f["kind"] == "hidden"}


def test_watermark_geometry_has_every_position_but_tiled():
    geometry = catalogue()["watermark"]
    assert set(geometry["anchors"]) == set(catalogue()["choices"]["positions"]) - {"tiled"}
    assert geometry["anchors"]["bottom-right"] == [1, 1] and geometry["min_font_px"] >= 1
