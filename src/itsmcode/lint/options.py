"""What one lint run is asked to do (kept free of heavy imports: see ``lint.run``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from itsmcode.load.source import yaml_files_under

if TYPE_CHECKING:
    from itsmcode.lint.rules.base import RiskScorer


@dataclass(frozen=True)
class LintOptions:
    paths: tuple[str, ...] = ()  # repository-relative; empty means every file
    now: datetime | None = None
    #: Use the cache (``itsm lint`` does unless --no-cache; the library call does not).
    cache: bool = False
    #: Processes for parsing; 0 means one per core (used only for large repositories).
    workers: int = 0
    #: Scores change risk for risk-understated (``itsm lint`` passes reports/risk.py's).
    risk: RiskScorer | None = None


def named_files(root: Path, paths: Iterable[str]) -> list[str]:
    """Files named on the command line, with named directories expanded to their YAML."""
    files: list[str] = []
    for path in paths:
        if (root / path).is_dir():
            files.extend(yaml_files_under(root, path))
        else:
            files.append(path)
    return files
