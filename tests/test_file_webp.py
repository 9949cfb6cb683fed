"""WebP: bytes after a picture's coded data inside its own chunk (VP8's last partition, a VP8L or alpha stream
runs to the chunk's end) are never decoded; the clean finds them by decoding, reports them and cuts them."""

import io

import pytest
from PIL import Image

from corpus import all_frames, corpus_files, needs_corpus
from imagestudio import api
from imagestudio.containers import webp, webp_tails

SECRET = b"Meet at the old bridge, 52.5163 13.3777"


def picture(mode: str = "RGB", size: tuple = (64, 48)) -> Image.Image:
    image = Image.new(mode, size)
    image.putdata([(x * 4 % 256, y * 5 % 256, (x * y) % 256, 255 - x)[:len(mode)] for y in range(size[1])
                   for x in range(size[0])])
    return image


def encoded(image: Image.Image, **options) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, "WEBP", **options)
    return buffer.getvalue()


def with_secret_inside(data: bytes, fourcc: bytes) -> bytes:
    """The file with SECRET appended to the payload of every `fourcc` chunk, at top level or in a frame."""
    parts, _end = webp.chunks(data)
    out = b""
    for kind, _s, _e, body in parts:
        body = bytes(body)
        if kind == fourcc:
            body += SECRET
        elif kind == b"ANMF":
            frame = body[:webp.ANMF_HEADER]
            for sub, at, _end in webp.frame_parts(body):
                payload = webp._sub_payload(body, at)
                frame += webp_tails.chunk(sub, payload + SECRET if sub == fourcc else payload)
            body = frame
        out += webp_tails.chunk(kind, body)
    return b"RIFF" + (len(out) + 4).to_bytes(4, "little") + b"WEBP" + out


def animation() -> bytes:
    frames = [picture("RGBA"), picture("RGBA").rotate(90)]
    buffer = io.BytesIO()
    frames[0].save(buffer, "WEBP", save_all=True, append_images=frames[1:], duration=80, quality=70)
    return buffer.getvalue()


CASES = {"lossy": (lambda: encoded(picture(), quality=80), b"VP8 "),
         "lossless": (lambda: encoded(picture(), lossless=True), b"VP8L"),
         "alpha": (lambda: encoded(picture("RGBA"), quality=80), b"ALPH"),
         "animation frame": (animation, b"VP8 ")}


@pytest.mark.parametrize("case", CASES)
def test_bytes_after_the_coded_data_are_reported_and_cut(case):
    make, fourcc = CASES[case]
    original = make()
    data = with_secret_inside(original, fourcc)
    assert SECRET in data and all_frames(data) == all_frames(original)  # decoders never read them
    found = api.handle("inspect", data, {}, "w.webp")["report"]["findings"]
    assert any(f["key"] == "extra_data" and int(f["value"].split()[0]) >= len(SECRET) for f in found)
    result = api.handle("clean", data, {}, "w.webp")
    assert result["ok"] and SECRET not in result["data"]
    assert "extra_data" in {f["key"] for f in result["report"]["removed"]}
    assert all_frames(result["data"]) == all_frames(original)


def test_an_encoders_own_flush_bytes_are_not_reported():
    data = encoded(picture(), quality=80)
    assert not any(f["key"] == "extra_data" for f in api.handle("inspect", data, {}, "w.webp")["report"]["findings"])
    assert api.handle("clean", data, {}, "w.webp")["data"] == data


def test_pictures_past_the_check_budget_are_left_with_a_note(monkeypatch):
    monkeypatch.setattr(webp_tails, "MAX_CHECK_PIXELS", 100)
    data = with_secret_inside(encoded(picture(), quality=80), b"VP8 ")
    result = api.handle("clean", data, {}, "w.webp")
    assert SECRET in result["data"]
    assert any("megapixels of pictures were checked" in n for n in result["report"]["notes"])


@needs_corpus(corpus_files(".webp"))
def test_corpus_webps_hold_nothing_after_their_coded_data(path):
    parts, _end = webp.chunks(path.read_bytes())
    assert webp._tails(parts) == ({}, True)
