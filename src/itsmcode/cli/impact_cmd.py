"""``itsm impact SERVICE`` and ``itsm graph``: the service dependency graph."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.cli.snapshot import at_option, load_services
from itsmcode.errors import ConfigError
from itsmcode.reporters.graph import GRAPH_REPORTERS
from itsmcode.reporters.impact import IMPACT_REPORTERS

_no_cache = click.option(
    "--no-cache", is_flag=True, help="Neither read nor write the map in the lint cache."
)


@click.command()
@click.argument("service")
@repo_option
@at_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(IMPACT_REPORTERS.names),
    default="text",
    show_default=True,
    help="text, json, mermaid or dot.",
)
@_no_cache
def impact(service: str, repo: Path | None, at: str | None, fmt: str, no_cache: bool) -> None:
    """What breaks if SERVICE is down (its dependents) and what it needs (dependencies).

    Exit status: 0; 2 when SERVICE is not in the catalog, or another usage error.
    """
    from itsmcode.reports.impact import impact as compute

    services = load_services(resolve_root(repo), at, use_cache=not no_cache)
    IMPACT_REPORTERS[fmt](compute(services, service), sys.stdout)


@click.command()
@repo_option
@at_option
@click.option(
    "--service", metavar="NAME", default=None, help="Draw only this service's neighbourhood."
)
@click.option(
    "--depth",
    type=int,
    metavar="N",
    default=None,
    help="With --service: dependency steps to follow each way (default: all).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(GRAPH_REPORTERS.names),
    default="mermaid",
    show_default=True,
    help="mermaid or dot (Graphviz).",
)
@_no_cache
def graph(
    repo: Path | None,
    at: str | None,
    service: str | None,
    depth: int | None,
    fmt: str,
    no_cache: bool,
) -> None:
    """The catalog's dependency graph, coloured by tier; soft dependencies dashed.

    Exit status: 0; 2 for an unknown --service or another usage error.
    """
    from itsmcode.reports.graph import drawing, neighbourhood

    if depth is not None and service is None:
        raise ConfigError("--depth needs --service")
    if depth is not None and depth < 0:
        raise ConfigError(f"--depth {depth}: give 0 or more steps")
    services = load_services(resolve_root(repo), at, use_cache=not no_cache)
    picture = drawing(services) if service is None else neighbourhood(services, service, depth)
    GRAPH_REPORTERS[fmt](picture, sys.stdout)
