"""``itsm risk CHANGE``: the risk a change's evidence says it has (docs/risk.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.cli.snapshot import at_option, load_catalog
from itsmcode.errors import ConfigError
from itsmcode.reporters.risk import RISK_REPORTERS


@click.command()
@click.argument("change")
@repo_option
@at_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(RISK_REPORTERS.names),
    default="text",
    show_default=True,
    help="text or json.",
)
def risk(change: str, repo: Path | None, at: str | None, fmt: str) -> None:
    """Score CHANGE's risk from the catalog: service tiers, blast radius, freezes,
    business hours, change failure rates, recent incidents, standard-change fit.

    Every factor shows its points and evidence; the total maps to low, medium or high
    (itsm.yaml spec.reports.risk). Exit status: 0; 2 when CHANGE is not a loadable
    change request, or another usage error.
    """
    from itsmcode.models import ChangeRequest
    from itsmcode.reports.risk import score
    from itsmcode.suggest import did_you_mean

    catalog = load_catalog(resolve_root(repo), at)
    found = [c for c in catalog.all(ChangeRequest) if c.name == change]
    if not found:
        names = {c.name for c in catalog.all(ChangeRequest)}
        broken = catalog.names("ChangeRequest") - names
        why = (
            "does not load; run 'itsm lint' to see why"
            if change in broken
            else f"is not in the catalog{did_you_mean(change, names)}"
        )
        raise ConfigError(f"change request '{change}' {why}")
    RISK_REPORTERS[fmt](score(catalog, found[0]), sys.stdout)
