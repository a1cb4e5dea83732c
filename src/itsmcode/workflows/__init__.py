"""The GitHub Actions workflows of an ITSM repository, shipped as package data.

``itsm init`` writes them into a new repository, and the project's own example
repository uses the very same files: a test checks that the project root's
``.github/workflows/`` equals these templates byte for byte. What each workflow does,
and why the approval gate is safe against the pull request it judges, is in
docs/ci.md and docs/security.md.

- ``validate.yml``: lint annotations and the semantic diff (job summary, one PR comment);
- ``approval.yml``: the approval gate, sets the ``itsm/approval`` commit status;
- ``approval-review.yml``: the review trigger that re-runs the gate via ``workflow_run``;
- ``record.yml``: the approval record as a git note when a pull request merges.
"""

from __future__ import annotations

from importlib import resources

#: Where the workflows live in a repository.
WORKFLOW_DIR = ".github/workflows"
#: The commit status the approval gate sets; the check to require in branch protection.
STATUS_CONTEXT = "itsm/approval"
#: Every repository gets this one.
VALIDATE: tuple[str, ...] = ("validate.yml",)
#: Only with an approval policy (the change practice): without one the gate fails closed.
APPROVAL: tuple[str, ...] = ("approval.yml", "approval-review.yml", "record.yml")


def workflow_files(*, approval: bool = True) -> dict[str, str]:
    """Repository-relative POSIX path -> text of the workflows a repository gets.

    ``approval=False`` leaves out the approval gate and the record, for a repository
    without an approval policy.
    """
    package = resources.files(__name__)
    names = VALIDATE + APPROVAL if approval else VALIDATE
    return {
        f"{WORKFLOW_DIR}/{name}": package.joinpath(name).read_text(encoding="utf-8")
        for name in names
    }
