"""Which services a change raises or lowers a level (``itsm diff``'s scorecard lines).

Each side is scored with its own scorecards as of now: a pull request that raises the
bar of a scorecard lowers the services that no longer reach it, and says so. Services
scored on one side only (added, retired, newly selected) have no level change.
"""

from __future__ import annotations

from datetime import datetime

from itsmcode.diff.model import LevelChange
from itsmcode.load.catalog import Catalog
from itsmcode.score.engine import score
from itsmcode.score.roadmap import gap


def level_changes(base: Catalog, head: Catalog, now: datetime) -> list[LevelChange]:
    old = score(base, now).by_key()
    new = score(head, now).by_key()
    changes: list[LevelChange] = []
    for key in sorted(old.keys() & new.keys()):
        before, after = old[key], new[key]
        if before.rank() == after.rank():
            continue  # the same level (a renamed level is not a raise or a drop)
        raised = after.rank() > before.rank()
        fails: tuple[str, ...] = ()
        if not raised and before.level is not None and before.level in after.levels:
            fails = gap(after, before.level)
        changes.append(LevelChange(key[0], key[1], before.level, after.level, raised, fails))
    return changes
