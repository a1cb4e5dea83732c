"""``itsm fmt`` over a repository: which files, and each one's outcome.

The files are those lint loads (itsm.yaml and every YAML file in the kinds' folders),
or the named ones (folders expand to their YAML files). A symbolic link is never
rewritten: writing through it would replace the link with a plain file.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from itsmcode.files import ChangedUnderfoot, write_atomic
from itsmcode.fmt.run import CannotFormat, format_text
from itsmcode.load.config import load_config
from itsmcode.load.layout import Layout
from itsmcode.load.source import discover, read, yaml_files_under
from itsmcode.load.yamlio import Limits, YamlProblem, decode

Status = Literal["unchanged", "reformatted", "would-reformat", "error"]


@dataclass(frozen=True)
class FileOutcome:
    path: str
    status: Status
    message: str = ""
    line: int = 1
    column: int = 1


def format_repository(root: Path, paths: Iterable[str], *, check: bool) -> list[FileOutcome]:
    """Format (or with ``check`` only judge) every file; never raises for a bad file."""
    config = load_config(root)
    named = list(paths)
    files = _expand(root, named) if named else discover(root, Layout.from_config(config))
    limits = Limits(max_file_size=config.spec.lint.max_file_size)
    return [_one(root, path, check, limits) for path in files]


def _expand(root: Path, paths: list[str]) -> list[str]:
    files: list[str] = []
    for path in paths:
        files.extend(yaml_files_under(root, path) if (root / path).is_dir() else [path])
    return sorted(dict.fromkeys(files))


def _one(root: Path, path: str, check: bool, limits: Limits) -> FileOutcome:
    if os.path.islink(root / path):
        return FileOutcome(path, "error", "symbolic link; format the file it points to")
    source = read(root, path, limits.max_file_size)
    try:
        if source.problem is not None:
            raise source.problem
        assert source.data is not None
        text = decode(source.data)
        result = format_text(text, limits)
    except YamlProblem as problem:
        return FileOutcome(path, "error", str(problem), problem.line, problem.column)
    except CannotFormat as problem:
        return FileOutcome(path, "error", str(problem), problem.line, problem.column)
    if not result.changed:
        return FileOutcome(path, "unchanged")
    if check:
        return FileOutcome(path, "would-reformat")
    try:
        write_atomic(root / path, result.text, expect=source.data)
    except ChangedUnderfoot:
        return FileOutcome(path, "error", "changed while being formatted; run itsm fmt again")
    except OSError as exc:
        return FileOutcome(path, "error", f"cannot write: {exc.strerror or exc}")
    return FileOutcome(path, "reformatted")
