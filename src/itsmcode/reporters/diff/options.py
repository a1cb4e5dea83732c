"""What every diff reporter receives besides the ChangeSet and the stream."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TextIO

from itsmcode.diff.model import ChangeSet


@dataclass(frozen=True)
class DiffReportOptions:
    color: bool = False


#: A diff reporter writes one ChangeSet to a stream.
DiffReporter = Callable[[ChangeSet, TextIO, DiffReportOptions], None]
