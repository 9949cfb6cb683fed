"""How the page looks and reads: WCAG AA contrast in light and dark themes, labelled controls, a phone-sized
layout without sideways scrolling. Screenshots land in $IMAGE_STUDIO_SHOTS (if set) for a person to look at."""

import os
from pathlib import Path

from conftest import wait_engine_ready
from studio_helpers import finished, gps_photo, pick, plain_png

# Every visible element that holds text: its colour against the first opaque background behind it
# (semi-transparent layers blended on the way), per WCAG 2.x relative luminance.
CONTRAST_JS = """() => {
  const parse = (c) => {
    const m = c.match(/[\\d.]+/g).map(Number);
    return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1];
  };
  const over = (top, bottom) => top.slice(0, 3).map((v, i) => v * top[3] + bottom[i] * (1 - top[3])).concat(1);
  const background = (node) => {
    const layers = [];
    for (let n = node; n; n = n.parentElement) {
      const c = parse(getComputedStyle(n).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] >= 1) break;
    }
    let colour = [255, 255, 255, 1];
    if (layers.length && layers[layers.length - 1][3] >= 1) colour = layers.pop();
    for (const layer of layers.reverse()) colour = over(layer, colour);
    return colour;
  };
  const lum = (c) => {
    const linear = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    const [r, g, b] = c.slice(0, 3).map(linear);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const failures = [];
  for (const node of document.querySelectorAll("body *")) {
    const own = [...node.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim());
    if (!own || !node.checkVisibility({ opacityProperty: true, visibilityProperty: true })) continue;
    if (node.closest(":disabled, [aria-disabled=true], .skip, option, dialog:not([open])")) continue;
    const style = getComputedStyle(node);
    const bg = background(node);
    const fg = over(parse(style.color), bg);
    const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
    const ratio = (a + 0.05) / (b + 0.05);
    const size = parseFloat(style.fontSize), bold = Number(style.fontWeight) >= 700;
    const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
    const what = `${node.tagName.toLowerCase()}.${node.className} "${node.textContent.trim().slice(0, 30)}"`;
    if (ratio < needed) failures.push(`${what} ${ratio.toFixed(2)} < ${needed}`);
  }
  return failures;
}"""

UNLABELLED_JS = """() => [...document.querySelectorAll("input, select, textarea, button, a[href]")]
  .filter((n) => (n.checkVisibility() || n.closest("label")?.checkVisibility()) && !n.closest("[aria-hidden=true]"))
  .filter((n) => !(n.labels?.length || n.getAttribute("aria-label") || n.getAttribute("aria-labelledby")
                   || n.textContent.trim()))
  .map((n) => n.outerHTML.slice(0, 80))"""


def shoot(page, name):
    folder = os.environ.get("IMAGE_STUDIO_SHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_contrast_labels_and_phone_layout_in_both_themes(page, tmp_path):
    wait_engine_ready(page)
    pick(page, tmp_path, {"where.jpg": gps_photo((400, 300)), "bad.jpg": b"nope", "fine.png": plain_png()})
    finished(page, "where.jpg")
    finished(page, "fine.png")
    page.locator(".file-error").wait_for()
    page.get_by_label("Add a watermark", exact=True).select_option("text")
    assert page.evaluate(UNLABELLED_JS) == []
    # The results are made again with the watermark: measure the settled cards, not ones changing under the checks.
    finished(page, "where.jpg")
    finished(page, "fine.png")
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        for width, height, kind in ((1280, 900, "desktop"), (390, 844, "phone")):
            page.set_viewport_size({"width": width, "height": height})
            # Colours fade over 150 ms when the theme changes: measure the settled ones.
            page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
            failures = page.evaluate(CONTRAST_JS)
            assert failures == [], f"{scheme} {kind}: {failures}"
            # Nothing pushes the page sideways on a phone.
            assert page.evaluate("() => document.documentElement.scrollWidth") <= width
            shoot(page, f"studio-{kind}-{scheme}")
            # The editors are read the same way when open.
            for opener, dialog in (("Compare before and after for where.jpg", "Compare: where.jpg"),
                                   ("Crop or rotate where.jpg", "Crop and rotate: where.jpg")):
                # Opened from the keyboard: a click first waits for two animation frames with the button
                # unmoved, and once in CI headless Chromium gave this page none for 30 s.
                page.get_by_role("button", name=opener).press("Enter")
                page.get_by_role("dialog", name=dialog).wait_for()
                page.evaluate("() => Promise.all(document.getAnimations().map((a) => a.finished))")
                failures = page.evaluate(CONTRAST_JS)
                assert failures == [], f"{scheme} {kind} {dialog}: {failures}"
                shoot(page, f"studio-{kind}-{scheme}-{dialog.split(':')[0].split()[0].lower()}")
                page.keyboard.press("Escape")
                page.get_by_role("dialog", name=dialog).wait_for(state="hidden")
    assert not page.errors
