"""description: the service says what it is (``metadata.description``).

Passing::

    metadata: {name: search, description: Product search for the web shop.}

Failing::

    metadata: {name: search}    # no description: say what the service does
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.score.checks.base import NoParams, ScoreContext

ID = "description"
Params = NoParams


def check(service: Service, params: NoParams, context: ScoreContext) -> str | None:
    if service.metadata.description and service.metadata.description.strip():
        return None
    return "no metadata.description: say in a sentence what the service does"
