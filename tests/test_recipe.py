"""Recipe: plain data with defaults, JSON round trip, field-naming errors, presets from Python."""

import json

import pytest

from imagestudio import api
from imagestudio.errors import BadOptions
from imagestudio.recipe import PRESETS, Crop, Encode, Recipe, Resize, Watermark, preset


def test_defaults_round_trip_through_json():
    recipe = Recipe()
    again = Recipe.from_dict(json.loads(json.dumps(recipe.to_dict())))
    assert again == recipe
    assert not recipe.reencodes and recipe.pixel_steps() == []


def test_a_full_recipe_round_trips():
    data = {"crop": {"box": [1, 2, 30, 40]}, "resize": {"long_edge": 2048, "upscale": True},
            "watermark": {"text": "© me", "position": "tiled", "color": "#F00", "opacity": 0.3},
            "encode": {"format": "webp", "quality": 70, "target_kb": 300},
            "policy": {"keep_icc": False, "keep_orientation": True, "keep_copyright": True}}
    recipe = Recipe.from_dict(data)
    assert recipe.watermark.color == "#ff0000"
    assert recipe.crop.box == (1, 2, 30, 40)
    assert Recipe.from_dict(json.loads(json.dumps(recipe.to_dict()))) == recipe
    assert recipe.pixel_steps() == ["crop", "resize", "watermark"]


@pytest.mark.parametrize("data, field", [
    ({"resize": {"long_edge": 0}}, "resize.long_edge"),
    ({"resize": {"long_edge": "2048"}}, "resize.long_edge"),
    ({"resize": {"fit": "squash"}}, "resize.fit"),
    ({"resize": {"long_edge": 10, "percent": 50}}, "resize"),
    ({"resize": {"size": 10}}, "resize.size"),
    ({"crop": {"aspect": "wide"}}, "crop.aspect"),
    ({"crop": {"box": [10, 10, 5, 20]}}, "crop.box"),
    ({"crop": {"box": [0, 0, 5, 5], "aspect": "1:1"}}, "crop.box"),
    ({"watermark": {"opacity": 2}}, "watermark.opacity"),
    ({"watermark": {"position": "middle"}}, "watermark.position"),
    ({"watermark": {"color": "red"}}, "watermark.color"),
    ({"encode": {"format": "jxl"}}, "encode.format"),
    ({"encode": {"quality": 101}}, "encode.quality"),
    ({"encode": {"quality": True}}, "encode.quality"),
    ({"encode": {"auto_quality": "best"}}, "encode.auto_quality"),
    ({"encode": {"colors": 1}}, "encode.colors"),
    ({"encode": {"quality": 50, "auto_quality": "small"}}, "encode.quality"),
    ({"filters": {}}, "filters"),
])
def test_bad_recipes_name_the_field(data, field):
    with pytest.raises(BadOptions) as err:
        Recipe.from_dict(data)
    assert field in err.value.message


def test_bad_recipe_through_process_names_file_and_field():
    result = api.handle("process", b"\xff\xd8\xff", {"resize": {"long_edge": -1}}, "holiday.jpg")
    assert not result["ok"] and result["error"]["code"] == "bad_options"
    assert "holiday.jpg" in result["error"]["message"] and "resize.long_edge" in result["error"]["message"]


def test_what_asks_for_a_re_encode():
    assert not Recipe(policy=Recipe().policy).reencodes
    assert Recipe(resize=Resize(long_edge=10)).reencodes
    assert Recipe(crop=Crop(aspect="1:1")).reencodes
    assert Recipe(watermark=Watermark(text="x")).reencodes
    assert Recipe(encode=Encode(quality=60)).reencodes
    assert not Recipe(watermark=Watermark(text="   ")).reencodes  # blank text draws nothing


def test_presets_are_valid_recipes_and_clean_only_cleans():
    for key in PRESETS:
        preset(key)
    assert not preset("clean").reencodes
    assert preset("share").resize.long_edge == 2048 and preset("share").encode.auto_quality == "balanced"
    assert preset("email").encode.target_kb == 500
    assert preset("web").encode.format == "avif"
    assert preset("email").encode.format == "jpeg" and preset("share").encode.format == "keep"  # JPEG stays JPEG
    with pytest.raises(BadOptions):
        preset("nope")


# --- properties: any JSON the page might send either builds a recipe that round-trips, or is refused
# with BadOptions (never another exception) -------------------------------------------------------------

from hypothesis import given, settings, strategies as st  # noqa: E402

from imagestudio.recipe import SECTIONS  # noqa: E402

_values = st.one_of(st.none(), st.booleans(), st.integers(-5, 5000), st.floats(-2, 3000, allow_nan=False),
                    st.sampled_from(["free", "16:9", "center", "tiled", "cover", "jpeg", "webp", "balanced",
                                     "#fff", "4:2:0", "x", ""]),
                    st.lists(st.integers(-1, 50), max_size=5))
_keys = {name: st.sampled_from(sorted(f for f in (cls.__dataclass_fields__)) + ["bogus"])
         for name, cls in SECTIONS.items()}
_recipes = st.fixed_dictionaries({}, optional={name: st.dictionaries(keys, _values, max_size=4)
                                               for name, keys in _keys.items()})


@settings(max_examples=300, deadline=None)
@given(_recipes)
def test_any_recipe_builds_and_round_trips_or_is_refused(data):
    try:
        recipe = Recipe.from_dict(data)
    except BadOptions as err:
        assert err.message
        return
    assert Recipe.from_dict(json.loads(json.dumps(recipe.to_dict()))) == recipe
