"""Crop editor, watermark editor with its live preview, and the before/after compare view."""

import io
import re

from PIL import Image, ImageChops, ImageStat

from conftest import wait_engine_ready
from studio_helpers import card, download, download_card, finished, image_of, camera_photo, pick, plain_png


def dark_photo(size=(900, 600)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, (20, 30, 40)).save(buf, "JPEG", quality=95)
    return buf.getvalue()


def brightest(im, box):
    return max(ImageStat.Stat(im.convert("L").crop(box)).extrema[0])


def test_crop_with_aspect_numbers_and_a_dragged_handle(page, tmp_path):
    original = camera_photo((1200, 800))
    wait_engine_ready(page)
    pick(page, tmp_path, {"street.jpg": original})
    finished(page, "street.jpg")
    page.get_by_role("button", name="Crop or rotate street.jpg").click()
    dialog = page.get_by_role("dialog", name="Crop and rotate: street.jpg")
    assert dialog.is_visible()
    assert dialog.get_by_label("Width").input_value() == "1200"  # starts as the whole photo

    dialog.get_by_role("button", name="1:1").click()
    assert dialog.get_by_label("Width").input_value() == dialog.get_by_label("Height").input_value() == "800"
    dialog.get_by_label("Left").fill("300")
    dialog.get_by_label("Left").press("Tab")
    dialog.get_by_label("Width").fill("500")
    dialog.get_by_label("Width").press("Enter")  # takes the number, keeps the editor open
    assert dialog.is_visible()
    assert dialog.get_by_label("Height").input_value() == "500"  # the aspect holds

    # Drag the bottom-right handle towards the top-left: the box shrinks, still square.
    handle = dialog.locator(".handle.se").bounding_box()
    x, y = handle["x"] + handle["width"] / 2, handle["y"] + handle["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x - 60, y - 60, steps=5)
    page.mouse.up()
    width = int(dialog.get_by_label("Width").input_value())
    assert 300 < width < 500 and dialog.get_by_label("Height").input_value() == str(width)
    left, top = int(dialog.get_by_label("Left").input_value()), int(dialog.get_by_label("Top").input_value())
    assert left == 300
    # The box moves by keyboard too (1 % of the short side per press).
    box = dialog.get_by_role("group", name="Crop area: arrow keys move it, Shift+arrow keys resize it")
    box.focus()
    box.press("ArrowRight")
    box.press("ArrowRight")
    left = int(dialog.get_by_label("Left").input_value())
    assert left == 316

    dialog.get_by_role("button", name="Apply crop").click()
    assert not dialog.is_visible()
    name, data = download_card(page, "street.jpg")
    assert name == "street-crop.jpg"
    out = image_of(data)
    assert out.size == (width, width)
    # The kept area is the chosen one: compare with the same box cut from the original.
    expected = image_of(original).crop((left, top, left + width, top + width))
    assert ImageStat.Stat(ImageChops.difference(out.convert("RGB"), expected)).mean[0] < 6
    assert not page.errors


def test_watermark_preview_output_and_compare(page, tmp_path):
    wait_engine_ready(page)
    pick(page, tmp_path, {"night.jpg": dark_photo()})
    finished(page, "night.jpg")
    preview = page.get_by_role("img", name="Watermark preview on the selected photo")
    assert not preview.is_visible()  # no watermark, no preview

    # The watermark font (350 KB) is not loaded at start-up, where it held up the first paint: only for text.
    font_loaded = '() => document.fonts.check(\'32px "DejaVu Sans Bold"\')'
    assert not page.evaluate(font_loaded)
    page.get_by_label("Add a watermark", exact=True).select_option("text")
    page.get_by_label("Watermark text", exact=True).fill("SAMPLE")
    for _ in range(100):
        if page.evaluate(font_loaded):
            break
        page.wait_for_timeout(50)
    assert page.evaluate(font_loaded)
    assert "night.jpg" in page.locator("#wm-preview-caption").inner_text()  # the first photo, until another is chosen
    pick(page, tmp_path, {"day.png": plain_png((200, 100), (250, 250, 250))})
    page.get_by_role("button", name="Thumbnail of day.png: show the watermark preview on it").press("Enter")
    # Drawn once the engine's thumbnail of day.png has arrived.
    page.locator("#wm-preview-caption", has_text="Preview on day.png").wait_for(timeout=60_000)
    assert preview.evaluate("c => c.width / c.height") == 2
    page.get_by_role("button", name="Thumbnail of night.jpg: show the watermark preview on it").click()
    bare = preview.evaluate("c => c.toDataURL()")  # bottom right, the default place
    page.get_by_role("radio", name="Top left").check()
    opacity = page.get_by_label("Opacity", exact=True)
    opacity.focus()
    opacity.press("End")  # 100 %
    assert page.locator(".range-value").first.inner_text() == "100%"
    drawn = preview.evaluate("c => c.toDataURL()")
    assert drawn != bare  # the preview follows the controls at once
    # On the preview, the text sits top left: bright pixels there, none bottom right.
    corners = preview.evaluate("""c => {
        const g = c.getContext("2d");
        const peak = (x, y) =>
          Math.max(...g.getImageData(x, y, c.width / 3, c.height / 3).data.filter((_, i) => i % 4 === 0));
        return [peak(0, 0), peak(c.width * 2 / 3, c.height * 2 / 3)];
    }""")
    assert corners[0] > 200 and corners[1] < 60

    name, data = download_card(page, "night.jpg")
    assert name == "night-wm.jpg"
    out = image_of(data)
    assert brightest(out, (0, 0, 300, 200)) > 200       # white text drawn by Python, top left
    assert brightest(out, (600, 400, 900, 600)) < 80    # nothing bottom right
    # The preview is honest: its text covers the same part of the photo as Python's (within 2 %).
    seen = preview.evaluate("""c => {
        const d = c.getContext("2d").getImageData(0, 0, c.width, c.height).data;
        let [x0, y0, x1, y1] = [c.width, c.height, 0, 0];
        for (let i = 0; i < d.length; i += 4) if (d[i] > 128) {
            const x = (i / 4) % c.width, y = Math.floor(i / 4 / c.width);
            x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x + 1); y1 = Math.max(y1, y + 1);
        }
        return [x0 / c.width, y0 / c.height, x1 / c.width, y1 / c.height];
    }""")
    made = out.convert("L").point(lambda v: 255 if v > 128 else 0).getbbox()
    made = [made[0] / out.width, made[1] / out.height, made[2] / out.width, made[3] / out.height]
    assert all(abs(a - b) < 0.02 for a, b in zip(seen, made)), (seen, made)

    page.get_by_role("radio", name="Tiled over the whole photo").check()
    _, data = download_card(page, "night.jpg")
    out = image_of(data)
    assert brightest(out, (600, 400, 900, 600)) > 120 and brightest(out, (300, 200, 600, 400)) > 120

    # A logo instead of text: a red PNG, top right, drawn by Python where the grid says.
    logo = tmp_path / "logo.png"
    Image.new("RGBA", (64, 64), (230, 20, 20, 255)).save(logo)
    page.get_by_label("Add a watermark", exact=True).select_option("logo")
    page.get_by_label("Logo file (PNG)", exact=True).set_input_files(str(logo))
    page.get_by_text("Using logo.png").wait_for()
    page.get_by_role("radio", name="Top right").check()
    _, data = download_card(page, "night.jpg")
    out = image_of(data).convert("RGB")
    r, g, _b = out.getpixel((820, 78))    # inside the logo: 20 % of the short side, 3 % from the edges
    assert r > 180 and g < 90, (r, g)
    assert out.getpixel((80, 520))[0] < 80  # the opposite corner is untouched

    # Compare: sizes, saving and SSIM; the split and zoom move.
    card(page, "night.jpg").get_by_role("button", name="Compare before and after for night.jpg").click()
    dialog = page.get_by_role("dialog", name="Compare: night.jpg")
    stats = dialog.locator("#compare-stats").inner_text()
    assert "Before" in stats and "after" in stats and ("saved" in stats or "larger" in stats)
    ssim = float(re.search(r"SSIM (0\.\d{4}|1\.0000)", stats).group(1))  # measured for this lossy JPEG
    assert 0.8 < ssim <= 1.0
    view = dialog.locator("#compare-view").bounding_box()
    stage = dialog.locator("#compare-inner").bounding_box()
    # At 1× the whole 3:2 photo fits in the view.
    assert stage["x"] >= view["x"] - 1 and stage["y"] >= view["y"] - 1
    assert stage["x"] + stage["width"] <= view["x"] + view["width"] + 1
    assert stage["y"] + stage["height"] <= view["y"] + view["height"] + 1
    assert abs(stage["width"] / stage["height"] - 1.5) < 0.01
    split = dialog.get_by_label("Split")
    split.focus()
    split.press("Home")
    assert dialog.locator("#compare-clip").evaluate("n => n.style.clipPath") == "inset(0px 0px 0px 0%)"
    page.mouse.move(view["x"] + view["width"] / 2, view["y"] + view["height"] / 2)
    page.keyboard.down("Control")  # a touchpad pinch arrives as ctrl+wheel
    page.mouse.wheel(0, -100)
    page.keyboard.up("Control")
    page.wait_for_function("() => document.getElementById('compare-zoom-label').textContent === '1.25×'")
    zoom = dialog.get_by_label("Zoom")
    zoom.focus()
    zoom.press("End")
    assert dialog.locator("#compare-zoom-label").inner_text() == "8×"
    zoomed = dialog.locator("#compare-inner").bounding_box()
    assert abs(zoomed["width"] / stage["width"] - 8) < 0.05
    # The divider stays in the view at 8×, and a drag pans the picture.
    split.focus()
    split.press("End")
    divider = dialog.locator("#compare-divider").bounding_box()
    assert view["x"] <= divider["x"] <= view["x"] + view["width"]
    page.mouse.move(view["x"] + view["width"] / 3, view["y"] + view["height"] / 2)
    page.mouse.down()
    page.mouse.move(view["x"] + view["width"] / 3 + 80, view["y"] + view["height"] / 2 + 40, steps=4)
    page.mouse.up()
    panned = dialog.locator("#compare-inner").bounding_box()
    assert abs(panned["x"] - zoomed["x"] - 80) < 2 and abs(panned["y"] - zoomed["y"] - 40) < 2
    page.keyboard.press("Escape")
    assert not dialog.is_visible()
    assert page.evaluate("() => document.activeElement.textContent") == "Compare"
    assert not page.errors


def test_rotate_right_turns_the_output_clockwise(page, tmp_path):
    original = Image.new("RGB", (600, 400), (240, 240, 240))
    original.paste((200, 0, 0), (0, 0, 100, 100))  # a red block in the top-left corner
    buf = io.BytesIO()
    original.save(buf, "PNG")
    wait_engine_ready(page)
    pick(page, tmp_path, {"sideways.png": buf.getvalue()})
    finished(page, "sideways.png")
    page.get_by_role("button", name="Crop or rotate sideways.png").click()
    dialog = page.get_by_role("dialog", name="Crop and rotate: sideways.png")
    dialog.get_by_role("button", name="Rotate right 90°").click()
    assert "90° clockwise" in dialog.locator("#rotate-label").inner_text()
    dialog.get_by_role("button", name="Apply crop").click()
    # The card keeps its first result until the turned one replaces it: wait for the turned one.
    turned = finished(page, "sideways.png").get_by_role("link", name=re.compile("rot90"))
    name, data = download(page, turned)
    assert "rot90" in name
    out = image_of(data).convert("RGB")
    assert out.size == (400, 600)
    red, grey = out.getpixel((350, 50)), out.getpixel((50, 50))
    assert red[0] > 150 and red[1] < 60  # the top-left block went to the top-right: clockwise
    assert grey[1] > 200
    # Compare lines "before" up with the result: the engine turns it too, so both halves show the same picture.
    card(page, "sideways.png").get_by_role("button", name="Compare before and after for sideways.png").click()
    dialog = page.get_by_role("dialog", name="Compare: sideways.png")
    before = dialog.get_by_role("img", name="Before, cut and turned like the result: sideways.png")
    before.wait_for()
    page.wait_for_function("() => document.getElementById('compare-before').naturalWidth > 0")
    assert before.evaluate("img => [img.naturalWidth, img.naturalHeight]") == [400, 600]
    stage = dialog.locator("#compare-inner").bounding_box()
    assert stage["height"] > stage["width"]  # shown upright as the result is
    assert "cropped" not in dialog.locator("#compare-stats").inner_text()
    assert not page.errors
