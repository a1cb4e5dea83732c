"""``itsm calendar`` reporters by ``--format`` (docs/calendar.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.reports.calendar import Schedule

#: A calendar reporter writes one schedule to a stream.
CalendarReporter = Callable[["Schedule", TextIO], None]

CALENDAR_REPORTERS: FormatRegistry[CalendarReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.calendar.text",
        "markdown": "itsmcode.reporters.calendar.markdown",
        "json": "itsmcode.reporters.calendar.json_report",
        "ics": "itsmcode.reporters.calendar.ics",
    }
)
