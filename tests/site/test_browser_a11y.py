"""axe-core (npm, tests/site/package.json) injected into the built pages: no serious or
critical accessibility violation on any kind of page."""

from __future__ import annotations

import pytest

from tests.site.browser import Browser
from tests.site.conftest import Site

PAGES = (
    "index.html",
    "services/checkout-api.html",
    "teams/payments.html",
    "slas/gold.html",
    "calendars/change-freezes.html",
    "changes/chg-2026-0043.html",
    "schedule.html",
    "reports/sla.html",
    "reports/changes.html",
    "reports/problems.html",
    "audit.html",
    "lint.html",
)


@pytest.mark.parametrize("page", PAGES)
def test_no_serious_or_critical_accessibility_violation(
    browser: Browser, site: Site, page: str
) -> None:
    visit = browser.visit(site.page(page))
    assert visit.status == 200, page
    assert visit.problems == []
    assert browser.axe() == []
