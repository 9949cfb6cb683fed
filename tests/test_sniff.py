"""sniff: markup that people mistake for pictures (SVG, HTML, XML) is refused as "not a photo", by its bytes."""

import pytest

from imagestudio.errors import NotAnImage
from imagestudio.sniff import sniff

MARKUP = {
    "drawing.svg": (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', "an SVG drawing"),
    "bom.svg": (b'\xef\xbb\xbf  <?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', "an SVG drawing"),
    "page.jpg": (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "a web page (HTML)"),
    "feed.png": (b'<?xml version="1.0"?><rss/>', "an XML document"),
    "bare.gif": (b"\n<p onclick=alert(1)>hi", "a markup document"),
}


@pytest.mark.parametrize("name", MARKUP)
def test_markup_is_not_a_photo_whatever_its_name(name):
    data, kind = MARKUP[name]
    with pytest.raises(NotAnImage) as refused:
        sniff(data, name)
    assert refused.value.message.startswith(f"{name}: {kind}")
    assert "not a photo" in refused.value.message and "JPEG" in refused.value.message


def test_text_that_is_not_markup_keeps_the_plain_refusal():
    with pytest.raises(NotAnImage) as refused:
        sniff(b"just some notes", "notes.jpg")
    assert "not an image" in refused.value.message and "not a photo" not in refused.value.message
