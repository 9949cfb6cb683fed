"""JPEG quantisation tables: scaled by quality the libjpeg way, smaller at equal SSIM, readable elsewhere."""

import io
import json
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image

from corpus import CORPUS, ROOT
from imagestudio import encode
from imagestudio.encode import jpeg_tables
from pictures import opened, photo

PHOTO = CORPUS / "ianare_exif-org_nikon-e950.jpg"   # an 800x600 camera photo
needs_photo = pytest.mark.skipif(not PHOTO.exists(), reason=f"no corpus photo at {PHOTO}")


def jpeg(image, quality, tables=jpeg_tables.JPEG_DEFAULT_TABLES, **options) -> bytes:
    return encode.save([image], encode.Settings("jpeg", quality, tables=tables, **options))


def rgb_ssim(a: Image.Image, b: Image.Image) -> float:
    """Wang et al. SSIM with a 7x7 uniform window, mean over R, G and B (so chroma counts), in float64."""
    def blur(m):
        c = np.cumsum(np.cumsum(np.pad(m, ((0, 0), (1, 0), (1, 0))), 1), 2)
        return (c[:, 7:, 7:] - c[:, :-7, 7:] - c[:, 7:, :-7] + c[:, :-7, :-7]) / 49
    x, y = (np.asarray(im.convert("RGB"), dtype=np.float64).transpose(2, 0, 1) for im in (a, b))
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mx, my = blur(x), blur(y)
    vx, vy, cxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    return float((((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx * mx + my * my + c1) * (vx + vy + c2))).mean())


@pytest.mark.parametrize("quality", [10, 50, 75, 95])
def test_annex_k_tables_are_exactly_pillows_default(quality):
    """Our scaling is libjpeg's jpeg_set_quality: the Annex K tables give Pillow's own file, byte for byte."""
    source = photo((96, 64))
    plain = io.BytesIO()
    source.save(plain, "JPEG", quality=quality, optimize=True, subsampling="4:2:0")
    assert jpeg(source, quality, "annex_k") == plain.getvalue()


def test_robidoux_at_75_is_what_mozjpeg_writes():
    """MozJPEG q75 (Squoosh's default) writes Robidoux's table at 50%: its first row is 8 8 8 9 13 19 28 43."""
    luma, chroma = jpeg_tables.jpeg_qtables("robidoux", 75)
    assert luma[:8] == [8, 8, 8, 9, 13, 19, 28, 43] and chroma == luma
    written = opened(jpeg(photo((64, 64)), 75, "robidoux")).quantization
    assert written[0] == luma and written[1] == chroma


@pytest.mark.parametrize("name", sorted(jpeg_tables.JPEG_TABLES))
def test_tables_stay_baseline_and_quality_orders_sizes(name):
    assert all(len(table) == 64 for table in jpeg_tables.JPEG_TABLES[name])
    assert all(v == 1 for t in jpeg_tables.jpeg_qtables(name, 100) for v in t)
    assert all(1 <= v <= 255 for t in jpeg_tables.jpeg_qtables(name, 1) for v in t)   # 8-bit tables: baseline
    source = photo((240, 180))
    sizes = [len(jpeg(source, q, name)) for q in (20, 40, 60, 80, 95)]
    assert sizes == sorted(sizes) and len(set(sizes)) == len(sizes)


def test_grayscale_gets_one_table():
    out = opened(jpeg(photo((64, 48)).convert("L"), 80))
    assert out.mode == "L" and list(out.quantization) == [0]


@needs_photo
def test_chosen_quality_tables_are_smaller_than_pillows_at_equal_ssim():
    """On a camera photo: the lowest quality whose RGB SSIM reaches Pillow's q75 file gives fewer bytes."""
    with Image.open(PHOTO) as im:
        source = im.convert("RGB")
    standard = jpeg(source, 75, "annex_k")
    target = rgb_ssim(source, opened(standard))
    tuned = next(data for q in range(40, 101)
                 if rgb_ssim(source, opened(data := jpeg(source, q, jpeg_tables.JPEG_CHOSEN_QUALITY_TABLES))) >= target)
    assert len(tuned) < 0.95 * len(standard)


NODE_DECODE = """
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import decode, { init } from "@jsquash/jpeg/decode.js";
const require = createRequire(import.meta.url);
const wasm = require.resolve("@jsquash/jpeg/codec/dec/mozjpeg_dec.wasm");
await init(await WebAssembly.compile(await readFile(wasm)));
const out = [];
for (const path of process.argv.slice(1)) {
  const image = await decode(await readFile(path));
  let sum = 0;
  for (let i = 0; i < image.data.length; i += 4) sum += image.data[i] + image.data[i + 1] + image.data[i + 2];
  out.push({ width: image.width, height: image.height, mean: sum / (3 * image.width * image.height) });
}
console.log(JSON.stringify(out));
"""


@pytest.mark.skipif(not shutil.which("node") or not (ROOT / "node_modules" / "@jsquash" / "jpeg").exists(),
                    reason="needs node and the @jsquash/jpeg devDependency")
@pytest.mark.parametrize("name", sorted(jpeg_tables.JPEG_TABLES))
def test_output_decodes_with_an_independent_decoder(name, tmp_path):
    """MozJPEG's decoder (wasm under Node) reads every table set, baseline and progressive, to the same picture."""
    source = photo((200, 150))
    paths = []
    for progressive in (False, True):
        path = tmp_path / f"{progressive}.jpg"
        path.write_bytes(jpeg(source, 70, name, progressive=progressive))
        paths.append(path)
    result = subprocess.run(["node", "--input-type=module", "-e", NODE_DECODE, *map(str, paths)], cwd=ROOT,
                            capture_output=True, text=True, check=True, timeout=60)
    for path, seen in zip(paths, json.loads(result.stdout)):
        ours = np.asarray(opened(path.read_bytes()).convert("RGB"), dtype=np.float64)
        assert (seen["width"], seen["height"]) == (200, 150)
        assert seen["mean"] == pytest.approx(ours.mean(), abs=0.5)


def _tables_of(data: bytes) -> list:
    return [list(opened(data).quantization[i]) for i in (0, 1)]


def test_a_quality_the_user_gives_means_what_it_means_in_libjpeg_and_a_chosen_one_uses_tuned_tables():
    from imagestudio import api

    encoded = io.BytesIO()
    photo((640, 480)).save(encoded, "JPEG", quality=95)
    fixed = api.handle("process", encoded.getvalue(), {"encode": {"format": "jpeg", "quality": 80}}, "a.jpg")
    plain = io.BytesIO()
    opened(encoded.getvalue()).save(plain, "JPEG", quality=80)
    assert _tables_of(fixed["data"]) == _tables_of(plain.getvalue())  # Pillow's (libjpeg's) own q80 tables

    auto = api.handle("process", encoded.getvalue(), {"encode": {"format": "jpeg", "auto_quality": "balanced"}},
                      "a.jpg")
    tuned = [jpeg_tables.jpeg_qtables(jpeg_tables.JPEG_CHOSEN_QUALITY_TABLES, q) for q in range(1, 101)]
    assert _tables_of(auto["data"]) in tuned
