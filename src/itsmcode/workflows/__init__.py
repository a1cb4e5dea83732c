"""The GitHub Actions workflows of an ITSM repository, shipped as package data.

``itsm init`` writes them into a new repository, and the project's own example
repository uses the very same files: a test checks that the project root's
``.github/workflows/`` equals these templates byte for byte. What each workflow does,
and why the approval gate is safe against the pull request it judges, is in
docs/ci.md and docs/security.md.

- ``validate.yml``: lint annotations and the semantic diff (job summary, one PR comment);
- ``approval.yml``: the approval gate, sets the ``itsm/approval/<base branch>`` commit
  status (re-evaluated every 30 minutes for open pull requests into protected branches);
- ``approval-review.yml``: the review trigger that re-runs the gate via ``workflow_run``;
- ``record.yml``: the approval record as a git note when a pull request merges;
- ``calendar-feed.yml``: the schedule of change as an iCalendar feed on GitHub Pages
  (opt-in: it needs Pages enabled, so ``itsm init`` does not write it);
- ``site.yml``: the repository's website (``itsm site build``, with the feed) on GitHub
  Pages, opt-in like the feed, which it replaces.

Each installs itsmcode from a git repository pinned to a commit in its ``env:``
(pin.py), never from the repository it runs in or from a package index.
"""

from __future__ import annotations

from importlib import resources

from itsmcode.load.layout import WORKFLOW_DIR
from itsmcode.workflows.pin import GateSource, render

#: The commit status the approval gate sets is this prefix, "/" and the base branch.
STATUS_CONTEXT_PREFIX = "itsm/approval"
#: Every repository gets this one.
VALIDATE: tuple[str, ...] = ("validate.yml",)
#: Only with an approval policy (the change practice): without one the gate fails closed.
APPROVAL: tuple[str, ...] = ("approval.yml", "approval-review.yml", "record.yml")
#: Opt-in: publishing needs GitHub Pages enabled on the repository (docs/calendar.md).
FEED: tuple[str, ...] = ("calendar-feed.yml",)
#: Opt-in, as the feed (and instead of it: one Pages site per repository; docs/site.md).
SITE: tuple[str, ...] = ("site.yml",)


def workflow_paths(*, approval: bool = True, feed: bool = False) -> list[str]:
    """Repository-relative POSIX paths of the workflows a repository gets."""
    names = (VALIDATE + APPROVAL if approval else VALIDATE) + (FEED if feed else ())
    return [f"{WORKFLOW_DIR}/{name}" for name in names]


def templates() -> dict[str, str]:
    """Repository-relative path -> text of every shipped workflow, as shipped.

    They carry this project's own pin of itsmcode: the project's ``.github/workflows/``
    is a byte-for-byte copy.
    """
    package = resources.files(__name__)
    return {
        f"{WORKFLOW_DIR}/{name}": package.joinpath(name).read_text(encoding="utf-8")
        for name in VALIDATE + APPROVAL + FEED + SITE
    }


def workflow_files(
    gate: GateSource, *, approval: bool = True, feed: bool = False
) -> dict[str, str]:
    """Repository-relative POSIX path -> text of the workflows a repository gets.

    Each installs itsmcode from ``gate`` (pin.py). ``approval=False`` leaves out the
    approval gate and the record, for a repository without an approval policy;
    ``feed=True`` adds the calendar feed.
    """
    shipped = templates()
    paths = workflow_paths(approval=approval, feed=feed)
    return {path: render(shipped[path], gate) for path in paths}


def status_context(base_ref: str) -> str:
    """The commit status the gate sets for a pull request into ``base_ref``.

    The check to require in the branch protection of ``main`` is
    ``status_context("main")``, ``itsm/approval/main``. A status belongs to a commit,
    not to a pull request: naming the base branch keeps another pull request of the same
    head, into a branch with a weaker policy, from setting the check of ``main``.
    """
    return f"{STATUS_CONTEXT_PREFIX}/{base_ref}"
