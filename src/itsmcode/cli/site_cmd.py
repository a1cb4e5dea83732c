"""``itsm site build``: a static website of the repository (docs/site.md)."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import click

from itsmcode.cli.options import repo_option, resolve_root
from itsmcode.cli.snapshot import at_option


@click.group()
def site() -> None:
    """A static, self-contained website of the catalog, changes, reports and audit."""


@site.command("build")
@repo_option
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    metavar="DIR",
    default=Path("_site"),
    show_default=True,
    help="Directory to write the site into; replaced as a whole when the build succeeds.",
)
@at_option
@click.option(
    "--force",
    is_flag=True,
    help="Replace --out even when it is not empty and is not a previous site build.",
)
@click.option("--no-cache", is_flag=True, help="Neither read nor write the lint cache.")
def build(repo: Path | None, out: Path, at: str | None, force: bool, no_cache: bool) -> None:
    """Build the site: the catalog with search and filters, a page per service, team,
    SLA, calendar and change, the schedule of change, the reports, the audit and lint.

    No request leaves the pages (the CSS and JavaScript are in the site); open
    index.html from disk or publish the directory. Exit status: 0 built, 2 usage,
    configuration or git error (the previous site is left as it was), 3 an internal bug.
    """
    from itsmcode.site.build import build_site

    root = resolve_root(repo)
    now = datetime.now(timezone.utc).replace(microsecond=0)
    built = build_site(root, out, at=at, force=force, now=now, use_cache=not no_cache)
    state = ""
    if built.commit is None:
        state = " from a plain directory (no git history)"
    else:
        state = f" from {built.commit[:12]}" + (" with uncommitted changes" if built.dirty else "")
    click.echo(f"itsm: wrote {built.pages} pages{state} to {built.out}/index.html")
