"""``itsm policy check`` as a library call: gather the facts from git, decide.

The policy, the teams and the calendars come from the *base* commit (the target
branch tip), never from the pull request. The changes are ``base..landed``: what the
merge lands on the base. For a branch up to date with the base that is the head (the
same as GitHub's three-dot diff); for a branch taken from an older base it is a test
merge, so the base's folders and files decide, never a stale merge base's. When the
pull request touches the policy (or ``itsm.yaml``, which says where the policy lives)
it must satisfy the head policy too, still judged with the base teams and calendars.
Whether the catalog can be judged at all (duplicates, files that do not load, links,
alias paths) is ``integrity.gather``'s, shared with the audit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Literal

from itsmcode.diff.engine import diff_repository
from itsmcode.diff.snapshots import config_at, load_commit
from itsmcode.git.facts import PolicyGit
from itsmcode.load.catalog import Catalog
from itsmcode.load.layout import CONFIG_FILE, Layout
from itsmcode.models import ApprovalPolicy
from itsmcode.policy.breakglass import BreakGlassUse
from itsmcode.policy.evaluate import Decision, evaluate, failed_closed
from itsmcode.policy.facts import Facts, Item, PullFacts, with_writers
from itsmcode.policy.github import Review
from itsmcode.policy.integrity import gather


@dataclass
class CheckResult:
    """Every decision made for one pull request, and whether it may merge."""

    pr: PullFacts
    merge_base: str
    decisions: list[Decision]
    items: list[Item] = field(default_factory=list)
    policy_blob: str | None = None

    @property
    def approved(self) -> bool:
        return bool(self.decisions) and all(d.approved for d in self.decisions)

    @property
    def break_glass(self) -> BreakGlassUse | None:
        """The break-glass use it passes on (the base decision's; None: none needed or
        it does not pass)."""
        if not self.approved:
            return None
        used = [d.break_glass.used for d in self.decisions if d.by_break_glass and d.break_glass]
        return used[0] if used else None


@dataclass(frozen=True)
class LoadedPolicy:
    policy: ApprovalPolicy | None
    path: str | None
    problem: str | None


def find_policy(catalog: Catalog, commit: str) -> LoadedPolicy:
    """The one valid ApprovalPolicy of a snapshot, or why there is none (fail closed)."""
    short = commit[:12]
    path = Layout.from_config(catalog.config).folders.get("ApprovalPolicy")
    if path is None:
        return LoadedPolicy(
            None,
            None,
            (
                f"no approval policy at {short}: the 'change' practice is not enabled in "
                f"{CONFIG_FILE}; nothing may merge unreviewed, so the check fails closed"
            ),
        )
    records = [
        r
        for r in catalog.records
        if r.path == path or r.path.startswith(path + "/") or r.kind == "ApprovalPolicy"
    ]
    if not records:
        return LoadedPolicy(
            None,
            path,
            (f"no approval policy at {short}: {path} does not exist; the check fails closed"),
        )
    for record in records:
        if record.entity is None or record.problems:
            first = record.problems[0] if record.problems else None
            where = (
                f"{first.location.path}:{first.location.line}:{first.location.column}: "
                f"{first.message}"
                if first
                else f"{record.path}: not an ApprovalPolicy"
            )
            return LoadedPolicy(
                None,
                record.path,
                (f"invalid approval policy at {short}: {where}; the check fails closed"),
            )
    policies = [r for r in records if isinstance(r.entity, ApprovalPolicy)]
    if len(policies) != 1:
        found = ", ".join(r.path for r in records)
        return LoadedPolicy(
            None,
            path,
            (
                f"expected one ApprovalPolicy at {short}, found {len(policies)} ({found}); "
                "the check fails closed"
            ),
        )
    entity = policies[0].entity
    assert isinstance(entity, ApprovalPolicy)
    return LoadedPolicy(entity, policies[0].path, None)


def run_check(
    root: Path,
    pr: PullFacts,
    reviews: Sequence[Review],
    now: datetime,
    *,
    landed: str | None = None,
) -> CheckResult:
    """Evaluate the pull request ``pr`` (base and head shas in it) in the repo at root.

    ``landed`` is the commit whose tree the pull request lands (``policy record``: the
    merge commit); by default the head when the branch is up to date with the base,
    else a test merge of the head into the base, as GitHub would make it.
    """
    repo = PolicyGit(root)
    base = repo.resolve(pr.base_sha)
    head = repo.resolve(pr.head_sha)
    merge_base = repo.merge_base(base, head)
    pr = replace(pr, head_sha=head, base_sha=base)
    base_config = config_at(repo, base)
    if base_config is None:
        reason = (
            f"no valid {CONFIG_FILE} at the base commit {base[:12]}; the approval "
            "policy cannot be read, so the check fails closed"
        )
        return CheckResult(pr, merge_base, [failed_closed("base", None, base, reason)])
    if landed is not None:
        landed = repo.resolve(landed)
    elif merge_base == base:
        landed = head
    else:
        # A branch taken from an older base: merge-base..head would be judged with the
        # merge base's files and folders, not the base's. What the merge lands on the
        # base is what gets judged (and what the audit later re-judges).
        landed = repo.test_merge(base, head)
        if landed is None:
            reason = (
                f"the pull request conflicts with its base {base[:12]}, so what it would "
                "land cannot be judged; bring the branch up to date with the base (merge "
                "or rebase), the check fails closed"
            )
            return CheckResult(pr, merge_base, [failed_closed("base", None, base, reason)])
    base_catalog = load_commit(repo, base)
    # The head is read through the base's folders too: a pull request that moves a
    # kind's folder in itsm.yaml is judged under both layouts.
    head_catalog = load_commit(repo, landed, base_config, also=base_config)
    changeset = diff_repository(root, None, (f"{base}..{landed}",))
    paths = repo.changed_paths(base, landed)
    # base..head, not merge-base..head: commits the branch merged in from the target
    # are the target's, and their authors may well approve.
    pr = with_writers(pr, repo.commits(base, head), base_catalog)
    layouts = [Layout.from_config(base_config), Layout.from_config(head_catalog.config)]
    facts = gather(pr, changeset, paths, base_catalog, head_catalog, layouts)
    items = facts.items

    loaded = find_policy(base_catalog, base)
    blob = repo.blob_at(base, loaded.path) if loaded.path else None
    decisions = [_decide(loaded, facts, reviews, now, "base", base)]
    head_loaded = find_policy(head_catalog, head)
    touched = {p for item in items for p in item.paths}
    policy_paths = {loaded.path, head_loaded.path, CONFIG_FILE} - {None}
    if touched & policy_paths or any(item.kind == "ApprovalPolicy" for item in items):
        decisions.append(_decide(head_loaded, facts, reviews, now, "head", head))
    return CheckResult(pr, merge_base, decisions, items, blob)


def _decide(
    loaded: LoadedPolicy,
    facts: Facts,
    reviews: Sequence[Review],
    now: datetime,
    source: Literal["base", "head"],
    commit: str,
) -> Decision:
    if loaded.policy is None:
        return failed_closed(source, loaded.path, commit, loaded.problem or "no policy")
    decision = evaluate(loaded.policy, facts, reviews, now, source=source, policy_path=loaded.path)
    decision.policy_commit = commit
    return decision
