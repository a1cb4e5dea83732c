"""``itsm cab agenda`` reporters by ``--format`` (docs/cab.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.cab.agenda import Agenda

#: An agenda reporter writes one agenda to a stream.
AgendaReporter = Callable[["Agenda", TextIO], None]

AGENDA_REPORTERS: FormatRegistry[AgendaReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.cab.text",
        "markdown": "itsmcode.reporters.cab.markdown",
        "json": "itsmcode.reporters.cab.json_report",
    }
)
