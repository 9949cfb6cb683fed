"""Getting files in: picker, a synthetic drop and paste; each file's card, badge, report and GPS copy."""

import re

from conftest import wait_engine_ready
from studio_helpers import GPS_LATLON, card, download_card, drop, gps_photo, image_of, photo_with_hidden_thumbnail, \
    pick, plain_png, assert_no_private_metadata


def test_picker_drop_and_paste_make_cards_with_badges_and_reports(context, page, tmp_path):
    context.grant_permissions(["clipboard-read", "clipboard-write"])
    # A card appears at once, before the engine has even started; its thumbnail and size come from the engine.
    pick(page, tmp_path, {"beach.jpg": gps_photo((120, 80))})
    beach = card(page, "beach.jpg")
    beach.locator(".file-size").wait_for()
    wait_engine_ready(page)
    beach.locator(".file-dims", has_text="120 × 80").wait_for(timeout=60_000)
    beach.locator(".thumb img[src^='blob:']").wait_for(state="attached")
    assert beach.locator(".thumb img").evaluate("img => img.decode().then(() => img.naturalWidth)") == 120

    # Once cleaned, the badge says calmly what was removed; the report stays folded into one line.
    badge = beach.get_by_role("button", name=re.compile("^Removed location, camera"))
    badge.wait_for()
    assert "badge calm" in badge.get_attribute("class")
    coords = f"{GPS_LATLON[0]:.6f}, {GPS_LATLON[1]:.6f}"
    assert coords in beach.locator(".report-line").inner_text()
    assert badge.get_attribute("aria-expanded") == "false"
    badge.click()
    assert beach.locator(".gps-coords").inner_text() == coords
    beach.get_by_role("button", name="Copy the GPS coordinates of beach.jpg").click()
    assert page.evaluate("() => navigator.clipboard.readText()") == coords
    report = beach.locator(".finding-list")
    for words in ("GPS position", "SpyCam", "Jane Doe", "meet me at the usual place"):
        assert words in report.inner_text()
    badge.click()
    assert badge.get_attribute("aria-expanded") == "false" and not report.is_visible()

    # A synthetic drop anywhere on the page, as a browser delivers dragged files.
    drop(page, {"dropped.jpg": gps_photo((64, 48)), "flat.png": plain_png()})
    name, data = download_card(page, "dropped.jpg")
    assert name == "dropped-clean.jpg"
    assert_no_private_metadata(data)
    assert image_of(data).size == (64, 48)
    flat = card(page, "flat.png")
    flat.get_by_role("button", name="Nothing to remove").wait_for()  # nothing hidden: the badge says so

    # Pasting an image from the clipboard (arrives as "image.png") gets a name of its own.
    drop(page, {"image.png": plain_png((50, 40), (200, 30, 30))}, event="paste")
    pasted = page.locator(".file", has_text="pasted-")
    pasted.locator(".download").wait_for()
    assert pasted.locator(".file-name").inner_text().endswith("-1.png")
    assert page.locator(".file").count() == 4
    assert "4 of 4 ready" in page.locator("#overall-label").inner_text()

    # A whole folder: its pictures come in, the rest of what lies there does not.
    folder = tmp_path / "holiday"
    (folder / "day2").mkdir(parents=True)
    (folder / "sea.jpg").write_bytes(gps_photo((40, 30)))
    (folder / "day2" / "hill.png").write_bytes(plain_png((30, 20)))
    (folder / "notes.txt").write_text("not a photo")
    (folder / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")
    assert page.get_by_role("button", name="Choose a folder", exact=True).is_visible()
    page.set_input_files("#folder-picker", str(folder))
    card(page, "sea.jpg").locator(".download").wait_for()
    card(page, "hill.png").locator(".download").wait_for()
    assert page.locator(".file").count() == 6

    # A hidden EXIF thumbnail is shown in the report, so people see what the file would have given away.
    pick(page, tmp_path, {"cropped.jpg": photo_with_hidden_thumbnail()})
    cropped = card(page, "cropped.jpg")
    cropped.get_by_role("button", name=re.compile("^Removed camera, hidden pictures")).click()
    hidden = cropped.get_by_role("img", name="Hidden picture found in")
    hidden.wait_for()
    assert hidden.evaluate("img => img.complete && img.naturalWidth") == 80
    # Hidden data that is no picture is not called one (the words come from the engine's catalogue).
    pick(page, tmp_path, {"tail.png": plain_png((30, 20)) + b"the uncropped original"})
    card(page, "tail.png").get_by_role("button", name=re.compile("^Removed hidden data:")).wait_for()
    assert not page.errors
