"""The import_recipe operation: a recipe file's bytes checked against recipe.py's schema; the page takes only
the recipe it returns. Keys that would reach JavaScript's prototypes are unknown keys like any other."""

import json

import pytest

from imagestudio import api
from imagestudio.recipe import Recipe

HOSTILE = {
    "proto section": ({"__proto__": {"polluted": True}}, "unknown recipe section(s): __proto__"),
    "constructor section": ({"constructor": {"prototype": {"polluted": True}}},
                            "unknown recipe section(s): constructor"),
    "proto option": ({"encode": {"__proto__": {"quality": 1}}}, "unknown option(s) encode.__proto__"),
    "constructor option": ({"resize": {"constructor": 1}}, "unknown option(s) resize.constructor"),
    "proto in policy": ({"policy": {"__proto__": {"keep_gps": True}}}, "__proto__"),
    "not an object": ([1, 2], "must be a JSON object"),
    "bad value": ({"resize": {"long_edge": "big"}}, "resize.long_edge"),
}


@pytest.mark.parametrize("case", HOSTILE)
def test_a_hostile_recipe_is_refused_naming_the_file_and_key(case):
    recipe, words = HOSTILE[case]
    result = api.handle("import_recipe", json.dumps(recipe).encode(), {}, "evil.json")
    assert result["ok"] is False and result["error"]["code"] == "bad_options"
    assert result["error"]["message"].startswith("evil.json is not a recipe: ")
    assert words in result["error"]["message"]


def test_text_that_is_not_json_is_refused():
    result = api.handle("import_recipe", b"\xff\xfe not json", {}, "photo.jpg")
    assert result["error"]["message"].startswith("photo.jpg is not a recipe: it is not JSON text")


def test_a_valid_recipe_comes_back_whole_with_defaults_filled_in():
    given = {"resize": {"long_edge": 800}, "encode": {"format": "webp", "quality": 70}}
    result = api.handle("import_recipe", ("\ufeff" + json.dumps(given)).encode(), {}, "web.json")
    assert result["ok"] is True
    assert result["report"]["recipe"] == Recipe.from_dict(given).to_dict()
    assert result["report"]["recipe"]["resize"]["long_edge"] == 800
