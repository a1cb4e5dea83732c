"""The Jinja2 environment: autoescaped HTML, templates compiled once per build.

Autoescaping is on for every template (not only ``.html``): the YAML a repository holds
is text, and whatever it says (``<script>``, ``"><img onerror=...>``) must reach the page
as text. URLs from YAML (links, contacts) pass ``safe_url`` first, so a ``javascript:``
link is shown, never followed.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import jinja2
from markupsafe import Markup, escape

#: Schemes a link from YAML may have; anything else is shown as text.
_SAFE_SCHEMES = ("http://", "https://", "mailto:")
_CONTROL = re.compile(r"[\x00-\x20\x7f-\x9f]")


def safe_url(value: object) -> str | None:
    """``value`` if it is an http(s) or mailto URL, else None (shown as text)."""
    if not isinstance(value, str):
        return None
    # Browsers drop whitespace and control characters inside a scheme ("java\tscript:").
    squeezed = _CONTROL.sub("", value).lower()
    return value.strip() if squeezed.startswith(_SAFE_SCHEMES) else None


# The small pieces every page repeats, as Python rather than Jinja macros: a macro call
# costs more than the markup it makes, and a 10,000-service site makes a million of them.
# Each returns Markup with every value escaped.


@jinja2.pass_context
def link(context: Any, kind: str, name: str) -> Markup:
    """A link to an entity's page, or its name as text when the site has no such page."""
    target = context["site"].href(kind, name)
    if target is None:
        return escape(name)
    return Markup('<a href="%s%s">%s</a>') % (context["base"], target, name)


def status(word: str, kind: str = "") -> Markup:
    """A status word; its class colours it, the word says it (colour is never alone)."""
    return Markup('<span class="status status-%s">%s</span>') % (kind or word, word)


def tier(value: int | None) -> Markup:
    if value is None:
        return Markup('<span class="tier tier-none">tier ?</span>')
    return Markup('<span class="tier tier-%d">tier %d</span>') % (value, value)


_SEVERITY_ICONS = {"error": "\u2716", "warning": "\u25b2", "info": "\u2139"}


def severity(word: str) -> Markup:
    icon = _SEVERITY_ICONS.get(word, "\u2022")
    return Markup(
        '<span class="severity severity-%s"><span aria-hidden="true">%s</span> %s</span>'
    ) % (word, icon, word)


#: The site's navigation: (page, label); the header marks the current one.
NAV = (
    ("index.html", "Catalog"),
    ("schedule.html", "Schedule"),
    ("reports/sla.html", "SLA report"),
    ("reports/changes.html", "Changes report"),
    ("reports/problems.html", "Problems report"),
    ("audit.html", "Audit"),
    ("lint.html", "Lint"),
)
_NAV_PAGES = frozenset(page for page, _ in NAV)


@jinja2.pass_context
def cached(context: Any, key: str, template_name: str, **extra: Any) -> Markup:
    """A fragment that is the same on many pages (the header and footer, a team's card),
    rendered once per key and page depth. ``key`` must name everything the fragment
    shows besides ``base``; the header adds the current page when it is in the menu."""
    base = context["base"]
    if template_name == "_header.html" and context["path"] in _NAV_PAGES:
        key += ":" + context["path"]
    store: dict[tuple[str, str], Markup] = context.environment.fragments
    found = store.get((key, base))
    if found is None:
        template = context.environment.get_template(template_name)
        found = store[(key, base)] = Markup(template.render(context.get_all(), **extra))
    return found


def environment(zone: ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("itsmcode.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
        # The zone's abbreviation (CET, CEST, UTC) says which clock a time is on: the
        # organisation's, while the footer's build time is UTC.
        if value is None:
            return "\u2014"
        return value.astimezone(zone).strftime(fmt)

    def iso(value: datetime | None) -> str:
        return "" if value is None else value.isoformat()

    def duration(seconds: float | None) -> str:
        from itsmcode.reports.common import human

        return "\u2014" if seconds is None else human(abs(seconds))

    def when(value: datetime | None) -> Markup:
        if value is None:
            return Markup("\u2014")
        return Markup('<time datetime="%s">%s</time>') % (value.isoformat(), local(value))

    env.globals.update(
        {
            "link": link,
            "status": status,
            "tier": tier,
            "severity": severity,
            "when": when,
            "cached": cached,
            "nav": NAV,
        }
    )
    env.fragments = {}  # type: ignore[attr-defined]
    filters: dict[str, Any] = {
        "local": local,
        "iso": iso,
        "safe_url": safe_url,
        "duration": duration,
    }
    env.filters.update(filters)
    return env
