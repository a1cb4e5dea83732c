"""The catalog index as a reader uses it: search, filters, sorting, the keyboard, and
the same table without JavaScript. Expected rows come from the catalog's YAML, read by
the test itself."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select

from tests.site.browser import Browser
from tests.site.conftest import Example, Site

# Each visible row's data attributes (a hidden row is filtered out).
VISIBLE = (
    "return Array.from(document.querySelectorAll('#catalog tr[data-service]'))"
    ".filter(r => r.checkVisibility()).map(r => Object.assign({}, r.dataset));"
)
# The attribute a filter narrows on, and where the catalog's YAML says it.
FILTERS: dict[str, Callable[[dict[str, Any]], str]] = {
    "tier": lambda doc: str(doc["spec"]["tier"]),
    "owner": lambda doc: doc["spec"]["owner"],
    "lifecycle": lambda doc: doc["spec"]["lifecycle"],
    "type": lambda doc: doc["spec"]["type"],
}


def visible(browser: Browser) -> list[dict[str, str]]:
    return list(browser.script(VISIBLE))


def names(rows: list[dict[str, str]]) -> set[str]:
    return {r["service"] for r in rows}


def settle(browser: Browser, check: Callable[[], bool], what: str) -> None:
    """Wait (up to 5 s) for the page's script to react to the input."""
    deadline = time.monotonic() + 5
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture
def index(browser: Browser, site: Site) -> Browser:
    visit = browser.visit(site.page("index.html"))
    assert visit.problems == []
    return browser


def search(browser: Browser, term: str) -> list[dict[str, str]]:
    box = browser.driver.find_element(By.ID, "search")
    box.clear()
    box.send_keys(term)
    everything = browser.script("return document.querySelectorAll('#catalog tr[data-service]')")
    settle(browser, lambda: len(visible(browser)) < len(everything), f"search {term!r}")
    return visible(browser)


def test_the_index_lists_every_service_with_its_attributes(
    index: Browser, example: Example
) -> None:
    rows = {r["service"]: r for r in visible(index)}
    assert set(rows) == set(example.services)
    for name, doc in example.services.items():
        shown = {key: rows[name][key] for key in FILTERS}
        assert shown == {key: read(doc) for key, read in FILTERS.items()}, name
    count = index.driver.find_element(By.ID, "result-count")
    assert count.get_attribute("aria-live") == "polite"
    assert str(len(example.services)) in count.text


def test_search_finds_a_service_by_name(index: Browser, example: Example) -> None:
    rows = search(index, "checkout")
    assert "checkout-api" in names(rows)
    assert all("checkout" in r["service"] or "checkout" in r["owner"] for r in rows), rows
    expected = {
        n for n, d in example.services.items() if "checkout" in n + " " + d["spec"]["owner"]
    }
    assert names(rows) == expected
    assert str(len(rows)) in index.driver.find_element(By.ID, "result-count").text


def test_search_finds_services_by_owner(index: Browser, example: Example) -> None:
    # An owner whose name is in no service name, so only the owner can match.
    owners = sorted({d["spec"]["owner"] for d in example.services.values()})
    owner = next(o for o in owners if not any(o in n for n in example.services))
    rows = search(index, owner)
    owned = {n for n, d in example.services.items() if d["spec"]["owner"] == owner}
    assert names(rows) == owned
    assert {r["owner"] for r in rows} == {owner}


@pytest.mark.parametrize("attribute", sorted(FILTERS))
def test_each_filter_narrows_the_index(index: Browser, example: Example, attribute: str) -> None:
    select = Select(index.driver.find_element(By.ID, f"filter-{attribute}"))
    values = [o.get_attribute("value") for o in select.options if o.get_attribute("value")]
    read = FILTERS[attribute]
    assert set(values) == {read(d) for d in example.services.values()}
    # The rarest value: the narrowing is plain to see.
    value = min(values, key=lambda v: sum(read(d) == v for d in example.services.values()))
    select.select_by_value(value)
    settle(index, lambda: len(visible(index)) < len(example.services), f"filter-{attribute}")
    rows = visible(index)
    assert {r[attribute] for r in rows} == {value}
    assert names(rows) == {n for n, d in example.services.items() if read(d) == value}
    select.select_by_value("")
    settle(index, lambda: len(visible(index)) == len(example.services), "the filter's reset")


@pytest.mark.parametrize(
    ("headers", "attribute"), [(("Tier",), "tier"), (("Service", "Name"), "service")]
)
def test_sorting_by_a_column_orders_rows_and_says_so(
    index: Browser, headers: tuple[str, ...], attribute: str
) -> None:
    def key(row: dict[str, str]) -> Any:
        return int(row[attribute]) if attribute == "tier" else row[attribute].casefold()

    sortable = index.driver.find_elements(By.CSS_SELECTOR, "#catalog th[aria-sort]")
    [th] = [h for h in sortable if h.text.strip().startswith(headers)]
    header = th.text.strip()
    for by_keyboard in (False, True):  # once each way: a click, then Enter on the button
        before = th.get_attribute("aria-sort")
        button = th.find_element(By.TAG_NAME, "button")
        if by_keyboard:
            button.send_keys(Keys.ENTER)
        else:
            button.click()
        settle(index, lambda b=before: th.get_attribute("aria-sort") != b, f"sort by {header}")
        direction = th.get_attribute("aria-sort")
        assert direction in {"ascending", "descending"}
        keys = [key(r) for r in visible(index)]
        assert keys == sorted(keys, reverse=direction == "descending"), (direction, keys)
        others = {h.text.strip(): h.get_attribute("aria-sort") for h in sortable if h != th}
        assert set(others.values()) <= {"none"}, others
    assert len(set(keys)) > 1


def test_tab_reaches_the_skip_link_then_the_search_box(index: Browser) -> None:
    keys = ActionChains(index.driver)
    keys.send_keys(Keys.TAB).perform()
    skip = index.driver.switch_to.active_element
    href = skip.get_attribute("href") or ""
    assert skip.tag_name == "a" and "#" in href, skip.get_attribute("outerHTML")
    target_id = href.split("#", 1)[1]
    target = index.driver.find_element(By.ID, target_id)
    assert skip.is_displayed()  # a hidden-until-focused skip link shows when focused
    skip.send_keys(Keys.ENTER)
    settle(index, lambda: index.script("return location.hash") == f"#{target_id}", "the skip")
    keys.send_keys(Keys.TAB).perform()
    landed = index.driver.switch_to.active_element
    # The next Tab continues from the target: inside it or after it, past the navigation.
    assert index.script(
        "const [t, a] = arguments, after = Node.DOCUMENT_POSITION_FOLLOWING;"
        "return t.contains(a) || !!(t.compareDocumentPosition(a) & after);",
        target,
        landed,
    ), landed.get_attribute("outerHTML")

    index.driver.refresh()
    for _ in range(30):
        ActionChains(index.driver).send_keys(Keys.TAB).perform()
        if index.driver.switch_to.active_element.get_attribute("id") == "search":
            break
    else:
        raise AssertionError("30 presses of Tab never reached the search box")


def test_without_javascript_the_whole_table_shows(
    browser_without_js: Browser, site: Site, example: Example
) -> None:
    visit = browser_without_js.visit(site.page("index.html"))
    assert visit.problems == []
    assert names(visible(browser_without_js)) == set(example.services)
    assert browser_without_js.script("return document.querySelector('#catalog').checkVisibility()")
