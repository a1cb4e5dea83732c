"""SARIF 2.1.0 output, for GitHub code scanning and other SARIF viewers.

One run; the driver lists every registered rule (load checks and semantic rules) so a
viewer can show a rule's documentation even for rules with no result. Each result has
a ``partialFingerprints`` entry that survives unrelated edits: it hashes the rule, the
path, the message and the whitespace-normalised text of the offending line, never the
line number, so inserting lines above a finding keeps its identity (and its alert
state: dismissed stays dismissed).
"""

from __future__ import annotations

import hashlib
import inspect
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from itsmcode import __version__
from itsmcode.diagnostics import Diagnostic, LintResult, Severity
from itsmcode.reporters.base import ReportOptions, checkout_prefix

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
#: Where the tool lives; read from the package metadata when it declares a home page.
DEFAULT_HOMEPAGE = "https://github.com/itsmcode/itsmcode"
RULES_DOC = "docs/reference/rules.md"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "itsmDiagnostic/v1"
#: Files larger than this are not read for fingerprints (the lint refused them anyway).
_MAX_READ = 64 * 1024 * 1024

_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning"}
_WHITESPACE = re.compile(r"\s+")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
# A message that cites another file's position ("see a.yaml:12:3") would change when
# that file moves lines; the position is dropped from the fingerprint, the file kept.
_CITED_POSITION = re.compile(r"(\.ya?ml):\d+(?::\d+)?")


@dataclass(frozen=True)
class RuleInfo:
    id: str
    summary: str
    description: str
    severity: Severity | None


def registered_rules() -> list[RuleInfo]:
    """Every rule id the linter can report, load checks first, as ``--list-rules``."""
    from itsmcode.lint.rules import DEFAULT_SEVERITY, LOAD_CHECKS, RULES

    infos = []
    for rule_id in [*LOAD_CHECKS, *RULES]:
        module = RULES.get(rule_id) or LOAD_CHECKS[rule_id]
        doc = inspect.cleandoc(module.__doc__ or rule_id)
        # Rule modules start ``id: summary``; load checks start with the summary itself.
        if doc.startswith(f"{rule_id}:"):
            doc = doc.split(":", 1)[1].strip()
        # The summary is the first sentence of the first paragraph (which may wrap).
        paragraph = " ".join(doc.split("\n\n", 1)[0].split())
        summary = _SENTENCE_END.split(paragraph, maxsplit=1)[0]
        infos.append(RuleInfo(rule_id, summary, doc, DEFAULT_SEVERITY[rule_id]))
    return infos


def homepage() -> str:
    from importlib.metadata import PackageNotFoundError, metadata

    try:
        meta = metadata("itsmcode")
    except PackageNotFoundError:
        return DEFAULT_HOMEPAGE
    entries: list[str] = [str(e) for e in meta.get_all("Project-URL") or []]
    for entry in entries:
        label, _, url = entry.partition(",")
        if label.strip().lower() in ("homepage", "home", "repository", "source") and url.strip():
            return url.strip().rstrip("/")
    home = [str(e) for e in meta.get_all("Home-page") or []]
    return (home[0] if home else DEFAULT_HOMEPAGE).rstrip("/")


def report(result: LintResult, stream: TextIO, options: ReportOptions) -> None:
    json.dump(sarif_log(result, options), stream, indent=2)
    stream.write("\n")


def sarif_log(result: LintResult, options: ReportOptions) -> dict[str, Any]:
    home = homepage()
    rules = registered_rules()
    known = {rule.id for rule in rules}
    # A diagnostic from a rule that is not registered would break ruleIndex; list it too.
    for rule_id in sorted({d.rule for d in result.diagnostics} - known):
        rules.append(RuleInfo(rule_id, rule_id, rule_id, None))
    index = {rule.id: i for i, rule in enumerate(rules)}
    lines = _LineReader(options.root)
    # URIs are relative to the top of the checkout (what code scanning resolves them
    # against); fingerprints use the ITSM-relative path, which no environment changes.
    prefix = checkout_prefix(options)
    fingerprints = _Fingerprints()
    results = []
    for d in result.diagnostics:
        line_text = lines.line(d.location.path, d.location.line)
        fingerprint = fingerprints.next(d, line_text)
        results.append(_result(d, index[d.rule], prefix + d.location.path, fingerprint))
    return {
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "itsm",
                        "fullName": "itsmcode lint",
                        "version": __version__,
                        "semanticVersion": __version__,
                        "informationUri": home,
                        "rules": [_descriptor(rule, home) for rule in rules],
                    }
                },
                # Columns count characters (YAML marks), not UTF-16 units or bytes.
                "columnKind": "unicodeCodePoints",
                "results": results,
            }
        ],
    }


def _descriptor(rule: RuleInfo, home: str) -> dict[str, Any]:
    enabled = rule.severity is not None
    return {
        "id": rule.id,
        "name": "".join(part.capitalize() for part in rule.id.split("-")),
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": rule.description},
        "help": {"text": rule.description},
        "helpUri": f"{home}/blob/main/{RULES_DOC}#{rule.id}",
        "defaultConfiguration": {
            "enabled": enabled,
            "level": _LEVEL[rule.severity] if rule.severity is not None else "none",
        },
    }


def _result(d: Diagnostic, rule_index: int, path: str, fingerprint: str) -> dict[str, Any]:
    return {
        "ruleId": d.rule,
        "ruleIndex": rule_index,
        "level": _LEVEL[d.severity],
        "message": {"text": d.message},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": _uri(path), "uriBaseId": SRCROOT},
                    "region": {"startLine": d.location.line, "startColumn": d.location.column},
                }
            }
        ],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint},
    }


def _uri(path: str) -> str:
    from urllib.parse import quote

    # A relative URI reference: spaces, '%' and '#' in a file name must be escaped.
    return quote(path, safe="/")


class _Fingerprints:
    """Stable ids; identical findings on identical lines are told apart by their order."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def next(self, d: Diagnostic, line_text: str) -> str:
        parts = (
            d.rule,
            d.location.path,
            _CITED_POSITION.sub(r"\1", d.message),
            _WHITESPACE.sub(" ", line_text).strip(),
        )
        digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()
        self.seen[digest] = self.seen.get(digest, 0) + 1
        return f"{digest}:{self.seen[digest]}"


class _LineReader:
    """The text of a file's lines, each file read once and only as the linter reads it."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self.files: dict[str, list[str]] = {}

    def line(self, path: str, number: int) -> str:
        if path not in self.files:
            self.files[path] = list(self._lines(path))
        lines = self.files[path]
        return lines[number - 1] if 0 < number <= len(lines) else ""

    def _lines(self, path: str) -> Iterator[str]:
        from itsmcode.load.source import read

        if self.root is None:
            return
        # source.read refuses FIFOs, links out of the repository and huge files, so a
        # file the lint reported as unreadable cannot hang or leak through the report.
        data = read(self.root, path, _MAX_READ).data
        if data is None:
            return
        text = data.decode("utf-8", errors="replace").removeprefix("\ufeff")
        yield from text.splitlines()
