"""What every lint reporter receives besides the result and the stream."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from itsmcode.diagnostics import LintResult


@dataclass(frozen=True)
class ReportOptions:
    """How and where a reporter may look beyond the diagnostics.

    ``root`` lets a reporter read the offending line (SARIF fingerprints); ``environ``
    is passed in rather than read from ``os.environ`` so a reporter's outputs (the
    GitHub job summary) depend only on its arguments.
    """

    color: bool = False
    root: Path | None = None
    environ: Mapping[str, str] = field(default_factory=dict)


#: A reporter writes one lint result to a stream.
Reporter = Callable[[LintResult, TextIO, ReportOptions], None]


def checkout_prefix(options: ReportOptions) -> str:
    """Where the ITSM repository sits inside the git checkout, as ``"ops/itsm/"`` (or
    ``""`` at its top).

    Diagnostics are relative to the directory holding ``itsm.yaml``; GitHub (annotations,
    code scanning) resolves paths against the checkout. The checkout is
    ``$GITHUB_WORKSPACE`` when the repository lies inside it, else the nearest directory
    upward holding ``.git``; finding it needs no git.
    """
    if options.root is None:
        return ""
    root = options.root.resolve()
    base: Path | None = None
    workspace = options.environ.get("GITHUB_WORKSPACE")
    if workspace:
        candidate = Path(workspace).resolve()
        if candidate == root or candidate in root.parents:
            base = candidate
    if base is None:
        base = next((d for d in (root, *root.parents) if (d / ".git").exists()), None)
    if base is None or base == root:
        return ""
    return root.relative_to(base).as_posix() + "/"
