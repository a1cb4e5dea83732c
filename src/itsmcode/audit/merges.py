"""Evil merges: a merge commit whose tree is not the merge of its parents.

A pull request is approved for its head; GitHub's merge button writes exactly
``git merge`` of the base and that head. A merge made locally can carry content of
its own (loosen an SLA, add a file, drop part of the pull request) that no review
saw, while the approval record still matches its tree. So every merge on the
first-parent line is compared with ``git merge-tree --write-tree <first> <second>``
(the clean merge of its parents): any path where the merge's tree differs is a change
of its own with no approval (control ``evil-merge``).

When the parents conflict, ``merge-tree`` writes the conflicted files with their
markers: the merge's resolution then differs at those paths and is judged the same
way, a change nobody approved. A conflict is resolved on the pull request's branch
(merge the base into it), where the review sees the resolution. An octopus merge
cannot be checked against a two-way merge and fails closed.
"""

from __future__ import annotations

from collections.abc import Callable

from itsmcode.audit.evidence import Violation
from itsmcode.audit.replay import Step
from itsmcode.git.log import AuditGit, FileChange

#: How a path of the merge differs from the clean merge, in words.
_HOW = {
    "added": "added by the merge",
    "removed": "removed by the merge",
    "modified": "differs from the clean merge",
}


def evil_merge(repo: AuditGit, step: Step, in_scope: Callable[[str], bool]) -> Violation | None:
    """The ``evil-merge`` violation of a merge step, or None when it is a clean merge.

    Only paths in the audit's scope count.
    """
    commit = step.commit
    if len(commit.parents) < 2:
        return None
    if len(commit.parents) > 2:
        return Violation(
            "evil-merge",
            f"octopus merge {commit.sha[:12]} ({len(commit.parents)} parents) cannot be "
            "compared with a clean two-way merge: its content is unverified, treat it as "
            "unapproved",
        )
    clean = repo.clean_merge(commit.parents[0], commit.parents[1])
    if clean.tree == commit.tree:
        return None
    changes = [c for c in repo.tree_changes(clean.tree, commit.tree) if in_scope(c.path)]
    if not changes:
        return None
    conflicted = set(clean.conflicts)
    parts = [_describe(step, c, c.path in conflicted) for c in changes]
    return Violation(
        "evil-merge",
        f"the tree of merge {commit.sha[:12]} is not the clean merge of its parents "
        f"(git merge-tree): {'; '.join(parts)}; a change of its own that no approval covers",
    )


def _describe(step: Step, change: FileChange, conflicted: bool) -> str:
    labels = [
        f"{e.kind} {e.name}"
        for e in step.entities
        if e.kind and e.name and change.path in (e.path, e.old_path)
    ]
    label = f" ({', '.join(labels)})" if labels else ""
    how = "conflict resolved in the merge" if conflicted else _HOW[change.status]
    return f"{change.path}{label} {how}"
