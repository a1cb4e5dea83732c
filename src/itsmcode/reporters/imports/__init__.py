"""``itsm import`` reporters by ``--format`` (docs/adoption.md describes both)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TextIO

from itsmcode.reporters.registry import FormatRegistry

if TYPE_CHECKING:
    from itsmcode.interop.plan import ImportPlan, Outcome

    #: (plan, outcomes, written?, stream)
    ImportReporter = Callable[[ImportPlan, list[Outcome], bool, TextIO], None]

#: Outcomes that mean an entity was not (or would not be) written.
REFUSED = ("exists", "invalid")

IMPORT_REPORTERS: FormatRegistry[ImportReporter] = FormatRegistry(
    {
        "text": "itsmcode.reporters.imports.text",
        "json": "itsmcode.reporters.imports.json_report",
    }
)
