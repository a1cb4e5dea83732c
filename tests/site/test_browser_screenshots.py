"""Screenshots of the index, a service page, the schedule (calendar) and the audit page,
written as test artifacts (test-artifacts/site/*.png, or $ITSM_TEST_ARTIFACTS/site) for a
person to look at; and the audit page printed, with its print stylesheet."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import pytest

from tests.site.browser import Browser
from tests.site.conftest import Site

SHOTS = {
    "index": "index.html",
    "service": "services/checkout-api.html",
    "schedule": "schedule.html",
    "audit": "audit.html",
}
WIDTH, HEIGHT = 1280, 800


def png(path: Path) -> tuple[int, int, int]:
    """Width, height and the number of distinct bytes in the image data (a blank page,
    one colour, has a handful)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", data[16:24])
    pixels, at = b"", 8
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind = data[at + 4 : at + 8]
        if kind == b"IDAT":
            pixels += data[at + 8 : at + 8 + length]
        at += 12 + length
    return width, height, len(set(zlib.decompress(pixels)))


@pytest.mark.parametrize(("name", "page"), SHOTS.items())
def test_screenshot(browser: Browser, site: Site, artifacts: Path, name: str, page: str) -> None:
    with browser.viewport(WIDTH, HEIGHT):
        visit = browser.visit(site.page(page))
        assert visit.problems == []
        # The first screen shows the page's heading: no banner pushes the content away.
        assert browser.script("return document.querySelector('h1').getBoundingClientRect().top") < (
            HEIGHT / 2
        )
        first = browser.screenshot(artifacts / f"{name}.png")
        whole = browser.screenshot(artifacts / f"{name}-page.png", height=4000)
    width, height, colours = png(first)
    assert (width, height) == (WIDTH, HEIGHT)
    assert colours > 50, f"{first} looks blank"
    width, height, _ = png(whole)
    assert width == WIDTH and height >= HEIGHT


NAV = "return Array.from(document.querySelectorAll('nav'), n => n.checkVisibility())"
MAIN = "return document.querySelector('main').checkVisibility()"


def test_the_audit_page_prints_without_navigation(
    browser: Browser, site: Site, artifacts: Path
) -> None:
    visit = browser.visit(site.page("audit.html"))
    assert visit.problems == []
    on_screen = browser.script(NAV)
    assert on_screen and all(on_screen), on_screen  # there is navigation to hide
    with browser.print_media():
        assert not any(browser.script(NAV))
        assert browser.script(MAIN)
        assert browser.script("return document.querySelector('main table').checkVisibility()")
        browser.screenshot(artifacts / "audit-print.png", height=4000)
    pdf = browser.print_pdf(artifacts / "audit.pdf").read_bytes()
    assert pdf.startswith(b"%PDF-")
    assert pdf.count(b"/Type /Page") >= 1
