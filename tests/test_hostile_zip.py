"""Download all: the ZIP holds every successful file exactly once, whatever the names look like.

Names come from strangers' files: duplicates, case variants, folders, traversal, NUL and other control
characters, Unicode in two normal forms, absurd lengths. Each must give a ZIP whose entries extract to
distinct plain files, one per input, with the input's bytes; bad options are typed errors naming the ZIP.
"""

import io
import unicodedata
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from imagestudio import api
from test_hostile_inputs import check_result


def make(names, blobs=None):
    blobs = blobs if blobs is not None else [f"payload {i} of {n!r}".encode() for i, n in enumerate(names)]
    options = {"files": [{"name": n, "size": len(b)} for n, b in zip(names, blobs)]}
    return api.handle("zip", b"".join(blobs), options, "all.zip"), blobs


def entries(result) -> list[tuple[str, bytes]]:
    with zipfile.ZipFile(io.BytesIO(result["data"])) as z:
        assert z.testzip() is None
        return [(i.filename, z.read(i)) for i in z.infolist()]


def extracted_key(name: str) -> str:
    """Two names that land on the same file on a case-insensitive, normalisation-insensitive disk."""
    return unicodedata.normalize("NFC", name).lower()


def assert_each_once(names, blobs, result):
    assert result["ok"], result
    got = entries(result)
    assert len(got) == len(names), [n for n, _ in got]
    assert sorted(b for _, b in got) == sorted(blobs), "the ZIP does not hold each file exactly once"
    keys = [extracted_key(n) for n, _ in got]
    assert len(set(keys)) == len(keys), f"two entries extract to the same file: {[n for n, _ in got]}"
    for name, _ in got:
        assert name and "/" not in name and "\\" not in name and not name.startswith("."), name
        assert all(c.isprintable() for c in name), repr(name)
        assert len(name.encode()) < 1024, len(name)


HOSTILE_NAME_SETS = {
    "duplicates": ["IMG_0001-clean.jpg"] * 5,
    "case-variants": ["a.jpg", "A.JPG", "a-2.jpg", "a.jpg", "A-2.jpg"],
    "traversal": ["../../etc/passwd", "/abs/a.jpg", "C:\\Windows\\a.jpg", "..", ".", "", " ", "a/", ".bashrc"],
    "nul-and-control": ["a\x00.jpg", "a\x00.png", "b\r\n.jpg", "b.jpg", "c\x1b[31m.jpg"],
    "rtl-override": ["photo\u202egpj.exe", "photo\u202egpj.exe"],
    "unicode-forms": ["é.jpg", "e\u0301.jpg", "É.JPG"],
    "very-long": ["x" * 70_000 + ".jpg", "y" * 300 + ".jpg", "y" * 300 + ".jpg"],
}


@pytest.mark.parametrize("label", HOSTILE_NAME_SETS)
def test_zip_holds_every_file_once_with_plain_distinct_names(label):
    names = HOSTILE_NAME_SETS[label]
    result, blobs = make(names)
    assert_each_once(names, blobs, result)
    assert result["report"]["count"] == len(names)


def test_zip_of_real_results_keeps_their_bytes():
    from hostile_inputs import dirty_jpeg, dirty_png
    outputs = [api.handle("clean", d, {}, "same.jpg" if i < 2 else "other.png")
               for i, d in enumerate([dirty_jpeg(), dirty_jpeg((30, 30)), dirty_png()])]
    names, blobs = [o["name"] for o in outputs], [o["data"] for o in outputs]
    result, _ = make(names, blobs)
    assert_each_once(names, blobs, result)


@pytest.mark.parametrize("options,data", [
    ({"files": [{"name": "a.jpg", "size": 5}]}, b"1234"),
    ({"files": [{"name": "a.jpg", "size": 3}]}, b"1234"),
    ({"files": [{"name": "a.jpg", "size": -1}]}, b""),
    ({"files": [{"name": "a.jpg", "size": "4"}]}, b"1234"),
    ({"files": [{"name": "a.jpg", "size": True}]}, b"1"),
    ({"files": [{"name": 7, "size": 1}]}, b"1"),
    ({"files": [{"name": "a.jpg"}]}, b"1"),
    ({"files": []}, b""),
    ({"files": "a.jpg"}, b"1"),
    ({}, b"1"),
    ({"files": [{"name": "a.jpg", "size": 1}], "level": 9}, b"1"),
    ({"files": [{"name": "a.jpg", "size": 10 ** 30}]}, b"1"),
])
def test_zip_bad_options_are_typed_errors_naming_the_zip(options, data):
    result = api.handle("zip", data, options, "all.zip")
    check_result("zip", "all.zip", data, result)
    assert not result["ok"] and result["error"]["code"] == "bad_options", result


@settings(max_examples=60, deadline=None)
@given(files=st.lists(st.tuples(st.text(max_size=40), st.binary(max_size=40)), min_size=1, max_size=12))
def test_zip_property_every_file_exactly_once(files):
    names, blobs = [n for n, _ in files], [b for _, b in files]
    result, _ = make(names, blobs)
    assert_each_once(names, blobs, result)
