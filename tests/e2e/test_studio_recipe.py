"""The recipe panel: each preset's output checked with Pillow, custom settings, reset, export and import."""

import json
import os
import subprocess
import sys
from pathlib import Path

from imagestudio.catalogue import catalogue
from imagestudio.recipe import Recipe

from conftest import wait_engine_ready
from studio_helpers import assert_no_private_metadata, card, download, download_card, image_of, camera_photo, pick

ROOT = Path(__file__).resolve().parents[2]
PRESETS = {p["id"]: p for p in catalogue()["presets"]}


def choose(page, label):
    page.get_by_role("radio", name=label).check()


def test_each_preset_gives_what_it_says(page, tmp_path):
    original = camera_photo((2400, 1600))
    wait_engine_ready(page)
    # The default is the lossless clean: the pixels are the original's, the metadata is gone.
    assert page.get_by_role("radio", name="Remove private data only").is_checked()
    pick(page, tmp_path, {"harbour.jpg": original})
    name, data = download_card(page, "harbour.jpg")
    assert name == "harbour-clean.jpg"
    assert image_of(data).tobytes() == image_of(original).tobytes()
    assert_no_private_metadata(data)

    # Choosing another preset marks the result as out of date and makes it again, with no other click.
    choose(page, "Share safely")
    assert "harbour.jpg" in page.locator(".file.stale").inner_text()
    name, data = download_card(page, "harbour.jpg")
    share = PRESETS["share"]["recipe"]
    assert name == f"harbour-{share['resize']['long_edge']}px.jpg"
    im = image_of(data)
    assert im.format == "JPEG" and max(im.size) == share["resize"]["long_edge"] and im.size == (2048, 1365)
    assert_no_private_metadata(data)
    assert "SSIM" in card(page, "harbour.jpg").locator(".file-summary").inner_text()

    choose(page, "Email")
    _, data = download_card(page, "harbour.jpg")
    email = PRESETS["email"]["recipe"]
    assert image_of(data).format == "JPEG"
    assert len(data) <= email["encode"]["target_kb"] * 1024
    assert max(image_of(data).size) == email["resize"]["long_edge"]
    assert_no_private_metadata(data)

    choose(page, "Web")
    name, data = download_card(page, "harbour.jpg")
    assert name.endswith(".avif")
    im = image_of(data)
    assert im.format == "AVIF" and max(im.size) == PRESETS["web"]["recipe"]["resize"]["long_edge"]
    assert b"SpyCam" not in data and b"GPS" not in data

    # Custom: any change to a control selects "Custom"; PNG at 800 px.
    page.get_by_label("Format", exact=True).select_option("png")
    assert page.get_by_role("radio", name="Custom").is_checked()
    page.get_by_label("Longest edge (pixels)", exact=True).fill("800")
    name, data = download_card(page, "harbour.jpg")
    im = image_of(data)
    assert name == "harbour-800px.png" and im.format == "PNG" and im.size == (800, 533)
    assert not page.errors


def test_controls_reset_and_the_recipe_round_trips_as_command_line_json(page, tmp_path):
    wait_engine_ready(page)
    page.get_by_role("radio", name="Share safely").wait_for()
    quality = page.get_by_label("Quality (1–100)", exact=True)
    quality.fill("500")
    quality.press("Tab")
    assert quality.input_value() == "100"  # held to what the engine accepts
    quality.fill("55")
    reset = page.get_by_role("button", name="Reset quality (1–100)")
    assert reset.is_enabled()
    reset.click()
    assert quality.input_value() == "" and reset.is_disabled()

    choose(page, "Email")
    page.get_by_label("At most (KiB)", exact=True).fill("120")
    page.get_by_label("Add a watermark", exact=True).select_option("text")
    page.get_by_label("Watermark text", exact=True).fill("© Studio test")
    name, data = download(page, page.get_by_role("button", name="Export recipe (JSON)"))
    assert name == "image-studio-recipe.json"
    exported = json.loads(data)
    # The engine itself accepts it, and it is the Email preset plus exactly what was changed.
    recipe = Recipe.from_dict(exported)
    assert recipe.encode.target_kb == 120 and recipe.encode.format == "jpeg"
    assert recipe.resize.long_edge == PRESETS["email"]["recipe"]["resize"]["long_edge"]
    assert recipe.watermark.text == "© Studio test"
    assert set(exported) == {"resize", "encode", "watermark"}

    # The command line takes the exported file as it is and makes the same file the page makes.
    original = camera_photo((1600, 1000))
    pick(page, tmp_path, {"pier.jpg": original})
    page_name, page_data = download_card(page, "pier.jpg")
    recipe_file = tmp_path / "exported.json"
    recipe_file.write_bytes(data)
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "pier.jpg").write_bytes(original)
    subprocess.run([sys.executable, "-m", "imagestudio", "process", str(tmp_path / "in" / "pier.jpg"),
                    "-o", str(tmp_path / "cli"), "--recipe", str(recipe_file)],
                   check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "py")}, capture_output=True)
    cli_data = (tmp_path / "cli" / page_name).read_bytes()  # the same name, chosen by the same engine
    assert len(page_data) <= 120 * 1024 and len(cli_data) <= 120 * 1024
    assert image_of(page_data).size == image_of(cli_data).size

    # Importing a recipe (as written for the command line) sets every control.
    path = tmp_path / "web.json"
    path.write_text(json.dumps(PRESETS["web"]["recipe"]))
    page.set_input_files("#recipe-import", str(path))
    page.get_by_text("Recipe web.json loaded").wait_for()
    assert page.get_by_role("radio", name="Web").is_checked()
    assert page.get_by_label("Format", exact=True).input_value() == PRESETS["web"]["recipe"]["encode"]["format"]
    assert page.get_by_label("Longest edge (pixels)", exact=True).input_value() == "1920"

    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"sharpen": {"amount": 2}}))
    page.set_input_files("#recipe-import", str(bad))
    page.get_by_text("bad.json is not a recipe").wait_for()
    assert "unknown recipe section(s): sharpen" in page.locator("#recipe-message").inner_text()
    assert page.get_by_role("radio", name="Web").is_checked()  # a bad file changes nothing
    assert not page.errors
