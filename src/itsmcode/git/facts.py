"""Git facts the policy needs beyond the diff: every changed path, commit identities,
parents, blob ids and writing notes.

An adapter over ``gitsource.GitRepo`` (the one runner of git) rather than an edit of
it: the semantic diff owns that module, and these calls are only the policy's.
"""

from __future__ import annotations

import os
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from itsmcode.errors import GitError
from itsmcode.git.repo import GitRepo, run_git


@dataclass(frozen=True)
class PathChange:
    """A path that differs between two commits, relative to the ITSM root.

    Paths outside the ITSM root (when ``itsm.yaml`` sits in a subfolder) keep their
    path from the top of the git repository, so ``.github/**`` still matches them.
    """

    path: str
    status: str  # added | modified | removed
    mode: str = ""  # git mode at the new side ("120000": a symbolic link); "" when removed


def control_character_paths(paths: Iterable[PathChange]) -> list[str]:
    """Why each changed path holding a control character (a newline, ESC, DEL...) or a
    byte that is not UTF-8 fails the check: such a name shows as something else to
    reviewers and to tools reading lines, so nobody can be said to have approved what it
    is."""
    problems = []
    for change in paths:
        bad = next((c for c in change.path if unicodedata.category(c) in ("Cc", "Cs")), None)
        if bad is None:
            continue
        if unicodedata.category(bad) == "Cs":
            # A byte that is not UTF-8 (read back as a lone surrogate): GitHub shows it as
            # U+FFFD, so the name reviewers saw is not the file's name either.
            what = f"is not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02X})"
        else:
            what = f"holds a control character (U+{ord(bad):04X})"
        problems.append(
            f"changed path {change.path!r} {what}; the check fails closed: rename the file"
        )
    return problems


@dataclass(frozen=True)
class Identity:
    name: str
    email: str


@dataclass(frozen=True)
class GitCommit:
    sha: str
    author: Identity
    committer: Identity
    message: str


class PolicyGit(GitRepo):
    """GitRepo plus the few queries ``itsm policy`` makes."""

    def changed_paths(self, old: str, new: str) -> list[PathChange]:
        """Every file of the whole git tree that differs, not only the ITSM folders."""
        _, out, _ = self._run("diff-tree", "-r", "-z", "--no-renames", "--raw", old, new)
        found: list[PathChange] = []
        for _, new_mode, _, _, code, path in self._raw_entries(out):
            status = {"A": "added", "D": "removed"}.get(code[0], "modified")
            found.append(PathChange(path, status, "" if status == "removed" else new_mode))
        return found

    def test_merge(self, base: str, head: str) -> str | None:
        """A commit holding what merging ``head`` into ``base`` would land (parents: both),
        or None when the two conflict.

        Made like GitHub's test merge (``git merge-tree``, the ort strategy), written as
        an unreferenced commit object so that every reader of commits can read it.
        """
        code, out, _ = self._run(
            "merge-tree", "--write-tree", "--no-messages", base, head, ok=(0, 1)
        )
        if code != 0:
            return None
        tree = out.decode().split()[0]
        identity = ["-c", "user.name=itsmcode", "-c", "user.email=itsmcode@users.noreply.localhost"]
        identity += ["-c", "commit.gpgsign=false"]
        _, made, _ = self._run(
            *identity,
            "commit-tree",
            tree,
            "-p",
            base,
            "-p",
            head,
            "-m",
            f"itsmcode: test merge of {head} into {base}",
        )
        return made.decode().strip()

    def commits(self, old: str, new: str) -> list[GitCommit]:
        """The commits in ``old..new``: who wrote them and their messages (trailers)."""
        # Merge commits included: whoever merged the target into the branch (resolving
        # conflicts) wrote part of the pull request too.
        _, out, _ = self._run(
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--format=%H%x00%an%x00%ae%x00%cn%x00%ce%x00%B",
            f"{old}..{new}",
            "--",
        )
        # -z ends each commit with a NUL, so every commit is six NUL-separated fields.
        fields = out.decode("utf-8", "replace").split("\0")
        return [
            GitCommit(
                fields[i],
                Identity(fields[i + 1], fields[i + 2]),
                Identity(fields[i + 3], fields[i + 4]),
                fields[i + 5],
            )
            for i in range(0, len(fields) - 5, 6)
        ]

    def first_parent_chain(self, base: str, head: str) -> list[str]:
        """The commits of ``base..head`` along first parents, oldest first."""
        _, out, _ = self._run("rev-list", "--first-parent", "--reverse", f"{base}..{head}", "--")
        return out.decode().split()

    def has_commit(self, sha: str) -> bool:
        """Whether the commit object is in this clone (no ref needs to name it)."""
        code, _, _ = self._run("cat-file", "-e", f"{sha}^{{commit}}", ok=(0, 1, 128))
        return code == 0

    def parents(self, commit: str) -> list[str]:
        _, out, _ = self._run("rev-list", "--parents", "-n", "1", commit)
        return out.decode().split()[1:]

    def tree_of(self, commit: str) -> str:
        _, out, _ = self._run("rev-parse", "--verify", f"{commit}^{{tree}}")
        return out.decode().strip()

    def blob_at(self, commit: str, path: str) -> str | None:
        """The blob id of ``path`` (relative to the ITSM root) at ``commit``, if any."""
        entry = self.ls_tree(commit, [path]).get(path)
        return entry.sha if entry else None

    def add_note(self, commit: str, text: str, ref: str) -> None:
        """Attach ``text`` as the note of ``commit`` under ``ref`` (replacing one)."""
        if not ref.startswith("refs/notes/"):
            raise GitError(f"notes ref {ref!r} must start with refs/notes/")
        # Through a file, not -m: the note must be the exact bytes of the record.
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", suffix=".json", delete=False
        ) as handle:
            handle.write(text)
        # A CI runner often has no git identity; the notes commit then gets a neutral one
        # (the record itself says who approved; the notes commit's author is incidental).
        code, _, _ = self._run("var", "GIT_COMMITTER_IDENT", ok=(0, 1, 128))
        identity = (
            []
            if code == 0
            else ["-c", "user.name=itsmcode", "-c", "user.email=itsmcode@users.noreply.localhost"]
        )
        try:
            self._run(*identity, "notes", f"--ref={ref}", "add", "-f", "-F", handle.name, commit)
        finally:
            os.unlink(handle.name)


def scratch_commit(directory: Path, message: str, name: str, email: str) -> str:
    """Commit everything in ``directory`` (initialising a repository there if needed) and
    return the commit id. Only for ``policy test``, in a temporary directory of its own."""
    if not (directory / ".git").exists():
        _git(directory, "init", "-q")
    _git(directory, "add", "-A")
    _git(
        directory,
        "-c",
        f"user.name={name}",
        "-c",
        f"user.email={email}",
        "-c",
        "commit.gpgsign=false",
        "commit",
        "-q",
        "--allow-empty",
        "--no-verify",
        "-m",
        message,
    )
    return _git(directory, "rev-parse", "HEAD").strip()


def _git(cwd: Path, *args: str) -> str:
    return run_git(cwd, args)[1].decode("utf-8", "replace")
