"""Spreadsheet rows (a ServiceNow CMDB export, a hand-kept list) -> Services or Teams.

Columns map to fields by ``--map column=field``; by default a column whose name equals a
field's (case-insensitively, ``-``/``_``/spaces ignored) maps to it. A row whose values
the loader would refuse is reported with its line number and skipped; the others are
imported. Unused columns are reported once each.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any

from itsmcode.interop.plan import ImportPlan, Names, Planned, entity, is_name, slug
from itsmcode.load.validate import validate

#: Field -> (where it goes, how a cell becomes a value). Lists split on ',', ';' or space.
SERVICE_FIELDS = (
    "name",
    "title",
    "description",
    "type",
    "tier",
    "lifecycle",
    "owner",
    "support",
    "sla",
    "dependsOn",
    "reviewBy",
)
TEAM_FIELDS = ("name", "title", "description", "members", "parent", "email", "chat", "oncall")
FIELDS = {"service": SERVICE_FIELDS, "team": TEAM_FIELDS}
_LEADING_INT = re.compile(r"^\s*([0-9]+)\b")
_SPLIT = re.compile(r"[,;\s]+")


def _key(text: str) -> str:
    return re.sub(r"[-_\s]", "", text).lower()


def column_map(
    header: list[str], kind: str, explicit: dict[str, str]
) -> tuple[dict[int, str], list[str]]:
    """Column index -> field, and the problems with ``--map`` (unknown columns/fields)."""
    fields = {_key(f): f for f in FIELDS[kind]}
    problems = []
    by_column = {_key(h): i for i, h in enumerate(header)}
    mapping: dict[int, str] = {}
    for column, field in explicit.items():
        if _key(field) not in fields:
            problems.append(
                f"--map {column}={field}: no field '{field}'; fields: {', '.join(FIELDS[kind])}"
            )
        elif _key(column) not in by_column:
            problems.append(
                f"--map {column}={field}: no column '{column}'; columns: {', '.join(header)}"
            )
        else:
            mapping[by_column[_key(column)]] = fields[_key(field)]
    for i, name in enumerate(header):
        if i not in mapping and _key(name) in fields and fields[_key(name)] not in mapping.values():
            mapping[i] = fields[_key(name)]
    return mapping, problems


def plan_rows(
    text: str, source: str, kind: str, explicit: dict[str, str], plan: ImportPlan
) -> list[str]:
    """Add the rows of ``text`` to ``plan``; returns usage problems (bad --map, no name)."""
    # The delimiter is judged on the header row alone: the cells below are free text,
    # and a cell full of semicolons must not turn a comma-separated sheet into one column.
    # Only the delimiter is taken from the sniffer: a header has no quotes to judge
    # quoting by, and its guess (no doubled quotes) would run a cell holding '"' into
    # the following rows. Spreadsheets export doubled quotes, as csv.excel reads them.
    header_line = text.split("\n", 1)[0]
    try:
        delimiter = csv.Sniffer().sniff(header_line, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    reader = csv.reader(io.StringIO(text), csv.excel, delimiter=delimiter)
    try:
        return _plan(reader, source, kind, explicit, plan)
    except csv.Error as exc:  # a NUL byte, a field over csv's size limit, a bad quote
        return [f"{source}:{reader.line_num}: not a readable CSV file: {exc}"]


def _plan(
    reader: Any, source: str, kind: str, explicit: dict[str, str], plan: ImportPlan
) -> list[str]:
    header: list[str] = next(reader, [])
    mapping, problems = column_map(header, kind, explicit)
    if "name" not in mapping.values():
        problems.append(f"{source}: no column maps to 'name'; pass --map COLUMN=name")
    if problems:
        return problems
    for i, column in enumerate(header):
        if i not in mapping:
            plan.lost(f"{source}:1", column, "column not mapped to a field (use --map)")
    names = Names(plan)
    first_line: dict[str, int] = {}
    line = reader.line_num
    for row in reader:
        start, line = line + 1, reader.line_num
        where = f"{source}:{start}"
        if not any(cell.strip() for cell in row):
            continue
        cells = {
            field: row[i].strip() for i, field in mapping.items() if i < len(row) and row[i].strip()
        }
        wanted = cells.get("name", "")
        if not wanted:
            plan.reject(where, "name", "no name; row skipped")
            continue
        target = wanted if is_name(wanted) else slug(wanted)
        if target in first_line:
            plan.reject(
                where, "name", f"'{target}' is already row {first_line[target]}'s; row skipped"
            )
            continue
        name = names.claim(kind.capitalize(), where, wanted)
        if name is None:
            plan.rejected.append(plan.unmapped.pop())
            continue
        first_line[name] = start
        data = (_service if kind == "service" else _team)(name, cells)
        _, problems_ = validate(data)
        if problems_:
            p = problems_[0]
            plan.renamed.pop(where, None)
            plan.reject(where, _dotted(p.loc), f"{p.message}; row skipped")
            continue
        plan.entities.append(Planned(data["kind"], name, data, where))
    return []


def _meta(cells: dict[str, str]) -> dict[str, Any]:
    return {k: cells.get(k) for k in ("title", "description")}


def _service(name: str, cells: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if "type" in cells:
        # ServiceNow's classification says "Business Service" / "Technical Service".
        spec["type"] = cells["type"].lower().removesuffix(" service").strip()
    if "lifecycle" in cells:
        spec["lifecycle"] = cells["lifecycle"].lower()
    if "tier" in cells:
        # ServiceNow writes criticality as "1 - most critical": the leading number counts.
        match = _LEADING_INT.match(cells["tier"])
        spec["tier"] = int(match.group(1)) if match else cells["tier"]
    for field in ("owner", "support", "sla"):
        if field in cells:
            spec[field] = cells[field]
    if "dependsOn" in cells:
        spec["dependsOn"] = [{"service": s} for s in _items(cells["dependsOn"])]
    if "reviewBy" in cells:
        spec["reviewBy"] = cells["reviewBy"]
    return entity("Service", name, _meta(cells), spec)


def _team(name: str, cells: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {}
    if "members" in cells:
        spec["members"] = [{"github": login} for login in _items(cells["members"])]
    if "parent" in cells:
        spec["parent"] = cells["parent"]
    contact = {k: cells[k] for k in ("email", "chat", "oncall") if k in cells}
    if contact:
        spec["contact"] = contact
    return entity("Team", name, _meta(cells), spec)


def _items(text: str) -> Iterable[str]:
    return [item for item in _SPLIT.split(text) if item]


def _dotted(loc: tuple[str | int, ...] | list[str | int]) -> str:
    return ".".join(str(p) for p in loc)
