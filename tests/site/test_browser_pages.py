"""Every page of the example organisation's site, reached by crawling from index.html:
each loads with no console error and no failed or off-site request, every internal link
and anchor resolves, and every page says which commit it was built from. One page again
from file:// (an auditor opening a clone's build without a server)."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote, urlsplit

import pytest

from tests.site.browser import Browser, Visit
from tests.site.conftest import Example, Site

# Resolved against the page (an SVG link's href is not a string: read the attribute).
LINKS = (
    "return Array.from(document.querySelectorAll('a[href]'),"
    " a => new URL(a.getAttribute('href'), document.baseURI).href)"
)
IDS = (
    "return Array.from(document.querySelectorAll('[id]'), e => e.id)"
    ".concat(Array.from(document.querySelectorAll('a[name]'), a => a.name))"
)
BUILT = (
    "const from = document.querySelector('#built-from[data-commit]');"
    "const at = document.querySelector('time#built-at');"
    "return [from && from.dataset.commit, at && at.getAttribute('datetime')];"
)


@dataclass
class Crawl:
    """What a reader clicking through the whole site meets."""

    visits: dict[str, Visit] = field(default_factory=dict)
    ids: dict[str, set[str]] = field(default_factory=dict)
    built: dict[str, list[str | None]] = field(default_factory=dict)
    # (page the link is on, target page, fragment)
    anchors: list[tuple[str, str, str]] = field(default_factory=list)
    # (page the link is on, target) for internal links to files that are not pages
    files: list[tuple[str, str]] = field(default_factory=list)


def is_page(url: str) -> bool:
    path = urlsplit(url).path
    return path.endswith((".html", "/"))


def crawl(browser: Browser, site: Site) -> Crawl:
    """Breadth first from index.html, following every link that stays on the site."""
    start = site.page("index.html")
    found = Crawl()
    queue, seen = deque([start]), {start}
    while queue:
        url = queue.popleft()
        found.visits[url] = browser.visit(url)
        found.ids[url] = set(browser.script(IDS))
        found.built[url] = browser.script(BUILT)
        for link in browser.script(LINKS):
            if not link.startswith(site.url + "/"):
                continue  # mailto:, runbooks and repositories elsewhere: not the site's
            target, _, fragment = link.partition("#")
            if fragment:
                found.anchors.append((url, target, unquote(fragment)))
            if not is_page(target):
                found.files.append((url, target))
            elif target not in seen:
                seen.add(target)
                queue.append(target)
    return found


@pytest.fixture(scope="module")
def crawled(browser: Browser, site: Site) -> Crawl:
    return crawl(browser, site)


def relative(site: Site, url: str) -> str:
    return url.removeprefix(site.url + "/")


def test_every_page_loads_without_console_errors_or_failed_requests(
    crawled: Crawl, site: Site
) -> None:
    problems = {relative(site, u): v.problems for u, v in crawled.visits.items() if v.problems}
    assert problems == {}
    assert len(crawled.visits) > 20


def test_no_broken_internal_link(crawled: Crawl, site: Site) -> None:
    broken = {relative(site, u): v.status for u, v in crawled.visits.items() if v.status != 200}
    assert broken == {}
    missing = [
        (relative(site, page), relative(site, target))
        for page, target in crawled.files
        if not (site.root / unquote(urlsplit(target).path).lstrip("/")).is_file()
    ]
    assert missing == []


def test_every_anchor_exists_on_its_page(crawled: Crawl, site: Site) -> None:
    dangling = [
        (relative(site, page), f"{relative(site, target)}#{fragment}")
        for page, target, fragment in crawled.anchors
        if fragment not in crawled.ids.get(target, set())
    ]
    assert dangling == []


def test_the_crawl_reaches_every_page_of_the_contract(
    crawled: Crawl, site: Site, example: Example
) -> None:
    reached = {relative(site, u) for u in crawled.visits}
    expected = {f"services/{name}.html" for name in example.services} | {
        "index.html",
        "schedule.html",
        "reports/sla.html",
        "reports/changes.html",
        "reports/problems.html",
        "audit.html",
        "lint.html",
    }
    for folder, names in example.others.items():
        expected |= {f"{folder}/{name}.html" for name in names}
    assert expected - reached == set()
    # No page is built that no link leads to (it would be tested by nothing, read by no one).
    built = {str(p.relative_to(site.root)) for p in site.root.rglob("*.html")}
    assert built - reached == set()


def test_every_page_says_which_commit_it_was_built_from_and_when(
    crawled: Crawl, site: Site
) -> None:
    wrong = {
        relative(site, u): built for u, built in crawled.built.items() if built[0] != site.commit
    }
    assert wrong == {}
    for url, (_, at) in crawled.built.items():
        assert at is not None, url
        assert datetime.fromisoformat(at.replace("Z", "+00:00")).tzinfo is not None, (url, at)


def test_the_site_works_from_file_urls(browser: Browser, site: Site, example: Example) -> None:
    """An auditor opens the build from disk: relative links, nothing fetched from a server."""
    index = (site.root / "index.html").as_uri()
    visit = browser.visit(index)
    assert visit.problems == []
    rows = browser.script("return document.querySelectorAll('#catalog tr[data-service]').length")
    assert rows == len(example.services)
    link = browser.script(
        "return document.querySelector('#catalog tr[data-service=\"checkout-api\"] a[href]').href"
    )
    assert link == (site.root / "services" / "checkout-api.html").as_uri()
    assert browser.visit(link).problems == []
    assert browser.script("return document.querySelector('h1').textContent")
