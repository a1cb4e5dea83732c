"""The lint run: load the repository, run every enabled rule, apply the configuration.

Configuration (itsm.yaml ``spec.lint``): ``rules`` maps a rule id to error, warning or
off; ``ignore`` lists globs of files whose diagnostics are dropped (the files are still
loaded, so references to them resolve). Inline, ``# itsm: disable=rule-a,rule-b`` on a
line silences those rules for that line, on a line of its own for the next line, and
``# itsm: disable-file=rule-a`` for the whole file; ``all`` names every rule, and text
after the ids is a free-form reason (``# itsm: disable=ref-exists -- migrating``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from itsmcode.diagnostics import Diagnostic, LintResult, Severity
from itsmcode.errors import ConfigError
from itsmcode.lint.options import LintOptions as LintOptions
from itsmcode.lint.options import named_files
from itsmcode.lint.rules import ALL_RULE_IDS, DEFAULT_SEVERITY, LOAD_CHECKS, RULES, LintContext
from itsmcode.lint.rules.unknown_location import is_entity_data
from itsmcode.load import globs
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.config import load_config
from itsmcode.load.layout import Layout
from itsmcode.load.snapshot import load_record, load_worktree
from itsmcode.load.source import SourceFile, outside_files
from itsmcode.load.yamlio import Limits
from itsmcode.models import Config
from itsmcode.suggest import did_you_mean

# Rule ids separated by commas; anything after them (a reason) is free text.
_DISABLE = re.compile(r"#\s*itsm:\s*(disable|disable-file)=([\w-]+(?:\s*,\s*[\w-]+)*)")


def lint(root: Path, options: LintOptions | None = None) -> LintResult:
    """Lint the repository at ``root``; raises ConfigError for a broken itsm.yaml.

    ``itsm lint`` goes through ``lint.run`` (cache, parallel parsing); this is the
    plain, uncached library call with the same result."""
    options = options or LintOptions()
    config = load_config(root)
    named = named_files(root, options.paths)
    catalog = load_worktree(root, config, extra_paths=named)
    found = [] if options.paths else outside_files(root, Layout.from_config(config), _size(config))
    return lint_catalog(catalog, named, options, outside_records(config, found))


def _size(config: Config) -> int:
    return config.spec.lint.max_file_size


def outside_records(config: Config, sources: Iterable[SourceFile]) -> tuple[Record, ...]:
    """The ITSM entities among files a full run found outside the kinds' folders
    (``source.outside_files``): for unknown-location, never part of the catalog."""
    limits = Limits(max_file_size=_size(config))
    loaded = (
        load_record(source.path, source.data, None, limits)
        for source in sources
        if not globs.matches(source.path, config.spec.lint.ignore)
    )
    return tuple(r for r in loaded if _is_entity_file(r))


def lint_catalog(
    catalog: Catalog, named: list[str], options: LintOptions, outside: tuple[Record, ...] = ()
) -> LintResult:
    """The rules over a loaded catalog, with the configuration applied; ``outside``: the
    misplaced entities a full run found (``outside_records``)."""
    config = catalog.config
    severities = configured_severities(config)
    layout = Layout.from_config(config)
    # A pre-commit hook names every changed YAML file, workflows included. Outside the
    # kinds' folders only ITSM entities count (and are told they are misplaced).
    foreign = {p for p in named if layout.kind_for_path(p) is None}
    if foreign:
        kept = [r for r in catalog.records if r.path not in foreign or _is_entity_file(r)]
        catalog = type(catalog)(kept, config)  # a scoped catalog stays one (lint.scope)
    context = LintContext(
        config=config,
        layout=layout,
        now=options.now or datetime.now(timezone.utc),
        outside=outside,
        risk=options.risk,
    )
    return run_rules(catalog, context, severities, options.paths)


def _is_entity_file(record: Record) -> bool:
    return is_entity_data(record.document.data if record.document else {})


def configured_severities(config: Config) -> dict[str, Severity | None]:
    """Rule id -> severity (None for off), defaults overridden by itsm.yaml."""
    severities: dict[str, Severity | None] = dict(DEFAULT_SEVERITY)
    for rule_id, setting in config.spec.lint.rules.items():
        if rule_id not in ALL_RULE_IDS:
            raise ConfigError(
                f"itsm.yaml: spec.lint.rules names unknown rule '{rule_id}'"
                f"{did_you_mean(rule_id, ALL_RULE_IDS)}; see 'itsm lint --list-rules'"
            )
        if setting == "off" and rule_id in LOAD_CHECKS:
            # A file that cannot be loaded or validated is invisible to every other rule:
            # silencing its only diagnostic would make a broken repository lint clean.
            raise ConfigError(
                f"itsm.yaml: spec.lint.rules cannot turn off '{rule_id}' (a file it reports "
                "is skipped by every other rule); make it a warning, or exclude the file "
                "with spec.lint.ignore"
            )
        severities[rule_id] = None if setting == "off" else Severity(setting)
    return severities


def run_rules(
    catalog: Catalog,
    context: LintContext,
    severities: dict[str, Severity | None],
    only_paths: Iterable[str] = (),
) -> LintResult:
    found: list[Diagnostic] = [d for record in catalog.records for d in record.problems]
    for rule_id, rule in RULES.items():
        if severities.get(rule_id) is not None:
            found.extend(rule.check(catalog, context))
    wanted = _PathFilter(only_paths)
    ignore = catalog.config.spec.lint.ignore
    records = {r.path: r for r in catalog.records}
    suppressions: dict[str, _Suppressions] = {}
    kept: set[Diagnostic] = set()
    for diagnostic in found:
        path = diagnostic.location.path
        severity = severities.get(diagnostic.rule, Severity.ERROR)
        if severity is None or not wanted.covers(path) or globs.matches(path, ignore):
            continue
        if path not in suppressions:
            suppressions[path] = _Suppressions.of(records.get(path))
        if suppressions[path].silences(diagnostic):
            continue
        kept.add(diagnostic.with_severity(severity))
    files = sum(1 for record in catalog.records if wanted.covers(record.path))
    return LintResult(sorted(kept, key=lambda d: d.sort_key), files)


class _PathFilter:
    """Which files a run reports on: all, or the given files and directories."""

    def __init__(self, paths: Iterable[str]) -> None:
        self.exact = {p.rstrip("/") for p in paths}
        self.prefixes = tuple(f"{p}/" for p in self.exact if p not in ("", "."))
        self.everything = not self.exact or "." in self.exact or "" in self.exact

    def covers(self, path: str) -> bool:
        return self.everything or path in self.exact or path.startswith(self.prefixes)


@dataclass
class _Suppressions:
    by_line: dict[int, set[str]]
    whole_file: set[str]

    @classmethod
    def of(cls, record: Record | None) -> _Suppressions:
        by_line: dict[int, set[str]] = {}
        whole_file: set[str] = set()
        text = record.document.text if record and record.document else ""
        if "itsm:" not in text:
            return cls(by_line, whole_file)
        for number, line in enumerate(text.splitlines(), start=1):
            match = _DISABLE.search(line)
            if not match:
                continue
            ids = {part.strip() for part in match.group(2).split(",") if part.strip()}
            if match.group(1) == "disable-file":
                whole_file |= ids
            else:
                # A comment alone on its line applies to the next line, else to its own.
                target = number + 1 if line.lstrip().startswith("#") else number
                by_line.setdefault(target, set()).update(ids)
        return cls(by_line, whole_file)

    def silences(self, diagnostic: Diagnostic) -> bool:
        rule = diagnostic.rule
        on_line = self.by_line.get(diagnostic.location.line, set())
        silenced = self.whole_file | on_line
        return rule in silenced or "all" in silenced
