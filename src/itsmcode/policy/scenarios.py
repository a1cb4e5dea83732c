"""``itsm policy test``: scenario files that test an approval policy offline.

A scenario describes a pull request (a change applied to the repository's current
files, or two refs), its reviews and the decision expected per rule. Described
changes are committed in a scratch repository in a temporary directory, so the real
``policy check`` runs on real commits and the user's repository is never written.
The format is documented in docs/reference/policy.md ("Policy tests").
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any, Literal

from pydantic import Field, ValidationError

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.errors import ConfigError
from itsmcode.git.facts import PolicyGit, scratch_commit
from itsmcode.load.catalog import Record
from itsmcode.load.config import load_config
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.load.snapshot import load_record
from itsmcode.load.source import read
from itsmcode.load.validate import model_problems
from itsmcode.load.yamlio import Limits, YamlDocument, YamlProblem, decode, dump, parse
from itsmcode.models.base import Strict
from itsmcode.policy.check import CheckResult, run_check
from itsmcode.policy.facts import PullFacts
from itsmcode.policy.github import Review
from itsmcode.policy.inputs import parse_now

DEFAULT_DIR = "processes/policy-tests"
#: Reviews of a scenario are submitted one minute apart from this time, in list order.
REVIEWS_FROM = datetime(2026, 1, 1, tzinfo=timezone.utc)
RuleStatus = Literal["satisfied", "pending", "skipped"]


class ScenarioError(ConfigError):
    """A scenario file that cannot be run (exit 2), with its location."""


class ReviewSpec(Strict):
    user: str = Field(description="Reviewer login.")
    state: Literal["APPROVED", "CHANGES_REQUESTED", "COMMENTED", "DISMISSED"] = "APPROVED"
    commit: str = Field("head", description="head, base, or a commit id.")
    body: str = Field("", description="The review's text ('break-glass: <reason>' invokes it).")


class ChangeSpec(Strict):
    write: dict[str, str | dict[str, Any]] = Field(default_factory=dict)
    set_: dict[str, dict[str, Any]] = Field(default_factory=dict, alias="set")
    delete: list[str] = Field(default_factory=list)
    rename: dict[str, str] = Field(default_factory=dict)


class RefsSpec(Strict):
    base: str
    head: str


class Expect(Strict):
    approved: bool | None = None
    rules: dict[str, RuleStatus] = Field(default_factory=dict)
    fail_closed: bool | None = None
    freeze: Literal["blocked", "exempt", "none"] | None = None
    break_glass: bool | None = None  # approved by break-glass (docs/break-glass.md)


class Scenario(Strict):
    name: str
    description: str | None = None
    author: str
    labels: list[str] = Field(default_factory=list)
    now: str | None = None
    change: ChangeSpec | None = None
    refs: RefsSpec | None = None
    reviews: list[ReviewSpec] = Field(default_factory=list)
    expect: Expect


class ScenarioFile(Strict):
    now: str | None = None
    scenarios: list[Scenario] = Field(min_length=1)


@dataclass
class Loaded:
    path: Path
    spec: ScenarioFile
    document: YamlDocument

    def at(self, loc: tuple[str | int, ...], *, key: bool = False) -> str:
        """``file:line:col`` of a node of this scenario file."""
        return _at(self.path, self.document, loc, key=key)


def load(path: Path) -> Loaded:
    """Parse and validate one scenario file; problems are located ScenarioErrors."""
    try:
        document = parse(decode(path.read_bytes()))
    except OSError as exc:
        raise ScenarioError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except YamlProblem as exc:
        raise ScenarioError(f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
    try:
        spec = ScenarioFile.model_validate(document.data, strict=False)
    except ValidationError as exc:
        # Located, with did-you-mean, worded like the problems of every other file.
        problems = model_problems(ScenarioFile, exc)
        if not problems:  # pragma: no cover - every pydantic error maps to a problem
            raise ScenarioError(f"{path}: {exc.errors()[0]['msg']}") from None
        first, more = problems[0], len(problems) - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        at = _at(path, document, first.loc, key=first.at_key)
        raise ScenarioError(f"{at}: {first.message}{also}") from None
    for i, scenario in enumerate(spec.scenarios):
        where: tuple[str | int, ...] = ("scenarios", i)
        if (scenario.change is None) == (scenario.refs is None):
            raise ScenarioError(
                _located(path, document, where, "give exactly one of 'change' or 'refs'")
            )
        for value, key in ((scenario.now, "now"), (spec.now, "now")):
            if value is not None:
                try:
                    parse_now(value)
                except ConfigError:
                    raise ScenarioError(
                        _located(path, document, (*where, key), f"invalid time {value!r}")
                    ) from None
        if scenario.change is not None:
            change = scenario.change
            paths = [
                *change.write,
                *change.set_,
                *change.delete,
                *change.rename,
                *change.rename.values(),
            ]
            for bad in (p for p in paths if not _safe(p)):
                raise ScenarioError(
                    _located(
                        path,
                        document,
                        (*where, "change"),
                        f"path {bad!r} must be relative, inside the repository",
                    )
                )
            for file, edits in change.set_.items():
                for dotted in edits:
                    if "" in dotted.split("."):
                        # "{description: A, b.}" is two entries in flow YAML; say so.
                        at = _at(path, document, (*where, "change", "set", file, dotted), key=True)
                        raise ScenarioError(
                            f"{at}: set: {dotted!r} is not a dotted field path; quote a "
                            "value holding a comma inside {...}"
                        )
    return Loaded(path, spec, document)


def _at(
    path: Path, document: YamlDocument, loc: tuple[str | int, ...], *, key: bool = False
) -> str:
    line, column = document.locate(loc, key=key)
    return f"{path}:{line}:{column}"


def _located(path: Path, document: YamlDocument, loc: tuple[Any, ...], message: str) -> str:
    steps = tuple(s for s in loc if isinstance(s, str | int))
    dotted = ".".join(str(s) for s in steps)
    return f"{_at(path, document, steps)}: {dotted + ': ' if dotted else ''}{message}"


def _safe(path: str) -> bool:
    pure = PurePosixPath(path)
    return (
        bool(path)
        and not pure.is_absolute()
        and ".." not in pure.parts
        and (pure.parts[0] != ".git")
    )


def run_files(root: Path, files: list[Path], echo: Callable[[str], None]) -> bool:
    """Run every scenario of every file; True when all expectations hold."""
    loaded = [load(f) for f in files]  # all files valid before anything runs
    failed = total = 0
    for item in loaded:
        for index, scenario in enumerate(item.spec.scenarios):
            total += 1
            change_at = partial(_change_at, item, ("scenarios", index, "change"))
            mismatches = run_scenario(root, scenario, item.spec.now, change_at)
            if mismatches:
                failed += 1
                echo(f"FAIL {item.path}: {scenario.name}")
                for line in mismatches:
                    echo(f"     {line}")
            else:
                echo(f"ok   {item.path}: {scenario.name}")
    echo(f"{total} scenario{'s' if total != 1 else ''}, {failed} failed")
    return failed == 0


#: Where a part of a scenario's ``change`` is written, e.g. ("set", path, "spec.tier"),
#: as ``file:line:col`` of the scenario file.
ChangeLocator = Callable[[tuple[str | int, ...]], str]


def run_scenario(
    root: Path, scenario: Scenario, default_now: str | None, change_at: ChangeLocator
) -> list[str]:
    now = parse_now(scenario.now or default_now)
    if scenario.refs is not None:
        git = PolicyGit(root)
        base, head = git.resolve(scenario.refs.base), git.resolve(scenario.refs.head)
        return compare(_check(root, scenario, base, head, now), scenario)
    assert scenario.change is not None
    with tempfile.TemporaryDirectory(prefix="itsm-policy-test-") as tmp:
        scratch = Path(tmp)
        _copy_repository(root, scratch)
        base = scratch_commit(scratch, "base", "itsm policy test", "scenario@itsmcode.invalid")
        _apply(scratch, scenario.change, change_at)
        # A change that leaves a file invalid tests nothing the user meant: the check
        # would run on a repository lint rejects. Fail with the file's own diagnostics.
        invalid = invalid_files(scratch, scenario.change, change_at)
        if invalid:
            return invalid
        # The PR's commits are the author's (what allowCommitters looks at).
        head = scratch_commit(
            scratch, scenario.name, scenario.author, f"{scenario.author}@users.noreply.github.com"
        )
        return compare(_check(scratch, scenario, base, head, now), scenario)


def _change_at(item: Loaded, where: tuple[str | int, ...], loc: tuple[str | int, ...]) -> str:
    return item.at((*where, *loc), key=isinstance(loc[-1], str))


def invalid_files(root: Path, change: ChangeSpec, change_at: ChangeLocator) -> list[str]:
    """One line per error in a file the change wrote, located in the scenario file."""
    sections = [
        *(("set", p, p) for p in change.set_),
        *(("write", p, p) for p in change.write),
        *(("rename", old, new) for old, new in change.rename.items()),
    ]
    try:
        config = load_config(root)
    except ConfigError as exc:
        section, key, _ = next((s for s in sections if s[2] == CONFIG_FILE), sections[0])
        return [f"{change_at((section, key))}: change.{section}: {exc}"]
    layout = Layout.from_config(config)
    max_size = config.spec.lint.max_file_size
    out: list[str] = []
    for section, key, path in sections:
        if path != CONFIG_FILE and layout.kind_for_path(path) is None:
            continue  # not a file itsm reads (a README, say)
        if not os.path.lexists(root / path):
            continue  # renamed, then deleted by the same change
        source = read(root, path, max_size)
        record = load_record(path, source.data, source.problem, Limits(max_file_size=max_size))
        for problem in record.problems:
            if problem.severity is not Severity.ERROR:
                continue
            edit = (
                _edit_for(change.set_.get(key, {}), record, problem) if section == "set" else None
            )
            where = change_at((section, key) if edit is None else (section, key, edit))
            out.append(
                f"{where}: change.{section}: {path} no longer loads: "
                f"{problem.location.line}:{problem.location.column}: [{problem.rule}] "
                f"{problem.message}"
            )
    return out


def _edit_for(edits: dict[str, Any], record: Record, problem: Diagnostic) -> str | None:
    """The ``set:`` key whose value the problem is about, if one is (to point at it)."""
    for dotted in edits:
        if record.document is None:
            break
        line, _ = record.document.locate(dotted.split("."), key=True)
        if line == problem.location.line:
            return dotted
    return None


def _check(root: Path, scenario: Scenario, base: str, head: str, now: datetime) -> CheckResult:
    reviews = [
        Review(
            login=r.user,
            state=r.state,
            commit_id={"head": head, "base": base}.get(r.commit, r.commit),
            submitted_at=REVIEWS_FROM + timedelta(minutes=i),
            review_id=i + 1,
            body=r.body,
        )
        for i, r in enumerate(scenario.reviews)
    ]
    pr = PullFacts(
        author=scenario.author,
        head_sha=head,
        base_sha=base,
        labels=tuple(scenario.labels),
        number=1,
        base_ref="main",
    )
    return run_check(root, pr, reviews, now)


def compare(result: CheckResult, scenario: Scenario) -> list[str]:
    """What differs from the expectation, one line each (empty: the scenario passes)."""
    expect = scenario.expect
    out: list[str] = []
    if expect.approved is not None and result.approved != expect.approved:
        out.append(f"approved: expected {expect.approved}, got {result.approved}")
    decision = result.decisions[0]
    statuses = {r.name: r for r in decision.rules}
    for name, wanted in expect.rules.items():
        rule = statuses.get(name)
        got = rule.status if rule else "(no such rule)"
        if got != wanted:
            detail = f" ({'; '.join(rule.missing)})" if rule and rule.missing else ""
            out.append(f"rule {name}: expected {wanted}, got {got}{detail}")
    if expect.fail_closed is not None:
        closed = any(d.errors for d in result.decisions)
        if closed != expect.fail_closed:
            reasons = "; ".join(e for d in result.decisions for e in d.errors)
            out.append(
                f"failClosed: expected {expect.fail_closed}, got {closed}"
                + (f" ({reasons})" if reasons else "")
            )
    if expect.freeze is not None:
        freeze = decision.freeze
        got_freeze = "blocked" if freeze.blocked else "exempt" if freeze.exception_used else "none"
        if got_freeze != expect.freeze:
            out.append(f"freeze: expected {expect.freeze}, got {got_freeze}")
    if expect.break_glass is not None and (result.break_glass is not None) != expect.break_glass:
        glass = decision.break_glass
        why = "; ".join([*glass.problems, *(r.reason for r in glass.refused)]) if glass else ""
        out.append(
            f"breakGlass: expected {expect.break_glass}, got {result.break_glass is not None}"
            + (f" ({why})" if why else "")
        )
    return out


def _copy_repository(root: Path, target: Path) -> None:
    """The ITSM files of the work tree (itsm.yaml and every enabled kind's folder)."""
    layout = Layout.from_config(load_config(root))
    for relative in sorted({CONFIG_FILE, *layout.folders.values()}):
        source = root / relative
        if source.is_dir():
            shutil.copytree(
                source,
                target / relative,
                symlinks=True,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns(".*"),
            )
        elif source.is_file():
            (target / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / relative)


def _apply(root: Path, change: ChangeSpec, change_at: ChangeLocator) -> None:
    def fail(where: tuple[str | int, ...], message: str) -> ScenarioError:
        return ScenarioError(f"{change_at(where)}: change.{where[0]}: {message}")

    for old, new in change.rename.items():
        if not (root / old).is_file():
            raise fail(("rename", old), f"{old} does not exist in the repository")
        (root / new).parent.mkdir(parents=True, exist_ok=True)
        (root / old).rename(root / new)
    for index, path in enumerate(change.delete):
        if not (root / path).is_file():
            raise fail(("delete", index), f"{path} does not exist in the repository")
        (root / path).unlink()
    for path, content in change.write.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        text = content if isinstance(content, str) else dump(content)
        target.write_text(text, encoding="utf-8")
    for path, edits in change.set_.items():
        target = root / path
        if not target.is_file():
            raise fail(("set", path), f"{path} does not exist in the repository")
        try:  # YAML 1.2, as itsm reads it ("no" stays a string)
            data = parse(decode(target.read_bytes())).data
        except YamlProblem as exc:
            raise fail(("set", path), f"{path}:{exc.line}:{exc.column}: {exc.message}") from None
        for dotted, value in edits.items():
            try:
                _set(data, dotted.split("."), value)
            except ValueError as exc:
                raise fail(("set", path, dotted), f"{path}: {exc}") from None
        target.write_text(dump(data), encoding="utf-8")


def _set(data: Any, keys: list[str], value: Any) -> None:
    """Set (or with None, remove) a dotted field; ValueError says why it cannot."""
    dotted = ".".join(keys)
    node = data
    for key in keys[:-1]:
        if not isinstance(node, dict):
            raise ValueError(f"cannot set {dotted}: {key} is not under a mapping")
        if value is None and key not in node:
            node = None  # nothing to remove under a mapping that is not there
            break
        node = node.setdefault(key, {})
    if value is None:
        if not isinstance(node, dict) or keys[-1] not in node:
            # A typo'd field name (or a stray flow-mapping entry) must not pass silently.
            raise ValueError(f"{dotted} is not in the file; null removes a field that is there")
        del node[keys[-1]]
        return
    if not isinstance(node, dict):
        raise ValueError(f"cannot set {dotted}: its parent is not a mapping")
    node[keys[-1]] = value
