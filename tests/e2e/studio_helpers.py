"""Helpers for the studio's end-to-end tests: photos made here, files in, downloads out."""

import base64
import io

import piexif
from PIL import Image

from pictures import GPS_LATLON, camera_photo, gps_photo  # noqa: F401 - re-exported for the e2e tests

photo = camera_photo  # the name test_security_recipe.py still imports

# Re-encoding a 12 MP photo with automatic quality takes seconds in wasm, more on a busy 2-core machine.
SLOW_MS = 120_000


def plain_png(size=(300, 200), color=(40, 120, 200)) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", size, color).save(buf, "PNG")
    return buf.getvalue()


def pick(page, tmp_path, files: dict[str, bytes], selector="#picker"):
    paths = []
    for name, data in files.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths.append(str(path))
    page.set_input_files(selector, paths)


def drop(page, files: dict[str, bytes], event="drop"):
    """A synthetic drop (or paste) carrying real File objects, as a browser sends them."""
    payload = [{"name": n, "b64": base64.b64encode(d).decode(), "type": mime_of(n)} for n, d in files.items()]
    page.evaluate("""([payload, kind]) => {
        const dt = new DataTransfer();
        for (const f of payload) {
            const bytes = Uint8Array.from(atob(f.b64), (c) => c.charCodeAt(0));
            dt.items.add(new File([bytes], f.name, { type: f.type }));
        }
        if (kind === "paste") {
            document.body.dispatchEvent(new ClipboardEvent("paste", { clipboardData: dt, bubbles: true }));
            return;
        }
        const target = document.getElementById("files");
        for (const type of ["dragenter", "dragover", "drop"]) {
            target.dispatchEvent(new DragEvent(type, { dataTransfer: dt, bubbles: true, cancelable: true }));
        }
    }""", [payload, event])


def mime_of(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower()
    return {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp"}.get(ext, "")


def card(page, name):
    return page.locator(".file", has_text=name)


def download(page, locator):
    """Click a link or button that saves a file; return (suggested name, bytes)."""
    with page.expect_download() as info:
        locator.click()
    d = info.value
    return d.suggested_filename, open(d.path(), "rb").read()


def finished(page, name):
    """The card once its result is made with the current recipe (not an older one)."""
    done = page.locator('.file[data-state="done"]:not(.stale)', has_text=name)
    done.wait_for(timeout=SLOW_MS)
    return done


def download_card(page, name):
    return download(page, finished(page, name).get_by_role("link", name="Download"))


def image_of(data: bytes) -> Image.Image:
    """The picture, read by native Pillow; an AVIF by pillow-heif (libheif with libaom), its format said as "AVIF"."""
    if data[4:12] == b"ftypavif":
        import pillow_heif

        im = pillow_heif.open_heif(io.BytesIO(data), convert_hdr_to_8bit=True).to_pillow()
        im.format = "AVIF"
        return im
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def assert_no_private_metadata(data: bytes):
    im = image_of(data)
    exif = im.getexif()
    assert not exif.get_ifd(0x8825), "GPS left in the output"
    assert 0x010F not in exif and 0x0110 not in exif, "camera make/model left in the output"
    assert b"SpyCam" not in data


def photo_with_hidden_thumbnail() -> bytes:
    """A JPEG whose EXIF carries a thumbnail that still shows what was cropped away (a red square)."""
    thumb = io.BytesIO()
    Image.new("RGB", (80, 60), (220, 0, 0)).save(thumb, "JPEG", quality=80)
    exif = piexif.dump({"0th": {piexif.ImageIFD.Make: b"SpyCam"},
                        "1st": {piexif.ImageIFD.JPEGInterchangeFormat: 0,
                                piexif.ImageIFD.JPEGInterchangeFormatLength: 0},
                        "thumbnail": thumb.getvalue()})
    buf = io.BytesIO()
    Image.new("RGB", (160, 120), (0, 90, 200)).save(buf, "JPEG", quality=90, exif=exif)
    return buf.getvalue()
