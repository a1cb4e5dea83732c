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


def environment(zone: ZoneInfo) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("itsmcode.site", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
    )

    def local(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
        if value is None:
            return "\u2014"
        return value.astimezone(zone).strftime(fmt)

    def iso(value: datetime | None) -> str:
        return "" if value is None else value.isoformat()

    def duration(seconds: float | None) -> str:
        from itsmcode.reports.common import human

        return "\u2014" if seconds is None else human(abs(seconds))

    filters: dict[str, Any] = {
        "local": local,
        "iso": iso,
        "safe_url": safe_url,
        "duration": duration,
    }
    env.filters.update(filters)
    return env
