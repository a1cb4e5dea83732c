"""The harness itself: a page that breaks each promise is caught, with the reason shown
(so a clean crawl of the site means something)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.site.browser import Browser, same_site, unavailable

BROKEN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>broken</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="assets/missing.css"></head>
<body><main><h1>broken</h1>
<img alt="remote" src="http://tracker.invalid/pixel.png">
<script>console.error("boom from the page"); undefinedFunction();</script>
</main></body></html>
"""

CLEAN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>clean</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="style.css"></head>
<body><main><h1>clean</h1><img alt="dot" src="data:image/gif;base64,R0lGODlhAQABAAAAACw="></main>
</body></html>
"""


def test_a_broken_page_is_caught_with_each_reason(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "broken.html").write_text(BROKEN, encoding="utf-8")
    visit = browser.visit((tmp_path / "broken.html").as_uri())
    problems = "\n".join(visit.problems)
    assert "boom from the page" in problems
    assert "undefinedFunction is not defined" in problems
    assert "failed request: " in problems and "assets/missing.css" in problems
    assert "request outside the site: http://tracker.invalid/pixel.png" in problems


def test_a_clean_page_has_no_problems(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "clean.html").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "style.css").write_text("h1 { color: #222; }\n", encoding="utf-8")
    visit = browser.visit((tmp_path / "clean.html").as_uri())
    assert visit.problems == []


def test_same_site_is_scheme_and_host() -> None:
    page = "http://127.0.0.1:8000/index.html"
    assert same_site(page, "http://127.0.0.1:8000/assets/site.css")
    assert same_site(page, "data:image/png;base64,AAAA")
    assert not same_site(page, "http://127.0.0.1:8001/x.js")
    assert not same_site(page, "https://127.0.0.1:8000/x.js")
    assert not same_site(page, "http://cdn.example/x.js")
    assert same_site("file:///tmp/site/index.html", "file:///tmp/site/assets/a.css")
    assert not same_site("file:///tmp/site/index.html", "http://127.0.0.1/a.css")


SCRIPTED = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>scripted</title><link rel="icon" href="data:,">
</head><body><p id="text">static</p><noscript><p id="fallback">no script</p></noscript>
<script>document.getElementById("text").textContent = "scripted";</script></body></html>
"""


def test_the_second_browser_runs_no_page_script(
    browser: Browser, browser_without_js: Browser, tmp_path: Path
) -> None:
    (tmp_path / "scripted.html").write_text(SCRIPTED, encoding="utf-8")
    page = (tmp_path / "scripted.html").as_uri()
    assert browser.visit(page).problems == []
    assert browser.script("return document.getElementById('text').textContent") == "scripted"
    assert browser_without_js.visit(page).problems == []
    assert browser_without_js.script("return document.getElementById('text').textContent") == (
        "static"
    )
    assert browser_without_js.script("return document.getElementById('fallback').checkVisibility()")


INACCESSIBLE = """<!doctype html>
<html><head><meta charset="utf-8"><link rel="icon" href="data:,"></head>
<body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw="><button></button></body></html>
"""


def test_axe_reports_serious_and_critical_violations(browser: Browser, tmp_path: Path) -> None:
    (tmp_path / "inaccessible.html").write_text(INACCESSIBLE, encoding="utf-8")
    assert browser.visit((tmp_path / "inaccessible.html").as_uri()).problems == []
    found = "\n".join(browser.axe())
    assert "image-alt (critical)" in found
    assert "button-name (critical)" in found
    assert "html-has-lang (serious)" in found


def test_a_missing_browser_fails_in_ci_and_skips_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"no chromium \(CI=true"):
        unavailable("no chromium")
    monkeypatch.delenv("CI")
    with pytest.raises(pytest.skip.Exception, match="no chromium"):
        unavailable("no chromium")
