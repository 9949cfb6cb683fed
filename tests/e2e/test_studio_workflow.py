"""The workflow from one photo to many: a recipe change applies itself, compact cards with a calm badge and a
batch summary, a table view, no layout shift on a first visit, folders kept, cancel that ends only busy
workers, a report for non-experts, and a page that says what the recipe does."""

import io
import re
import zipfile
from pathlib import Path

import pytest

from conftest import wait_engine_ready
from studio_helpers import camera_photo, card, download, download_card, finished, gps_photo, image_of, pick

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

# Counts the engine workers the page starts, that become ready, and that it ends (installed before the page's
# own scripts run).
COUNT_WORKERS = """(() => {
  const Native = window.Worker;
  window.workerLog = { created: 0, terminated: 0 };
  window.workersReady = 0;
  window.Worker = class extends Native {
    constructor(...args) {
      super(...args);
      window.workerLog.created += 1;
      this.addEventListener("message", (e) => { if (e.data && e.data.type === "ready") window.workersReady += 1; });
    }
    terminate() { window.workerLog.terminated += 1; super.terminate(); }
  };
})();"""
WARM_WORKERS = "(n) => window.workersReady - window.workerLog.terminated >= n"

# Every state the engine line takes, so a test can tell whether the engine restarted.
WATCH_ENGINE = """() => {
  window.engineStates = [];
  new MutationObserver(() => engineStates.push(document.getElementById("engine").dataset.state))
    .observe(document.getElementById("engine"), { attributes: true, attributeFilter: ["data-state"] });
}"""

LAYOUT_SHIFT = """(() => {
  window.layoutShift = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (!entry.hadRecentInput) window.layoutShift += entry.value;
  }).observe({ type: "layout-shift", buffered: true });
})();"""


def open_page(context, base_url):
    """A page like the `page` fixture's (its errors collected), for contexts set up first."""
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.goto(base_url)
    return page


def workers(page):
    return page.evaluate("() => ({ ...workerLog })")


def test_a_recipe_change_applies_itself_and_ends_the_stale_job(context, base_url, tmp_path):
    context.add_init_script(COUNT_WORKERS)
    page = open_page(context, base_url)
    wait_engine_ready(page)
    pick(page, tmp_path, {"harbour.jpg": camera_photo((3000, 2000))})
    finished(page, "harbour.jpg")  # the lossless clean
    page.get_by_role("radio", name="Share safely").check()
    harbour = card(page, "harbour.jpg")
    assert "Recipe changed" in harbour.locator(".file-status").inner_text()
    # While the Share result is being made, the user changes their mind: that job ends with its worker.
    page.locator('.file[data-state="working"]', has_text="harbour.jpg").wait_for(timeout=30_000)
    before = workers(page)["terminated"]
    page.get_by_role("radio", name="Web").check()
    name, data = download_card(page, "harbour.jpg")
    assert name.endswith(".avif") and image_of(data).format == "AVIF"
    assert max(image_of(data).size) == 1920
    assert workers(page)["terminated"] == before + 1
    assert page.locator("#process").is_hidden()  # nothing left to apply by hand


def test_cards_are_compact_with_a_calm_badge_a_summary_a_table_and_expand_all(page, tmp_path):
    wait_engine_ready(page)
    pick(page, tmp_path, {f"trip-{i}.jpg": gps_photo((120 + i, 80)) for i in range(5)})
    for i in range(5):
        finished(page, f"trip-{i}.jpg")
    summary = page.locator("#batch-summary").inner_text()
    assert summary == "5 photos · 5 revealed a location · all clean now"
    first = card(page, "trip-0.jpg")
    badge = first.locator(".badge")
    assert badge.inner_text().startswith("Removed location") and "calm" in badge.get_attribute("class")
    # Folded: one line of report, no list, and a card about the height of its thumbnail and two lines.
    assert first.locator(".report-line").is_visible() and not first.locator(".finding-list").is_visible()
    heights = page.locator(".file").evaluate_all("cards => cards.map((c) => c.getBoundingClientRect().height)")
    assert max(heights) < 200, heights

    page.get_by_role("button", name="Expand all reports").click()
    assert page.locator(".finding-list:visible").count() == 5
    page.get_by_role("button", name="Collapse all reports").click()
    assert page.locator(".finding-list:visible").count() == 0

    table = page.get_by_role("button", name="Table view")
    table.click()
    assert table.get_attribute("aria-pressed") == "true"
    rows = page.locator(".file").evaluate_all("cards => cards.map((c) => c.getBoundingClientRect().height)")
    assert max(rows) < 80, rows  # one line per file
    assert page.locator(".files.table .download").count() == 5  # still downloadable from the table
    # Many files start in the table view by themselves.
    pick(page, tmp_path, {f"more-{i}.png": gps_photo((40, 30)) for i in range(8)})
    table.click()  # back to cards, chosen by the user
    assert not page.locator("#files").evaluate("n => n.classList.contains('table')")
    assert not page.errors


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_the_first_visit_does_not_shift_the_layout(browser, base_url, viewport):
    context = browser.new_context(viewport=viewport)
    context.add_init_script(LAYOUT_SHIFT)
    page = open_page(context, base_url)
    wait_engine_ready(page)
    page.get_by_role("radio", name="Share safely").wait_for()  # the catalogue has filled the panel
    page.evaluate("() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))")
    shift = page.evaluate("() => window.layoutShift")
    context.close()
    assert shift < 0.05, shift


def test_folders_keep_their_shape_in_cards_and_zip(page, tmp_path):
    wait_engine_ready(page)
    folder = tmp_path / "holiday"
    for day in ("day1", "day2"):
        (folder / day).mkdir(parents=True)
        (folder / day / "IMG_0001.jpg").write_bytes(gps_photo((60 + len(day), 40)))
    (folder / "notes.txt").write_text("not a photo")
    page.set_input_files("#folder-picker", str(folder))
    skipped = page.locator("#skipped")
    skipped.wait_for()
    assert skipped.inner_text() == "Skipped 1 file that is not a picture: holiday/notes.txt."
    for day in ("day1", "day2"):
        finished(page, f"holiday/{day}/IMG_0001.jpg")
    assert sorted(page.locator(".file-name").all_inner_texts()) == ["holiday/day1/IMG_0001.jpg",
                                                                   "holiday/day2/IMG_0001.jpg"]
    _, data = download(page, page.get_by_role("button", name="Download all (ZIP)"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["holiday/day1/IMG_0001-clean.jpg", "holiday/day2/IMG_0001-clean.jpg"]
        assert all(b"SpyCam" not in archive.read(n) for n in archive.namelist())
    page.get_by_label("Keep folders in the ZIP").uncheck()
    _, data = download(page, page.get_by_role("button", name="Download all (ZIP)"))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert sorted(archive.namelist()) == ["IMG_0001-clean-2.jpg", "IMG_0001-clean.jpg"]
    assert not page.errors


def test_cancel_and_remove_end_only_the_busy_workers(context, base_url, tmp_path):
    context.add_init_script(COUNT_WORKERS)
    page = open_page(context, base_url)
    wait_engine_ready(page)
    if page.evaluate("() => navigator.hardwareConcurrency") < 2:
        pytest.skip("a pool of one worker has no idle worker to keep")
    # Two quick files make the pool grow to two warm workers.
    pick(page, tmp_path, {"a.jpg": gps_photo(), "b.jpg": gps_photo((90, 60))})
    finished(page, "a.jpg")
    finished(page, "b.jpg")
    page.wait_for_function(WARM_WORKERS, arg=2, timeout=90_000)
    assert workers(page)["terminated"] == 0
    page.get_by_role("radio", name="Share safely").check()
    finished(page, "a.jpg")
    finished(page, "b.jpg")
    page.evaluate(WATCH_ENGINE)
    warm = workers(page)["created"]

    # One big file: one worker busy, one idle. Cancel ends the busy one only; nothing restarts.
    pick(page, tmp_path, {"big.jpg": camera_photo((3000, 2000))})
    # The engine's own stages say its process job runs (progress.py).
    card(page, "big.jpg").locator(".file-status", has_text=re.compile("Decoding|Resizing|Encoding")).wait_for(
        timeout=30_000)
    page.get_by_role("button", name="Cancel").click()
    assert card(page, "big.jpg").get_attribute("data-state") == "cancelled"
    # No clean result yet: the badge stays red, the download would still reveal the place.
    badge = card(page, "big.jpg").locator(".badge")
    assert badge.inner_text().startswith("Reveals location") and "danger" in badge.get_attribute("class")
    assert workers(page) == {"created": warm, "terminated": 1}  # no replacement while nothing waits
    page.locator("#process").click()  # "Process 1 again": the idle worker, still warm, takes it
    finished(page, "big.jpg")
    assert "booting" not in page.evaluate("() => engineStates")

    # Removing a card whose job runs ends that job's worker; the other file's job runs on. Two more quick files
    # grow the pool back to two warm workers first.
    pick(page, tmp_path, {"c.jpg": gps_photo((80, 60)), "d.jpg": gps_photo((70, 50))})
    page.wait_for_function(WARM_WORKERS, arg=2, timeout=90_000)
    pick(page, tmp_path, {"stay.jpg": camera_photo((3000, 2000)), "gone.jpg": camera_photo((3000, 2001))})
    page.wait_for_function("""() => ["gone.jpg", "stay.jpg"].every((name) => [...document.querySelectorAll(".file")]
        .some((c) => c.querySelector(".file-name").textContent === name
                     && /^(Decoding|Resizing|Encoding)/.test(c.querySelector(".file-status").textContent)))""",
        timeout=90_000)
    before = workers(page)
    card(page, "gone.jpg").get_by_role("button", name="Remove gone.jpg").click()
    assert workers(page) == {"created": before["created"], "terminated": before["terminated"] + 1}
    finished(page, "stay.jpg")
    assert page.locator(".file").count() == 6
    assert page.locator('.file[data-state="done"]').count() == 6
    assert "booting" not in page.evaluate("() => engineStates")
    assert not page.errors


NO_CORPUS = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"no corpus at {CORPUS} (only in the dev workplace)")


@NO_CORPUS
def test_the_report_speaks_to_non_experts(browser, base_url, tmp_path):
    context = browser.new_context(locale="en-GB", timezone_id="Europe/London")
    page = open_page(context, base_url)
    wait_engine_ready(page)
    files = {name: (CORPUS / name).read_bytes() for name in ("exiftool_ExifTool.jpg", "ianare_tests_32-lens_data.jpeg")}
    pick(page, tmp_path, files)
    kingston = finished(page, "exiftool_ExifTool.jpg")
    line = kingston.locator(".report-line").inner_text()
    assert "Place Kingston, Ont, Canada" in line  # the IPTC city named, not "Location: yes"
    assert "19 May 2001, 18:36" in line and "2001:05:19" not in line  # the reader's locale
    # The thumbnail says what it is.
    assert kingston.get_by_role("button", name="Thumbnail of exiftool_ExifTool.jpg: show the watermark preview on it")
    lens = card(page, "ianare_tests_32-lens_data.jpeg")
    lens.get_by_role("button", name=re.compile("^Details of what")).click()
    rows = lens.locator(".finding")
    labels = rows.evaluate_all("rows => rows.map((r) => r.querySelector('.f-label').textContent + '|' + "
                               "r.querySelector('.f-value').textContent)")
    assert len(labels) == len(set(labels))  # each fact once (this file repeats 5 of its 21 findings)
    assert len(labels) == 16
    where = lens.locator(".f-where").first
    assert not where.is_visible()  # "EXIF (APP1) ..." is for experts: behind a toggle
    lens.get_by_role("button", name="Show where each was found").click()
    assert where.is_visible() and where.inner_text().startswith("Found in ")
    assert any(";" in text for text in lens.locator(".f-where").all_inner_texts())  # a merged fact lists its places
    context.close()


@NO_CORPUS
def test_the_page_says_what_the_recipe_does(page, tmp_path):
    wait_engine_ready(page)
    # Sizes: one unit, said as such.
    assert page.get_by_label("At most (KiB)", exact=True).is_visible()
    assert "1 KiB = 1024 bytes" in page.locator(".field", has=page.get_by_label("At most (KiB)")).inner_text()
    assert "JPEG at quality 80" in page.locator(".section", has_text="Crop every photo").inner_text()
    pick(page, tmp_path, {"pier.jpg": camera_photo((800, 600))})
    finished(page, "pier.jpg")
    assert re.search(r"\d+\.\d KiB → \d+\.\d KiB", card(page, "pier.jpg").locator(".file-summary").inner_text())
    # A crop under "Remove private data only" cannot keep the original encoding: the card says so.
    page.get_by_role("button", name="Crop or rotate pier.jpg").click()
    dialog = page.get_by_role("dialog", name="Crop and rotate: pier.jpg")
    dialog.get_by_role("button", name="1:1").click()
    dialog.get_by_role("button", name="Apply crop").click()
    done = finished(page, "pier.jpg")
    note = done.locator(".file-note", has_text="Cropping or turning").inner_text()
    assert "Cropping or turning saved the picture again (JPEG (MozJPEG) quality 80)" in note
    assert image_of(download_card(page, "pier.jpg")[1]).size == (600, 600)
    # A recipe that would only make a file larger keeps the original picture (cleaned) and says so.
    page.get_by_role("radio", name="Share safely").check()
    gif = (CORPUS / "mat2_dirty.gif").read_bytes()
    pick(page, tmp_path, {"mat2_dirty.gif": gif})
    done = finished(page, "mat2_dirty.gif")
    kept = done.locator(".file-note", has_text="Kept the original picture").inner_text()
    assert "Kept the original picture: saving it again made it 57% larger." in kept
    name, data = download_card(page, "mat2_dirty.gif")
    assert name == "mat2_dirty-clean.gif" and len(data) <= len(gif)
    assert image_of(data).tobytes() == image_of(gif).tobytes()
    assert not page.errors


@pytest.mark.parametrize("saved", [False, True])
def test_closing_with_results_not_saved_asks_first(page, tmp_path, saved):
    wait_engine_ready(page)
    pick(page, tmp_path, {"keep.jpg": gps_photo()})
    finished(page, "keep.jpg")
    if saved:
        download_card(page, "keep.jpg")
    page.locator("h1").click()  # the browser asks only on a page the user has touched
    asked = []
    page.on("dialog", lambda dialog: (asked.append(dialog.type), dialog.dismiss()))
    if saved:
        with page.expect_event("close"):
            page.close(run_before_unload=True)  # nothing to lose: the tab closes without a question
    else:
        page.close(run_before_unload=True)
        page.wait_for_function("() => true")  # a round trip: the dialog was dismissed, the page is still here
        for _ in range(50):
            if asked:
                break
            page.wait_for_timeout(100)
        assert not page.is_closed()
    assert asked == ([] if saved else ["beforeunload"])


def test_photos_shared_from_a_gallery_arrive_through_the_service_worker_offline(context, page, base_url):
    wait_engine_ready(page)
    page.locator('#offline[data-state="ready"]').wait_for(timeout=60_000)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null")
    context.set_offline(True)
    # What a phone's share sheet sends: a multipart POST to the manifest's share_target action.
    manifest = page.evaluate("async () => (await fetch('manifest.webmanifest')).json()")
    target = manifest["share_target"]
    assert target["method"] == "POST" and target["params"]["files"][0]["name"] == "photos"
    assert "image/jpeg" in manifest["file_handlers"][0]["accept"]  # "Open with" on the desktop
    answer = page.evaluate("""async ([action, field, bytes]) => {
        const form = new FormData();
        form.append(field, new File([new Uint8Array(bytes)], "shared.jpg", { type: "image/jpeg" }));
        const response = await fetch(action, { method: "POST", body: form, redirect: "manual" });
        return response.type;
    }""", [target["action"], target["params"]["files"][0]["name"], list(gps_photo())])
    assert answer == "opaqueredirect"  # the service worker answered (offline) with a redirect to the page
    page.goto(base_url + "?shared")
    name, data = download_card(page, "shared.jpg")
    assert name == "shared-clean.jpg" and b"SpyCam" not in data
    assert page.evaluate("() => location.search") == ""  # a reload does not add it again
    assert page.evaluate("async () => (await (await caches.open('shared-photos')).keys()).length") == 0
    assert not page.errors


SHARE_SHEET = """(() => {
  window.shared = [];
  navigator.canShare = (data) => Boolean(data && data.files && data.files.length);
  navigator.share = async (data) => { window.shared.push(...await Promise.all(data.files.map(async (f) =>
    ({ name: f.name, type: f.type, bytes: Array.from(new Uint8Array(await f.arrayBuffer())) })))); };
})();"""


def test_a_result_is_sent_onward_with_the_share_sheet(context, base_url, tmp_path):
    context.add_init_script(SHARE_SHEET)  # headless Chromium has no share sheet: a stand-in records the call
    page = open_page(context, base_url)
    wait_engine_ready(page)
    pick(page, tmp_path, {"send.jpg": gps_photo()})
    finished(page, "send.jpg").get_by_role("button", name="Share the result of send.jpg").click()
    page.wait_for_function("() => window.shared.length === 1")
    shared = page.evaluate("() => window.shared[0]")
    _, downloaded = download_card(page, "send.jpg")
    assert shared["name"] == "send-clean.jpg" and shared["type"] == "image/jpeg"
    assert bytes(shared["bytes"]) == downloaded and b"SpyCam" not in downloaded


def test_compare_reads_out_size_and_ssim_live_as_quality_changes(page, tmp_path):
    wait_engine_ready(page)
    pick(page, tmp_path, {"live.jpg": camera_photo((1200, 800))})
    finished(page, "live.jpg")
    card(page, "live.jpg").get_by_role("button", name="Compare before and after for live.jpg").click()
    dialog = page.get_by_role("dialog", name="Compare: live.jpg")
    stats = dialog.locator("#compare-stats")
    assert "pixels untouched" in stats.inner_text()
    first = stats.inner_text()
    # Quality set here is the recipe's: the engine re-makes this photo (debounced) and the readout follows.
    dialog.get_by_label("Quality").evaluate(
        "(input) => { input.value = '30'; input.dispatchEvent(new Event('input')); }")
    page.wait_for_function("""() => /SSIM 0\\.\\d{4}/.test(document.getElementById("compare-stats").textContent)""",
                           timeout=60_000)
    now = stats.inner_text()
    assert now != first and re.search(r"after \d+\.\d KiB", now)
    ssim = float(re.search(r"SSIM (0\.\d{4})", now).group(1))
    assert 0.5 < ssim < 1
    page.keyboard.press("Escape")
    assert page.get_by_label("Quality (1–100)", exact=True).input_value() == "30"
    _, data = download_card(page, "live.jpg")
    assert image_of(data).format == "JPEG" and len(data) < len(camera_photo((1200, 800)))


@pytest.mark.parametrize("viewport", [{"width": 1366, "height": 900}, {"width": 390, "height": 844}])
def test_the_crop_dialog_uses_its_room_and_shows_the_quarter_turn(browser, base_url, tmp_path, viewport):
    context = browser.new_context(viewport=viewport)
    page = open_page(context, base_url)
    wait_engine_ready(page)
    pick(page, tmp_path, {"wide.jpg": camera_photo((1200, 800))})
    finished(page, "wide.jpg")
    page.get_by_role("button", name="Crop or rotate wide.jpg").click()
    dialog = page.get_by_role("dialog", name="Crop and rotate: wide.jpg")
    frame = dialog.locator("#crop-frame").bounding_box()
    stage = dialog.locator("#crop-stage").bounding_box()
    # The photo fills its frame on one side at least (it is fitted, not left at a small fixed height).
    assert stage["width"] >= frame["width"] - 2 or stage["height"] >= frame["height"] - 2
    assert abs(stage["width"] / stage["height"] - 1.5) < 0.02
    dialog.get_by_role("button", name="Rotate right 90°").click()
    turned = dialog.locator("#crop-stage").bounding_box()
    assert abs(turned["height"] / turned["width"] - 1.5) < 0.02  # the photo itself is shown turned
    assert turned["width"] <= frame["width"] + 1 and turned["height"] <= frame["height"] + 1
    # Arrow keys move the box as it is seen: "right" on the turned photo is the photo's "up".
    dialog.get_by_role("button", name="1:1").click()
    dialog.get_by_label("Width").fill("400")
    dialog.get_by_label("Width").press("Enter")
    dialog.get_by_label("Top").fill("200")
    dialog.get_by_label("Top").press("Tab")
    box = dialog.get_by_role("group", name="Crop area: arrow keys move it, Shift+arrow keys resize it")
    box.focus()
    box.press("ArrowRight")
    assert dialog.get_by_label("Top").input_value() == "192"  # 1 % of the short side
    dialog.get_by_role("button", name="Apply crop").click()
    name, data = download_card(page, "wide.jpg")
    assert "rot90" in name and image_of(data).size == (400, 400)
    context.close()


def test_compare_shows_the_quality_automatic_quality_chose(page, tmp_path):
    wait_engine_ready(page)
    page.get_by_role("radio", name="Share safely").check()   # automatic quality
    pick(page, tmp_path, {"auto.jpg": camera_photo((1200, 800))})
    finished(page, "auto.jpg")
    steps = card(page, "auto.jpg").get_by_text(re.compile(r"encode: JPEG \(MozJPEG\) quality \d+")).inner_text()
    chosen = re.search(r"encode: JPEG \(MozJPEG\) quality (\d+)", steps).group(1)
    card(page, "auto.jpg").get_by_role("button", name="Compare before and after for auto.jpg").click()
    dialog = page.get_by_role("dialog", name="Compare: auto.jpg")
    assert dialog.locator("#compare-quality-value").inner_text() == f"{chosen} (automatic)"
    assert dialog.get_by_label("Quality").input_value() == chosen


def test_a_name_that_gives_something_away_is_flagged_until_the_naming_changes(page, tmp_path):
    wait_engine_ready(page)
    pick(page, tmp_path, {"PXL_20240512_142233.jpg": camera_photo((300, 200))})
    finished(page, "PXL_20240512_142233.jpg")
    leak = card(page, "PXL_20240512_142233.jpg").locator(".name-leak")
    assert "the date (and time) it was made (20240512_142233)" in leak.inner_text()
    assert "a Google Pixel" in leak.inner_text()
    page.get_by_label("Name the results", exact=True).select_option("sequence")
    page.wait_for_function("() => document.querySelector('.download')?.download === 'photo-001.jpg'", timeout=60_000)
    assert card(page, "PXL_20240512_142233.jpg").locator(".name-leak").count() == 0
