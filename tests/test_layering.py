"""The package's rooms import only downwards (docs/development.md): models and load know
nothing of lint, diff, policy or the CLI; reporters read results, never the reverse."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "itsmcode"

#: Rank of each room; a module may import rooms of a lower rank only (basics: any).
RANK = {
    "errors": 0,
    "diagnostics": 0,
    "suggest": 0,
    "files": 0,
    "streams": 0,
    "daemon": 1,  # the lint server's client and socket; the command it runs comes from cli
    "models": 1,
    "load": 2,
    "git": 2,
    "clock": 2,
    "lint": 3,
    "diff": 3,
    "fmt": 3,
    "reports": 4,
    "policy": 5,  # above reports: the gate's computedRisk and errorBudgetSpent reuse them
    "audit": 6,
    "cab": 6,  # the CAB agenda reads the gate (policy), diff, risk and schedule
    "score": 6,  # reads the reports, like audit
    "interop": 6,
    "reporters": 7,
    "scaffold": 7,
    "site": 7,  # the website reads the reports, the audit and lint, as reporters do
    "workflows": 6,  # below scaffold: init writes the workflows and their pin
    "cli": 8,
    "__main__": 9,
}


def imported_rooms(module: Path) -> set[str]:
    rooms: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
        names: list[str] = []
        if isinstance(node, ast.ImportFrom) and node.module:
            names = [node.module] + [f"{node.module}.{alias.name}" for alias in node.names]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        for name in names:
            parts = name.split(".")
            if parts[0] == "itsmcode" and len(parts) > 1 and parts[1] in RANK:
                rooms.add(parts[1])
    return rooms


def room_of(module: Path) -> str:
    return module.relative_to(PACKAGE).parts[0].removesuffix(".py")


def test_every_module_belongs_to_a_known_room() -> None:
    unknown = {
        room_of(m) for m in PACKAGE.rglob("*.py") if room_of(m) not in RANK | {"__init__": 0}
    }
    assert unknown == set(), "add the new room to RANK and to docs/development.md"


def test_rooms_import_only_downwards() -> None:
    upward = []
    for module in sorted(PACKAGE.rglob("*.py")):
        room = room_of(module)
        if room == "__init__":
            continue
        for other in imported_rooms(module):
            if other != room and RANK[other] >= RANK[room] and RANK[other] > 0:
                upward.append(f"{module.relative_to(PACKAGE)} imports itsmcode.{other}")
    assert upward == []
