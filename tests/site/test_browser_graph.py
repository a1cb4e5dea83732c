"""A service page's dependency graph: a node, with a link to its page, for each of the
service's neighbours as the catalog's YAML states them (read here, not by the site)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.site.browser import Browser
from tests.site.conftest import Example, Site

NODES = """
const svg = document.querySelector('svg#dependency-graph');
if (!svg) return null;
const box = svg.getBoundingClientRect();
return {
  svg: [box.width, box.height],
  nodes: Array.from(svg.querySelectorAll('g.node[data-node]'), g => {
    const r = g.getBoundingClientRect();
    const a = g.querySelector('a');
    const href = a && (a.getAttribute('href') || a.getAttribute('xlink:href'));
    return {
      name: g.dataset.node,
      size: [r.width, r.height],
      inside: r.left >= box.left - 1 && r.right <= box.right + 1
        && r.top >= box.top - 1 && r.bottom <= box.bottom + 1,
      link: href && new URL(href, location.href).href,
      label: g.textContent,
    };
  }),
};
"""


def busiest(example: Example) -> str:
    """The service with the most neighbours that has both dependencies and dependents."""
    both = [n for n in sorted(example.services) if example.depends_on(n) and example.dependents(n)]
    return max(both, key=lambda n: len(example.neighbours(n)))


def graph(browser: Browser, site: Site, name: str) -> dict[str, Any]:
    visit = browser.visit(site.page(f"services/{name}.html"))
    assert visit.problems == []
    drawn = browser.script(NODES)
    assert drawn is not None, f"services/{name}.html has no svg#dependency-graph"
    return dict(drawn)


def check(drawn: dict[str, Any], site: Site, name: str, neighbours: set[str]) -> None:
    assert min(drawn["svg"]) > 50, drawn["svg"]
    nodes = {n["name"]: n for n in drawn["nodes"]}
    assert neighbours | {name} <= set(nodes)
    for other in neighbours:
        node = nodes[other]
        assert min(node["size"]) > 0 and node["inside"], node
        assert other in node["label"], node
        assert node["link"] == site.page(f"services/{other}.html"), node


def test_the_graph_draws_every_neighbour_with_a_link(
    browser: Browser, site: Site, example: Example
) -> None:
    name = busiest(example)
    neighbours = example.neighbours(name)
    assert len(neighbours) >= 3
    check(graph(browser, site, name), site, name, neighbours)


@pytest.mark.parametrize("which", ["a leaf", "a root"])
def test_the_graph_of_a_service_at_the_edge(
    browser: Browser, site: Site, example: Example, which: str
) -> None:
    """A service nothing depends on, and one that depends on nothing: the other side only."""
    edge = example.depends_on if which == "a leaf" else example.dependents
    candidates = [n for n in sorted(example.services) if example.neighbours(n) and not edge(n)]
    name = candidates[0]
    check(graph(browser, site, name), site, name, example.neighbours(name))


def test_without_javascript_the_graph_still_shows(
    browser_without_js: Browser, site: Site, example: Example
) -> None:
    """Only the graph's interaction needs JavaScript; its picture is in the page."""
    name = busiest(example)
    check(graph(browser_without_js, site, name), site, name, example.neighbours(name))
