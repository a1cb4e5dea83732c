"""runbook-link: the service links its runbook (a ``metadata.links`` entry whose title
contains ``title``, case-insensitively).

Passing::

    metadata: {links: [{title: Runbook, url: "https://wiki.acme.example/search/runbook"}]}

Failing::

    metadata: {links: [{title: Dashboard, url: "https://grafana.acme.example/d/search"}]}
    # no link titled like 'runbook' in metadata.links
"""

from __future__ import annotations

from pydantic import Field

from itsmcode.models import Service
from itsmcode.models.base import Strict
from itsmcode.score.checks.base import ScoreContext

ID = "runbook-link"


class Params(Strict):
    title: str = Field("runbook", min_length=1, description="Text the link's title contains.")


def check(service: Service, params: Params, context: ScoreContext) -> str | None:
    wanted = params.title.casefold()
    if any(wanted in link.title.casefold() for link in service.metadata.links):
        return None
    return f"no link titled like '{params.title}' in metadata.links: link the runbook"
