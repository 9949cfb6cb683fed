"""A folder of photos through the real page: every output is its own input's picture, the ZIP is streamed from
pieces, a folder can be written instead, the cards show the engine's stages, idle workers end. No timings."""

import base64
import io
import json
import subprocess
import zipfile

from PIL import Image, ImageDraw

from browser import wait_engine_ready
from pictures import dirty_exif, gps_photo
from studio_helpers import SLOW_MS

CELL = 60   # px per bit of the number each photo carries in its pixels
BITS = 6    # 0..63, a 3 x 2 grid at the top left
COUNT = 30

# Where the browser has no folder picker to click in a headless run, the origin's private folder stands in.
_PRIVATE_FOLDER = """() => { window.showDirectoryPicker = async () => {
  const root = await navigator.storage.getDirectory();
  return root.getDirectoryHandle("picked", { create: true });
}; }"""


def _numbered(n: int) -> bytes:
    base = Image.open(io.BytesIO(gps_photo(size=(640, 480)))).convert("RGB")
    draw = ImageDraw.Draw(base)
    for bit in range(BITS):
        left, top = (bit % 3) * CELL, (bit // 3) * CELL
        draw.rectangle((left, top, left + CELL - 1, top + CELL - 1), fill=(255,) * 3 if n >> bit & 1 else (0,) * 3)
    out = io.BytesIO()
    base.save(out, "JPEG", quality=90, exif=dirty_exif(orientation=1))
    return out.getvalue()


def _number_in(data: bytes) -> int:
    with Image.open(io.BytesIO(data)) as picture:
        grey = picture.convert("L")
    scale = grey.width / 640
    return sum(1 << bit for bit in range(BITS)
               if grey.getpixel((int(((bit % 3) + .5) * CELL * scale), int(((bit // 3) + .5) * CELL * scale))) > 128)


def _folder(tmp_path):
    root = tmp_path / "trip"
    for n in range(COUNT):
        day = root / f"day{n % 2 + 1}"
        day.mkdir(parents=True, exist_ok=True)
        (day / f"IMG_{n:04d}.jpg").write_bytes(_numbered(n))
    return root


def _all_done(page, count):
    page.locator('.file[data-state="done"]:not(.stale)').nth(count - 1).wait_for(state="attached", timeout=SLOW_MS * 3)
    page.locator("#zip:not([disabled])").wait_for(timeout=SLOW_MS)


def test_a_folder_downloads_as_one_zip_and_as_a_folder_each_output_its_own_photo(page, tmp_path):
    page.evaluate(_PRIVATE_FOLDER)
    wait_engine_ready(page)
    page.get_by_role("radio", name="Remove private data only").check()
    page.set_input_files("#folder-picker", str(_folder(tmp_path)))
    _all_done(page, COUNT)
    # Thumbnails come from the engine for the cards near the screen only (the first ones here).
    page.locator(".file").first.locator(".thumb img[src^='blob:']").wait_for(state="attached", timeout=SLOW_MS)
    assert 0 < page.locator(".file .thumb img[src^='blob:']").count() < COUNT

    with page.expect_download(timeout=SLOW_MS) as info:
        page.locator("#zip").click()
    path = tmp_path / "all.zip"
    info.value.save_as(path)
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = sorted(archive.namelist())
        assert len(names) == COUNT and all(n.startswith("trip/day") for n in names)
        zipped = {n: archive.read(n) for n in names}
        archive.extractall(tmp_path / "unzipped")
    for name, data in zipped.items():
        assert _number_in(data) == int(name.split("IMG_")[1][:4]), name
    # An independent reader: exiftool finds no position, camera or serial number in any of them.
    found = json.loads(subprocess.run(["exiftool", "-j", "-r", "-GPS:all", "-Make", "-Model", "-SerialNumber",
                                       str(tmp_path / "unzipped")], capture_output=True, text=True).stdout)
    assert len(found) == COUNT
    assert all(set(entry) == {"SourceFile"} for entry in found), found[:2]

    # "Save all to a folder": the same files, under the same names, written one by one.
    page.locator("#save-folder").click()
    page.locator("#overall-label", has_text=f"Saved {COUNT} file(s) into picked").wait_for(timeout=SLOW_MS)
    written = page.evaluate("""async () => {
      const out = {};
      async function walk(dir, prefix) {
        for await (const [name, handle] of dir.entries()) {
          if (handle.kind === "directory") await walk(handle, `${prefix}${name}/`);
          else {
            const bytes = new Uint8Array(await (await handle.getFile()).arrayBuffer());
            let text = ""; for (const b of bytes) text += String.fromCharCode(b);
            out[prefix + name] = btoa(text);
          }
        }
      }
      await walk(await (await navigator.storage.getDirectory()).getDirectoryHandle("picked"), "");
      return out;
    }""")
    assert {n: base64.b64decode(b) for n, b in written.items()} == zipped
    assert not page.errors


def test_the_card_shows_the_engines_stages(page, tmp_path):
    page.evaluate("""() => {
      window.seen = [];
      new MutationObserver(() => {
        const card = document.querySelector(".file");
        if (card) seen.push([card.querySelector(".file-status").textContent, card.querySelector("progress").value,
                             card.querySelector("progress").hasAttribute("value")]);
      }).observe(document.getElementById("files"), { subtree: true, childList: true, characterData: true,
                                                    attributes: true });
    }""")
    wait_engine_ready(page)
    page.get_by_role("radio", name="Share safely").check()
    path = tmp_path / "IMG_0001.jpg"
    path.write_bytes(gps_photo(size=(2400, 1800)))
    page.set_input_files("#picker", str(path))
    page.locator('.file[data-state="done"]').wait_for(timeout=SLOW_MS)
    seen = page.evaluate("() => seen")
    statuses = [s[0] for s in seen]
    assert "Decoding…" in statuses and "Checking the result…" in statuses, sorted(set(statuses))
    assert any(s.startswith("Encoding, trial 1 of ") for s in statuses), sorted(set(statuses))
    assert any(0 < value < 1 and has_value for _, value, has_value in seen)  # a real bar, not an indeterminate one


_POOL = """async () => {
  globalThis.imageStudioIdleMs = 1500;
  const { EngineBridge } = await import("./app/bridge.js");
  window.pool = new EngineBridge(undefined, { size: 2 });
  return true;
}"""


def test_idle_workers_end_once_the_pool_has_had_nothing_to_do(page):
    page.evaluate(_POOL)
    photos = [list(gps_photo(size=(40 + 8 * i, 30))) for i in range(6)]
    grown = page.evaluate("""(photos) => Promise.all(photos.map((p, i) =>
        pool.call("clean", `p${i}.jpg`, new Uint8Array(p).buffer, { policy: {} })))
      .then((results) => ({ ok: results.every((r) => r.ok), workers: pool.workers.length }))""", photos)
    assert grown == {"ok": True, "workers": 2}
    # Once both are warm and nothing waits, the extra one ends (idle time shortened to 1.5 s for the test).
    page.wait_for_function("() => pool.workers.length === 1 && pool.workers[0].ready", timeout=90_000)
    # The one left still works.
    again = page.evaluate("(p) => pool.call('clean', 'again.jpg', new Uint8Array(p).buffer, { policy: {} })"
                          ".then((r) => r.ok)", photos[0])
    assert again
