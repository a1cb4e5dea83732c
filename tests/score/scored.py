"""A repository with services planted at each level boundary of a scorecard; every
expected value in the tests is worked out by hand from the files here (see comments)."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from tests.helpers import run_cli

CONFIG = """\
apiVersion: itsmcode/v1
kind: Config
metadata: {name: score-org}
spec:
  timezone: UTC
  practices: [catalog, sla, change, incident, problem, scorecard]
"""

#: bronze: description, owner-oncall; silver: sla-present, runbook-link; gold:
#: sla-attainment (at least 90% over 30 days), dependencies-live.
BASICS = """\
apiVersion: itsmcode/v1
kind: Scorecard
metadata: {name: basics}
spec:
  levels:
    - name: bronze
      checks: [{check: description}, {check: owner-oncall}]
    - name: silver
      checks: [{check: sla-present}, {check: runbook-link}]
    - name: gold
      checks:
        - check: sla-attainment
          with: {min: 90, window: 30d}
        - check: dependencies-live
  targets:
    - {tiers: [1], level: silver, by: 2020-01-01}
    - {level: bronze, by: 2999-12-31}
"""

#: Only business services labelled domain: shop.
SHOP = """\
apiVersion: itsmcode/v1
kind: Scorecard
metadata: {name: shop}
spec:
  selector: {types: [business], labels: {domain: shop}}
  levels:
    - name: listed
      checks: [{check: description}]
"""

GOLD = """\
apiVersion: itsmcode/v1
kind: SLA
metadata: {name: gold}
spec:
  availability: {target: 99.95, window: 30d}
  targets:
    P1: {response: 15m, resolution: 4h}
"""


def team(name: str, oncall: bool) -> str:
    contact = '\n  contact: {oncall: "https://pager.example/' + name + '"}' if oncall else ""
    return (
        f"apiVersion: itsmcode/v1\nkind: Team\nmetadata: {{name: {name}}}\nspec:\n"
        f"  members: [{{github: {name}-lead}}]{contact}\n"
    )


def service(
    name: str,
    *,
    owner: str = "ops",
    tier: int = 3,
    type: str = "technical",
    lifecycle: str = "live",
    description: bool = True,
    runbook: bool = False,
    labels: str = "{}",
    spec: str = "",
) -> str:
    meta = f"  name: {name}\n  labels: {labels}\n"
    if description:
        meta += f"  description: The {name} service.\n"
    if runbook:
        meta += f'  links: [{{title: Runbook, url: "https://wiki.example/{name}"}}]\n'
    return (
        f"apiVersion: itsmcode/v1\nkind: Service\nmetadata:\n{meta}spec:\n"
        f"  type: {type}\n  tier: {tier}\n  lifecycle: {lifecycle}\n  owner: {owner}\n" + spec
    )


def incident(name: str, service_name: str, opened: datetime, resolved_after: timedelta) -> str:
    """A P1 incident answered after 5 minutes, resolved after ``resolved_after``."""

    def ts(at: datetime) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    return (
        f"apiVersion: itsmcode/v1\nkind: Incident\nmetadata: {{name: {name}}}\nspec:\n"
        f"  services: [{service_name}]\n  priority: P1\n"
        f'  openedAt: "{ts(opened)}"\n'
        f'  respondedAt: "{ts(opened + timedelta(minutes=5))}"\n'
        f'  resolvedAt: "{ts(opened + resolved_after)}"\n'
    )


def planted(now: datetime) -> dict[str, str]:
    files = {
        "itsm.yaml": CONFIG,
        "processes/scorecards/basics.yaml": BASICS,
        "processes/scorecards/shop.yaml": SHOP,
        "catalog/slas/gold.yaml": GOLD,
        "catalog/teams/ops.yaml": team("ops", oncall=True),
        "catalog/teams/quiet.yaml": team("quiet", oncall=False),
        # Passes silver's and gold's checks, fails bronze's owner-oncall: no level at all.
        "catalog/services/a-none.yaml": service(
            "a-none", owner="quiet", runbook=True, spec="  sla: gold\n"
        ),
        # Bronze; tier 1, so the silver target (by 2020-01-01) is late because of it.
        "catalog/services/b-bronze.yaml": service("b-bronze", tier=1),
        # Silver: gold's dependencies-live fails (f-deprecated is deprecated).
        "catalog/services/c-silver.yaml": service(
            "c-silver",
            tier=1,
            runbook=True,
            spec="  sla: gold\n  dependsOn: [{service: f-deprecated, type: soft}]\n",
        ),
        # Gold: 9 of 10 incidents within the SLA is 90%, exactly the minimum.
        "catalog/services/d-gold.yaml": service(
            "d-gold", tier=1, runbook=True, spec="  sla: gold\n"
        ),
        # Silver: 1 of 2 incidents within the SLA, 50%.
        "catalog/services/e-attain.yaml": service(
            "e-attain", tier=1, runbook=True, spec="  sla: gold\n"
        ),
        # No description: no level; also fails both silver checks.
        "catalog/services/f-deprecated.yaml": service(
            "f-deprecated", lifecycle="deprecated", description=False
        ),
        # Retired services are never scored.
        "catalog/services/g-retired.yaml": service("g-retired", lifecycle="retired"),
        # Scored by both scorecards: bronze on basics, listed on shop.
        "catalog/services/h-shop.yaml": service("h-shop", type="business", labels="{domain: shop}"),
        # A business service of another domain: not selected by shop.
        "catalog/services/i-other.yaml": service(
            "i-other", type="business", labels="{domain: other}", owner="quiet"
        ),
    }
    day = now - timedelta(days=3)
    for i in range(10):
        late = i == 0  # resolved after 5 h against a 4 h target
        files[f"incidents/inc-d{i}.yaml"] = incident(
            f"inc-d{i}", "d-gold", day - timedelta(hours=6 * i), timedelta(hours=5 if late else 1)
        )
    files["incidents/inc-e0.yaml"] = incident("inc-e0", "e-attain", day, timedelta(hours=1))
    files["incidents/inc-e1.yaml"] = incident("inc-e1", "e-attain", day, timedelta(hours=5))
    # 40 days ago: outside the 30-day window, so it does not count against d-gold.
    files["incidents/inc-old.yaml"] = incident(
        "inc-old", "d-gold", now - timedelta(days=40), timedelta(hours=9)
    )
    return files


def make_repo(root: Path, files: dict[str, str] | None = None) -> Path:
    now = datetime.now(timezone.utc).replace(microsecond=0)
    for path, text in {**planted(now), **(files or {})}.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    return root


def score_json(root: Path, *args: str, code: int = 0) -> dict[str, Any]:
    result = run_cli(["score", *args, "--format", "json", "--repo", str(root)])
    assert result.exit_code == code, result.output
    parsed: dict[str, Any] = json.loads(result.stdout)
    return parsed
