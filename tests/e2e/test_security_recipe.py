"""Issue 14, point 5: importing a recipe never reaches JavaScript's shared objects. The page hands the file to
Python, which checks it against its own schema; `__proto__` and `constructor` are refused as unknown keys, and
the page keeps working (a good recipe still loads and is used). Served with no headers, as GitHub Pages does."""

import json


from conftest import wait_engine_ready
from studio_helpers import download_card, image_of, photo, pick

HOSTILE = {
    "proto.json": {"__proto__": {"polluted": "yes", "encode": {"format": "gif"}}},
    "constructor.json": {"constructor": {"prototype": {"polluted": "yes"}}},
    "nested.json": {"encode": {"__proto__": {"polluted": "yes"}}, "resize": {"long_edge": 10}},
    "policy.json": {"policy": {"constructor": {"prototype": {"polluted": "yes"}}}},
}
POLLUTED = "() => [({}).polluted, Object.prototype.polluted, [].polluted, ({}).encode] .some((v) => v !== undefined)"


def test_hostile_recipes_are_refused_and_pollute_nothing(plain_page, tmp_path):
    page = plain_page
    wait_engine_ready(page)
    page.get_by_role("radio", name="Web").wait_for()  # the recipe panel is built
    message = page.locator("#recipe-message")
    for name, recipe in HOSTILE.items():
        path = tmp_path / name
        path.write_text(json.dumps(recipe))  # json.dumps writes "__proto__" as a plain key, as an attacker would
        page.set_input_files("#recipe-import", str(path))
        page.get_by_text(f"{name} is not a recipe").wait_for()
        assert "unknown" in message.inner_text(), message.inner_text()
        assert page.evaluate(POLLUTED) is False, name
    # The page still works: a good recipe loads and is what the next photo gets.
    good = tmp_path / "small-webp.json"
    good.write_text(json.dumps({"resize": {"long_edge": 300}, "encode": {"format": "webp", "quality": 70}}))
    page.set_input_files("#recipe-import", str(good))
    page.get_by_text("Recipe small-webp.json loaded.").wait_for()
    pick(page, tmp_path, {"after.jpg": photo((1200, 800))})
    name, data = download_card(page, "after.jpg")
    out = image_of(data)
    assert out.format == "WEBP" and max(out.size) == 300
    assert page.evaluate(POLLUTED) is False
    assert not page.errors, page.errors
