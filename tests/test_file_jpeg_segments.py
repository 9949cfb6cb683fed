"""JPEG segment parsing as the lossless clean relies on it: marker-like bytes inside entropy-coded data,
segments hidden between progressive scans, and the check that a second clean pass changes nothing."""

import io

import pytest
from PIL import Image

from corpus import CORPUS, corpus_files, pixels
from imagestudio import api
from imagestudio.containers import jpeg, jpeg_markers
from imagestudio.policy import CleanPolicy

XMP = (jpeg_markers.XMP_ID + b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-'
       b'syntax-ns#"><rdf:Description xmlns:tiff="http://ns.adobe.com/tiff/1.0/" tiff:Make="SpyCam"/></rdf:RDF>'
       b'</x:xmpmeta>')
HIDDEN = [(0xFE, b"secret between the scans", "comment"), (0xE1, XMP, "make"), (0xEB, b"JP\x00\x11c2pa", "c2pa"),
          (0xEF, b"SpyVendor\x00serial 1234", "app15")]


def _noisy_jpeg(**options) -> bytes:
    """Noise at high quality: entropy-coded data full of 0xFF bytes (each stuffed as 0xFF00)."""
    image = Image.effect_noise((96, 64), 80).convert("RGB")
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=95, **options)
    return buf.getvalue()


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def test_stuffed_bytes_and_restart_markers_stay_inside_the_scan():
    data = _noisy_jpeg(restart_marker_blocks=1)
    parsed = jpeg.parse(data)
    markers = [s.marker for s in parsed.segments]
    assert markers.count(jpeg.SOS) == 1 and markers[-1] == jpeg.EOI and not parsed.truncated
    scan = parsed.segments[markers.index(jpeg.SOS)]
    body = data[scan.start:scan.end]
    assert body.count(b"\xff\x00") > 10 and sum(body.count(bytes([0xFF, 0xD0 + n])) for n in range(8)) > 10
    assert scan.end == parsed.segments[-1].start  # one scan, up to the end-of-image marker
    result = api.handle("clean", data, {}, "rst.jpg")
    assert result["ok"] and pixels(result["data"]) == pixels(data)


def _progressive_sources():
    yield "generated", _noisy_jpeg(progressive=True)
    for name in ("mat2_dirty.jpg", "ianare_tests_32-lens_data.jpeg"):
        if (CORPUS / name).exists():
            yield name, (CORPUS / name).read_bytes()


@pytest.mark.parametrize("marker,payload,key", HIDDEN, ids=[key for _m, _p, key in HIDDEN])
def test_segment_hidden_between_progressive_scans_is_found_and_removed(marker, payload, key):
    for source, data in _progressive_sources():
        scans = [s for s in jpeg.parse(data).segments if s.marker == jpeg.SOS]
        assert len(scans) > 2, source
        at = scans[1].end  # after the second scan's data, where the next marker starts
        dirty = data[:at] + _segment(marker, payload) + data[at:]
        found = api.handle("inspect", dirty, {}, "p.jpg")["report"]["findings"]
        assert any(f["key"] == key for f in found), (source, found)
        result = api.handle("clean", dirty, {}, "p.jpg")
        assert result["ok"], (source, result)
        assert payload not in result["data"]
        assert any(f["key"] == key for f in result["report"]["removed"])
        assert pixels(result["data"]) == pixels(dirty)


CORPUS_JPEGS = corpus_files(".jpg", ".jpeg")


@pytest.mark.skipif(not CORPUS_JPEGS, reason="no corpus")
@pytest.mark.parametrize("policy", [CleanPolicy(), CleanPolicy(keep_copyright=True),
                                    CleanPolicy(keep_icc=False, keep_orientation=False)], ids=["default", "copyright",
                                                                                               "nothing-kept"])
def test_clean_output_is_a_fixed_point(policy):
    """clean() stops when a pass over its output would change nothing; that check must agree with really
    building the second pass and comparing it."""
    cleaned = 0
    for path in CORPUS_JPEGS:
        try:
            out = jpeg.clean(path.read_bytes(), policy, path.name)
        except Exception:  # noqa: BLE001 - refused files are another test's business
            continue
        pieces = jpeg._kept_pieces(out, policy)
        again = b"".join(bytes(out[p.start:p.end]) if isinstance(p, jpeg.Segment) else p for p in pieces)
        assert again == out and jpeg._rebuilds(pieces, out), path.name
        assert jpeg.clean(out, policy) == out
        cleaned += 1
    assert cleaned > 20


def test_a_pass_that_changes_something_is_not_taken_for_a_fixed_point():
    out = jpeg.clean(_noisy_jpeg(exif=b"Exif\x00\x00" + bytes.fromhex("4949 2a00 0800 0000 0100 1201 0300 0100 "
                                                                       "0000 0600 0000 0000 0000")), CleanPolicy())
    pieces = jpeg._kept_pieces(out, CleanPolicy())
    assert jpeg._rebuilds(pieces, out)
    written = next(i for i, p in enumerate(pieces) if isinstance(p, bytes))  # the minimal EXIF with Orientation
    assert not jpeg._rebuilds(pieces[:written] + [pieces[written][:-1] + b"\x07"] + pieces[written + 1:], out)
    assert not jpeg._rebuilds(pieces[:written] + pieces[written + 1:], out)
    assert not jpeg._rebuilds(pieces[:-1], out)  # all but the end-of-image marker: a prefix is not the file
    shifted = [p for p in pieces if not isinstance(p, bytes)]  # kept segments, no longer at their own offsets
    assert not jpeg._rebuilds(shifted, out)
