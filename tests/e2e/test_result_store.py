"""Results past the in-memory budget wait on disk (the origin's private file system), not in the browser's memory:
downloads and the ZIP read them from there, a removed file's result is deleted, and a closed tab's folder is
removed at the next start. The budget is lowered to nothing here, so every result goes to disk."""

import io
import zipfile

from conftest import wait_engine_ready
from studio_helpers import assert_no_private_metadata, download, download_card, finished, gps_photo, image_of, pick

ALL_TO_DISK = "globalThis.imageStudioResultsInMemory = 0;"

# name of each result file on disk, by folder (this tab's folder is the one whose lock is held)
LIST_DISK = """async () => {
  const root = await navigator.storage.getDirectory();
  const out = {};
  let results;
  try { results = await root.getDirectoryHandle("image-studio-results"); } catch { return out; }
  for await (const [name, dir] of results.entries()) {
    out[name] = [];
    for await (const file of dir.keys()) out[name].push(file);
  }
  return out;
}"""


def open_page(context, base_url):
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    page.add_init_script(ALL_TO_DISK)
    page.goto(base_url)
    wait_engine_ready(page)
    return page


def on_disk(page) -> dict:
    return page.evaluate(LIST_DISK)


def test_results_on_disk_download_zip_and_go_away(context, base_url, tmp_path):
    page = open_page(context, base_url)
    photos = {"IMG_0001.jpg": gps_photo((64, 48)), "IMG_0002.jpg": gps_photo((48, 64))}
    pick(page, tmp_path, photos)
    for name in photos:
        finished(page, name)
    folders = on_disk(page)
    assert len(folders) == 1 and sorted(next(iter(folders.values()))) == ["result-1", "result-2"]

    name, data = download_card(page, "IMG_0001.jpg")  # read back from disk
    assert name == "IMG_0001-clean.jpg"
    assert_no_private_metadata(data)
    assert image_of(data).size == (64, 48)
    _, archive = download(page, page.get_by_role("button", name="Download all (ZIP)"))
    with zipfile.ZipFile(io.BytesIO(archive)) as zipped:
        assert sorted(zipped.namelist()) == ["IMG_0001-clean.jpg", "IMG_0002-clean.jpg"]
        assert zipped.read("IMG_0001-clean.jpg") == data
        assert_no_private_metadata(zipped.read("IMG_0002-clean.jpg"))

    page.get_by_role("button", name="Remove IMG_0002.jpg", exact=True).click()
    page.wait_for_function(f"async () => JSON.stringify(await ({LIST_DISK})()).split('result-').length === 2")
    assert sorted(next(iter(on_disk(page).values()))) == ["result-1"]
    assert not page.errors


def test_a_closed_tabs_results_are_removed_at_the_next_start(context, base_url, tmp_path):
    first = open_page(context, base_url)
    pick(first, tmp_path, {"IMG_0003.jpg": gps_photo((32, 32))})
    finished(first, "IMG_0003.jpg")
    left = set(on_disk(first))
    # A crashed tab leaves its folder behind (closing one removes it, but a crash cannot).
    first.evaluate("""async () => {
      const results = await (await navigator.storage.getDirectory()).getDirectoryHandle("image-studio-results");
      await results.getDirectoryHandle("crashed-tab", { create: true });
    }""")
    first.close()
    second = open_page(context, base_url)
    pick(second, tmp_path, {"IMG_0004.jpg": gps_photo((32, 32))})
    finished(second, "IMG_0004.jpg")
    now = on_disk(second)
    assert "crashed-tab" not in now and not left & set(now)
    assert list(now.values()) == [["result-1"]]
