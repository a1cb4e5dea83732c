"""Options shared by several commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from itsmcode.errors import ConfigError

F = TypeVar("F", bound=Callable[..., Any])


def repo_option(func: F) -> F:
    return click.option(
        "--repo",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Repository root (default: the nearest directory upward holding itsm.yaml).",
    )(func)


def color_option(func: F) -> F:
    return click.option(
        "--color/--no-color",
        default=None,
        help="Colour the output (default: on a terminal, unless NO_COLOR is set).",
    )(func)


def resolve_root(repo: Path | None) -> Path:
    from itsmcode.load.layout import CONFIG_FILE, find_root

    if repo is not None:
        if not (repo / CONFIG_FILE).is_file():
            raise ConfigError(
                f"{repo}: no {CONFIG_FILE} here; run 'itsm init {repo}' to create one"
            )
        return repo.resolve()
    root = find_root(Path.cwd())
    if root is None:
        raise ConfigError(
            f"no {CONFIG_FILE} in this directory or any parent; pass --repo DIR or run 'itsm init'"
        )
    return root


def use_color(flag: bool | None, stream: Any = None) -> bool:
    if flag is not None:
        return flag
    if "NO_COLOR" in os.environ and os.environ["NO_COLOR"] != "":
        return False
    stream = stream or sys.stdout
    return bool(getattr(stream, "isatty", lambda: False)())


def repo_relative(root: Path, path: Path) -> str:
    """A command-line path as a repository-relative POSIX path (a symlink is not
    followed: it is named as the link)."""
    full = (Path.cwd() / path).resolve() if not path.is_symlink() else Path.cwd() / path
    try:
        return full.relative_to(root).as_posix()
    except ValueError:
        try:
            return Path(os.path.abspath(path)).relative_to(root).as_posix()
        except ValueError:
            raise ConfigError(f"{path}: outside the repository {root}") from None
