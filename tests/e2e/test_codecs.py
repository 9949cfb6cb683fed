"""The page's WebAssembly codecs (issue 17): the Web preset writes AVIF (libavif), JPEG is MozJPEG's with the metadata
the recipe keeps, each checked by independent readers (pillow-heif, Pillow, exiftool); a changed codec file fails
that file with a sentence and the batch goes on, never falling back to another format."""

import base64
import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageOps, ImageStat

from conftest import wait_engine_ready
from corpus import exiftool_tags
from studio_helpers import download_card, pick

pillow_heif = pytest.importorskip("pillow_heif")
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
GPS_PHOTO = CORPUS / "ianare_gps_DSCN0010.jpg"              # GPS, camera, 640 x 480
TURNED = CORPUS / "ianare_orientation_landscape_6.jpg"       # EXIF orientation 6 and a colour profile
SLOW_MS = 180_000

# Each file through the engine in the page (the same worker the cards use), one after another.
_PROCESS = """async ([files, recipe]) => {
  const { EngineBridge } = await import("./app/bridge.js");
  const engine = new EngineBridge(undefined, { size: 1 });
  await new Promise((resolve) => engine.addEventListener("ready", resolve, { once: true }));
  const out = [];
  for (const [name, b64] of files) {
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const result = await engine.call("process", name, bytes.buffer, recipe);
    if (!result.ok) { out.push({ ok: false, error: result.error }); continue; }
    const data = new Uint8Array(result.data);
    let text = "";
    for (let i = 0; i < data.length; i += 8192) text += String.fromCharCode(...data.subarray(i, i + 8192));
    out.push({ ok: true, data: btoa(text), report: result.report });
  }
  return out;
}"""


def process_in_page(page, files: dict[str, bytes], recipe: dict) -> list[dict]:
    page.set_default_timeout(SLOW_MS)
    results = page.evaluate(_PROCESS, [[[n, base64.b64encode(d).decode()] for n, d in files.items()], recipe])
    for result in results:
        if result["ok"]:
            result["data"] = base64.b64decode(result["data"])
    return results


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return max(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean)


@pytest.mark.skipif(not GPS_PHOTO.exists(), reason="no corpus")
def test_the_web_preset_writes_an_avif_that_independent_readers_find_clean(page, tmp_path):
    wait_engine_ready(page)
    page.get_by_role("radio", name="Web").check()
    pick(page, tmp_path, {"harbour.jpg": GPS_PHOTO.read_bytes()})
    name, data = download_card(page, "harbour.jpg")
    assert name.endswith(".avif") and data[4:12] == b"ftypavif"
    out = pillow_heif.open_heif(io.BytesIO(data)).to_pillow()  # libheif with libaom's decoder, not the page's dav1d
    with Image.open(GPS_PHOTO) as original:
        assert out.size == original.size  # 640 px: under the preset's 1920
        assert mean_difference(out, original) < 6
    tags = exiftool_tags(data, tmp_path)
    assert tags["File:FileType"] == "AVIF"
    assert not [k for k in tags if k.startswith(("GPS", "IFD0", "ExifIFD", "XMP", "Composite:GPS"))], tags
    assert b"NIKON" not in data.upper()


@pytest.mark.skipif(not TURNED.exists(), reason="no corpus")
def test_jpeg_in_the_page_is_mozjpegs_upright_with_the_profile_the_recipe_keeps(page, tmp_path):
    wait_engine_ready(page)
    recipe = {"encode": {"format": "jpeg", "quality": 75}, "policy": {"keep_icc": True}}
    [result] = process_in_page(page, {"turned.jpg": TURNED.read_bytes()}, recipe)
    assert result["ok"], result
    assert result["report"]["operations"][-1]["detail"] == "JPEG (MozJPEG) quality 75"
    data = result["data"]
    with Image.open(io.BytesIO(data)) as out, Image.open(TURNED) as original:
        upright = ImageOps.exif_transpose(original)
        assert out.format == "JPEG" and out.size == upright.size != original.size
        assert out.info.get("progressive") or out.info.get("progression")  # MozJPEG's optimised scans
        assert out.info["icc_profile"][36:40] == b"acsp"  # the profile kept, as the recipe says
        assert mean_difference(out, upright) < 6
    tags = exiftool_tags(data, tmp_path)
    assert "IFD0:Orientation" not in tags  # baked into the pixels
    assert not [k for k in tags if k.startswith(("GPS", "ExifIFD", "XMP", "IFD0:Make", "IFD0:Model"))], tags


def test_a_changed_codec_file_fails_that_file_and_the_batch_goes_on(browser, base_url):
    context = browser.new_context(service_workers="block")  # so every request reaches the route below
    try:
        def changed(route):
            body = bytearray(route.fetch().body())
            body[len(body) // 2] ^= 0xFF
            route.fulfill(status=200, body=bytes(body), headers={"Content-Type": "application/wasm"})
        context.route("**/vendor/avif/avif_enc.wasm", changed)
        page = context.new_page()
        page.goto(base_url)
        wait_engine_ready(page)
        photo = io.BytesIO()
        Image.new("RGB", (64, 48), (200, 80, 20)).save(photo, "JPEG")
        first, second = process_in_page(page, {"a.jpg": photo.getvalue(), "b.jpg": photo.getvalue()},
                                        {"encode": {"format": "avif"}})
        for result, name in ((first, "a.jpg"), (second, "b.jpg")):  # tried again, refused again: no other format
            assert result["ok"] is False and result["error"]["code"] == "codec_failed"
            message = result["error"]["message"]
            assert message.startswith(f"{name}: the page's avif encoder could not be loaded")
            assert "vendor/avif/avif_enc.wasm" in message and "SHA-256" in message
        [png] = process_in_page(page, {"c.jpg": photo.getvalue()}, {"encode": {"format": "png"}})
        assert png["ok"] and png["data"][:4] == b"\x89PNG"
    finally:
        context.close()
