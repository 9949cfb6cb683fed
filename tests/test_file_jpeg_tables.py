"""JPEG structure as a hiding place: data after a scan with no end-of-image marker, tables no scan uses,
bytes past a header's fields. Each is reported, and the clean drops it without touching the picture."""

import io
import random

import pytest
from PIL import Image

from corpus import pixels
from imagestudio import api
from pictures import encoded, gps_photo


def photo(**options) -> bytes:
    im = Image.new("RGB", (64, 48))
    im.putdata([((x * 5) % 256, (y * 9) % 256, (x * y) % 256) for y in range(48) for x in range(64)])
    return encoded(im, "JPEG", quality=85, **options)


def clean(data: bytes, name: str = "t.jpg") -> dict:
    result = api.handle("clean", data, {}, name)
    assert result["ok"], result
    return result


def removed_keys(result: dict) -> set:
    return {f["key"] for f in result["report"]["removed"]}


def segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def insert_before(data: bytes, marker: int, extra: bytes) -> bytes:
    """`extra` put in front of the first segment with this marker."""
    at = data.index(bytes([0xFF, marker]))
    return data[:at] + extra + data[at:]


# --- item 1: no end-of-image marker --------------------------------------------------------------------------

@pytest.mark.parametrize("appended, key", [
    (gps_photo((32, 24)), "extra_image"),                                     # a second JPEG, GPS and all
    (b"\xff\x9fdear diary, the meeting is at noon", "trailing_data"),       # text behind a stray marker
])
def test_data_after_a_scan_without_an_end_marker_is_removed(appended, key):
    first = photo()
    assert first.endswith(b"\xff\xd9")
    data = first[:-2] + appended
    result = clean(data)
    out = result["data"]
    assert key in removed_keys(result)
    assert out == first  # the picture ends where its data ends; the clean adds the end marker back
    assert pixels(out) == pixels(first)
    assert any("no end-of-image marker" in n for n in result["report"]["notes"])


def test_appended_bytes_are_cut_at_the_first_marker_that_cannot_be_picture_data():
    """A video's first bytes hold no 0xFF: nothing tells them from picture data until its first marker-like pair."""
    first = photo()
    video = b"\x00\x00\x00\x18ftypmp42" + random.Random(3).randbytes(1 << 16)
    data = first[:-2] + video
    stray = next(i for i in range(len(first) - 2, len(data) - 1)
                 if data[i] == 0xFF and data[i + 1] not in (0x00, 0xFF, *range(0xD0, 0xD8)))
    result = clean(data)
    assert result["data"] == data[:stray] + b"\xff\xd9" and len(result["data"]) < len(first) + 1024
    assert "trailing_data" in removed_keys(result)
    assert pixels(result["data"]) == pixels(first)


def test_a_scan_that_runs_to_the_end_of_the_file_is_still_a_truncated_picture():
    first = photo()
    result = clean(first[:-200])
    assert any("truncated" in n for n in result["report"]["notes"])


def test_a_stray_marker_followed_by_another_scan_is_ambiguous_and_refused():
    first = photo(progressive=True)
    scan = first.index(b"\xff\xda")
    cut = scan + 20
    data = first[:cut] + b"\xff\x9fhidden" + first[cut:]
    result = api.handle("clean", data, {}, "odd.jpg")
    assert not result["ok"] and result["error"]["code"] == "corrupt"
    message = result["error"]["message"]
    assert message.startswith("odd.jpg: ") and "where the picture really ends cannot be told" in message


def test_progressive_scans_are_read_one_by_one_and_kept_as_they_are():
    data = photo(progressive=True)
    assert data.count(b"\xff\xda") > 1
    result = clean(data)
    assert result["data"] == data and result["report"]["removed"] == []


# --- item 4: tables no scan uses, bytes past a header's fields -----------------------------------------------

def test_a_quantisation_table_no_component_uses_is_dropped():
    base = photo()
    unused = segment(0xDB, bytes([0x03]) + b"SECRET-TABLE-DATA".ljust(64, b"!"))
    result = clean(insert_before(base, 0xDB, unused))
    assert "unused_table" in removed_keys(result)
    assert result["data"] == base and b"SECRET" not in result["data"]


def test_a_huffman_table_redefined_before_use_loses_its_first_definition():
    base = photo()
    counts = bytes([0, 1] + [0] * 14)
    early = segment(0xC4, bytes([0x00]) + counts + b"\x07")          # DC table 0, replaced before any scan
    spare = segment(0xC4, bytes([0x13]) + counts + b"\x2a")          # AC table 3: no scan selects it
    result = clean(insert_before(base, 0xC4, early + spare))
    assert "unused_table" in removed_keys(result)
    assert result["data"] == base


def test_bytes_past_a_frame_header_are_removed():
    base = photo()
    sof = base.index(b"\xff\xc0")
    length = int.from_bytes(base[sof + 2:sof + 4], "big")
    padded = (base[:sof + 2] + (length + 6).to_bytes(2, "big") + base[sof + 4:sof + 2 + length] + b"HIDDEN"
              + base[sof + 2 + length:])
    assert Image.open(io.BytesIO(padded)).size == (64, 48)
    result = clean(padded)
    assert "extra_data" in removed_keys(result) and result["data"] == base
