"""``itsm cache info|clear``: the lint cache (``lint/cache.py``)."""

from __future__ import annotations

import click


@click.group()
def cache() -> None:
    """Inspect or clear the lint cache ($XDG_CACHE_HOME/itsmcode)."""


@cache.command()
def info() -> None:
    """Where the cache is, and how much it holds."""
    from itsmcode.lint.cache import cache_root, code_fingerprint
    from itsmcode.lint.cache import info as cache_info

    click.echo(f"cache folder: {cache_root()}")
    found = cache_info()
    if not found:
        click.echo("empty")
    current = f"lint-{code_fingerprint()[:16]}.sqlite"
    for entry in found:
        which = "this version" if entry.path.name == current else "another version"
        state = "unreadable" if entry.files < 0 else f"{entry.files} files, {entry.results} results"
        click.echo(f"{entry.path.name}: {state}, {entry.size / 1e6:.1f} MB ({which})")


@cache.command()
def clear() -> None:
    """Delete every cache database (it is rebuilt on the next lint)."""
    from itsmcode.lint.cache import cache_root
    from itsmcode.lint.cache import clear as clear_cache

    removed = clear_cache()
    click.echo(f"removed {removed} file{'s' if removed != 1 else ''} from {cache_root()}")
