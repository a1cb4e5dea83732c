"""``itsm diff --format json``: the versioned ChangeSet document (docs/diff.md)."""

from __future__ import annotations

import json
from typing import TextIO

from itsmcode.diff.model import ChangeSet
from itsmcode.reporters.diff.options import DiffReportOptions


def report(changeset: ChangeSet, stream: TextIO, options: DiffReportOptions) -> None:
    json.dump(changeset.to_json(), stream, indent=2, ensure_ascii=False, default=str)
    stream.write("\n")
