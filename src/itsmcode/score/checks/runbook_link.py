"""runbook-link: the service links its runbook (a ``metadata.links`` entry whose title
contains ``title``, case-insensitively).

Passing::

    metadata: {links: [{title: Runbook, url: "https://wiki.acme.example/search/runbook"}]}

Failing::

    metadata: {links: [{title: Dashboard, url: "https://grafana.acme.example/d/search"}]}
    # no link titled like 'runbook' in metadata.links
"""

from __future__ import annotations

from itsmcode.models import Service
from itsmcode.models.scorecard import RunbookParams as Params
from itsmcode.score.checks.base import ScoreContext

ID = "runbook-link"


def check(service: Service, params: Params, context: ScoreContext) -> str | None:
    wanted = params.title.casefold()
    if any(wanted in link.title.casefold() for link in service.metadata.links):
        return None
    return f"no link titled like '{params.title}' in metadata.links: link the runbook"
