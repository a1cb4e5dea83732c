"""The output directory: refuse to clobber what is not a site, and swap a new build in.

A build is written into a fresh directory beside ``--out`` and renamed over it only when
every page is written, so a failed build leaves the previous site as it was. A directory
is "a previous site build" when it holds the marker file this module writes; anything
else that is not empty needs ``--force``. The repository itself (and any folder holding
it) is never replaced, not even with ``--force``.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tempfile
from pathlib import Path

from itsmcode.errors import ConfigError

#: Written into every site build; its presence makes a directory safe to replace.
MARKER = ".itsm-site.json"


def prepare(out: Path, root: Path, force: bool) -> Path:
    """Check that ``out`` may be replaced and make the fresh directory to build into."""
    out = Path(os.path.abspath(out))
    if out.is_symlink():
        raise ConfigError(
            f"--out {out} is a symbolic link; give the directory it points to, or another one"
        )
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file, not a directory; choose another --out")
    resolved = out.resolve()
    protected = {root.resolve(), *root.resolve().parents, Path.home().resolve()}
    if resolved in protected:
        raise ConfigError(
            f"--out {out} holds the repository (or is your home directory); a build replaces "
            "its output directory, so give a folder of its own, e.g. --out _site"
        )
    if out.is_dir() and any(out.iterdir()) and not (out / MARKER).is_file() and not force:
        raise ConfigError(
            f"--out {out} is not empty and is not a site itsm built (it has no {MARKER}); "
            "choose another directory, or pass --force to replace its contents"
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".building", dir=out.parent))


def write_marker(directory: Path, facts: dict[str, str | None]) -> None:
    (directory / MARKER).write_text(json.dumps(facts, indent=2) + "\n", encoding="utf-8")


def swap(fresh: Path, out: Path) -> None:
    """Put the finished build ``fresh`` where ``out`` is, in two renames."""
    out = Path(os.path.abspath(out))
    # mkdtemp makes a private (0700) directory; a site is for a web server to read.
    os.chmod(fresh, 0o777 & ~_umask())
    if not out.exists():
        os.rename(fresh, out)
        return
    old = out.with_name(f".{out.name}.{secrets.token_hex(6)}.old")
    os.rename(out, old)
    try:
        os.rename(fresh, out)
    except OSError:
        os.rename(old, out)  # put the previous site back
        raise
    shutil.rmtree(old, ignore_errors=True)


def discard(fresh: Path) -> None:
    shutil.rmtree(fresh, ignore_errors=True)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
