"""The lossless size options in the page: offered natively (CLI) but not in the page yet, so the page shows them
switched off, saying why (they wait for the page's WebAssembly codec loader)."""

from conftest import wait_engine_ready


def test_lossless_options_are_shown_switched_off_with_the_reason(page):
    wait_engine_ready(page)
    shrink = page.get_by_label("Shrink losslessly", exact=True)
    assert shrink.is_visible() and shrink.is_disabled() and not shrink.is_checked()
    assert "Not available in the page yet" in page.locator(".unavailable", has=shrink).inner_text()
    page.get_by_label("Format", exact=True).select_option("png")
    page.locator("details.advanced summary").click()
    oxipng = page.get_by_label("OxiPNG (smaller PNG, slower)", exact=True)
    assert oxipng.is_visible() and oxipng.is_disabled()
    assert not page.errors
