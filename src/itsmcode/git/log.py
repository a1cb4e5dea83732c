"""The git reads of the audit, in a fixed number of processes whatever the history length.

- one ``git log --first-parent --raw -z`` pass: every commit of the protected branch
  with its identities, dates, signature status (``%G?``), message and the blobs it
  changed against its first parent;
- one ``git log`` pass over the side commits (the commits a merge brought in) for
  the identities of a pull request's authors and committers;
- one ``git notes list`` for the approval records, and one ``git log`` of the notes
  ref for when each record was first written (an upper bound of when the merge
  landed); the records' blobs (like every changed
  entity file) come through ``gitsource.GitRepo.read_blobs``: one ``cat-file --batch``;
- one ``git cat-file --batch-check`` for the trees of recorded head commits;
- one ``git log --no-walk --stdin`` for the committer dates of parents outside the
  first-parent line (the lower bound of when a merge landed, ``landed``);
- one ``git rev-list --first-parent`` of the branch for the ledger's check that every
  audited head stays on the first-parent line;
- per merge commit, one ``git merge-tree --write-tree`` (git 2.39 has no batch mode)
  and, only when the merge's tree differs from the clean merge, one ``diff-tree``.

An adapter over ``gitsource.GitRepo`` (which owns running git), as ``policy.gitfacts``
is: these queries are only the audit's.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from itsmcode.errors import GitError
from itsmcode.git.facts import GitCommit, Identity
from itsmcode.git.repo import GitRepo, TreeEntry

_MARK = "\x01"
#: Fields of one commit in the log pass; the message comes last (it may hold newlines).
_FORMAT = (
    _MARK
    + "%x00".join(("%H", "%P", "%T", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%G?", "%B"))
    + "%x00"
)
_FIELDS = 11
_ZERO = re.compile(r"^0+$")
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")

#: ``%G?`` letters as the audit reports them.
SIGNATURES = {
    "G": "good",
    "U": "good-untrusted",
    "B": "bad",
    "E": "unknown-key",
    "N": "unsigned",
    "X": "expired-signature",
    "Y": "expired-key",
    "R": "revoked-key",
}
SHALLOW_HINT = (
    "this is a shallow clone: the audit needs the full history (git fetch --unshallow, "
    "or actions/checkout with fetch-depth: 0)"
)


@dataclass(frozen=True)
class FileChange:
    """A path whose blob differs from the first parent (``old``/``new`` None: absent)."""

    path: str
    old: TreeEntry | None
    new: TreeEntry | None

    @property
    def status(self) -> str:
        if self.old is None:
            return "added"
        return "removed" if self.new is None else "modified"


@dataclass(frozen=True)
class LogCommit:
    """One commit of the protected branch as the log pass saw it."""

    sha: str
    parents: tuple[str, ...]
    tree: str
    author: Identity
    author_date: datetime
    committer: Identity
    committer_date: datetime
    signature: str  # a value of SIGNATURES
    message: str
    changes: tuple[FileChange, ...]

    @property
    def subject(self) -> str:
        return self.message.split("\n", 1)[0]


def parse_time(text: str) -> datetime:
    value = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return value if value.tzinfo else value.replace(tzinfo=timezone.utc)


@dataclass(frozen=True)
class CleanMerge:
    """What ``git merge-tree`` makes of a merge's two parents."""

    tree: str  # the clean merge's tree (with conflict markers where it conflicted)
    conflicts: tuple[str, ...]  # paths git could not merge


class AuditGit(GitRepo):
    """GitRepo plus the batch reads of ``itsm audit`` and ``itsm history``."""

    def _run_input(self, args: Sequence[str], data: bytes) -> bytes:
        """``git ARGS`` with ``data`` on stdin (a list too long for the command line)."""
        return self._run(*args, data=data)[1]

    def committer_dates(self, commits: Iterable[str]) -> dict[str, datetime]:
        """Commit -> committer date, in one process."""
        wanted = sorted({c for c in commits if _SHA.match(c)})
        if not wanted:
            return {}
        out = self._run_input(
            ("log", "--no-walk=unsorted", "--stdin", "--format=%H %cI"),
            "".join(f"{c}\n" for c in wanted).encode(),
        )
        found: dict[str, datetime] = {}
        for line in out.decode().splitlines():
            sha, _, when = line.partition(" ")
            if when:
                found[sha] = parse_time(when)
        return found

    def first_parent_line(self, tip: str) -> set[str]:
        """Every commit on ``tip``'s first-parent line (one ``rev-list``)."""
        _, out, _ = self._run("rev-list", "--first-parent", tip, "--")
        return set(out.decode().split())

    def clean_merge(self, first: str, second: str) -> CleanMerge:
        """The tree git makes of merging two commits, and the paths that conflicted."""
        code, out, _ = self._run(
            "merge-tree",
            "--write-tree",
            "--name-only",
            "--no-messages",
            # A merge of an unrelated history is still a merge to verify, not a git error.
            "--allow-unrelated-histories",
            "-z",
            first,
            second,
            ok=(0, 1),
        )
        tokens = out.split(b"\0")
        paths = tuple(self._relative(t) for t in tokens[1:] if t) if code == 1 else ()
        return CleanMerge(tokens[0].decode().strip(), paths)

    def tree_changes(self, old: str, new: str) -> list[FileChange]:
        """Every file whose blob differs between two trees (or commits)."""
        _, out, _ = self._run(
            "diff-tree", "-r", "-z", "--no-renames", "--raw", "--full-index", old, new, "--"
        )
        return [FileChange(c.path, c.old, c.new) for c in self._parse_raw(out)]

    def first_parent_log(self, revisions: Iterable[str]) -> list[LogCommit]:
        """Commits of ``revisions`` along the first parent, oldest first, in one pass."""
        self._refuse_shallow_if_needed()
        _, out, _ = self._run(
            "-c",
            "log.showSignature=false",
            "log",
            "--first-parent",
            "--diff-merges=first-parent",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "-z",
            "--no-color",
            "--reverse",
            f"--format={_FORMAT}",
            *revisions,
            "--",
        )
        return list(self._parse_log(out))

    def _refuse_shallow_if_needed(self) -> None:
        if self.is_shallow():
            raise GitError(f"cannot audit a partial history; {SHALLOW_HINT}")

    def _parse_log(self, out: bytes) -> Iterator[LogCommit]:
        tokens = out.split(b"\0")
        i, n = 0, len(tokens)
        while i < n:
            token = tokens[i]
            if not token.startswith(_MARK.encode()) and not token.lstrip(b"\n").startswith(
                _MARK.encode()
            ):
                i += 1
                continue
            head = [t.decode("utf-8", "replace") for t in tokens[i : i + _FIELDS]]
            head[0] = head[0].lstrip("\n")[1:]
            i += _FIELDS
            changes: list[FileChange] = []
            while i < n:
                meta = tokens[i].lstrip(b"\n")
                if meta.startswith(_MARK.encode()):
                    break
                if not meta.startswith(b":"):
                    i += 1
                    continue
                changes.append(self._change(meta.decode(), tokens[i + 1]))
                i += 2
            sha, parents, tree, an, ae, ad, cn, ce, cd, sig, message = head
            yield LogCommit(
                sha=sha,
                parents=tuple(parents.split()),
                tree=tree,
                author=Identity(an, ae),
                author_date=parse_time(ad),
                committer=Identity(cn, ce),
                committer_date=parse_time(cd),
                signature=SIGNATURES.get(sig.strip(), "unknown"),
                message=message.strip("\n"),
                changes=tuple(changes),
            )

    def _change(self, meta: str, raw_path: bytes) -> FileChange:
        old_mode, new_mode, old_sha, new_sha, _status = meta[1:].split()
        return FileChange(
            self._relative(raw_path),
            None if _ZERO.match(old_sha) else TreeEntry(old_mode, old_sha),
            None if _ZERO.match(new_sha) else TreeEntry(new_mode, new_sha),
        )

    def side_commits(
        self, revisions: Iterable[str]
    ) -> dict[str, tuple[tuple[str, ...], GitCommit]]:
        """sha -> (parents, commit with its identities and message) of every commit
        ``revisions`` reach: a merged pull request's commits, for ``identities.writers``."""
        _, out, _ = self._run(
            "-c",
            "log.showSignature=false",
            "log",
            "-z",
            "--format=%H%x00%P%x00%an%x00%ae%x00%cn%x00%ce%x00%B",
            *revisions,
            "--",
        )
        found: dict[str, tuple[tuple[str, ...], GitCommit]] = {}
        # -z ends each commit with a NUL, so every commit is seven NUL-separated fields.
        fields = out.decode("utf-8", "replace").split("\0")
        for k in range(0, len(fields) - 6, 7):
            sha, parents, an, ae, cn, ce = (f.strip("\n") for f in fields[k : k + 6])
            if sha:
                commit = GitCommit(sha, Identity(an, ae), Identity(cn, ce), fields[k + 6])
                found[sha] = (tuple(parents.split()), commit)
        return found

    def all_files(self, commit: str) -> dict[str, TreeEntry]:
        """Every blob of a commit under the ITSM root (one ``ls-tree``)."""
        return self._ls_tree(commit, [self.prefix.rstrip("/") or "."])

    def notes(self, ref: str) -> dict[str, str]:
        """Annotated commit -> note blob id, for every note under ``ref`` (none: empty)."""
        if self.ref_commit(ref) is None:
            return {}
        _, out, _ = self._run("notes", f"--ref={ref}", "list")
        found: dict[str, str] = {}
        for line in out.decode().splitlines():
            parts = line.split()
            if len(parts) == 2:
                found[parts[1]] = parts[0]
        return found

    def notes_written(self, ref: str) -> dict[str, datetime]:
        """Annotated commit -> committer date of the first notes commit that wrote its
        note (one ``git log`` of the notes ref): the record workflow writes it right
        after the merge, so the merge existed by then."""
        if self.ref_commit(ref) is None:
            return {}
        _, out, _ = self._run(
            "log", "--reverse", "--format=\x01%cI", "--name-only", "--no-renames", ref, "--"
        )
        found: dict[str, datetime] = {}
        when: datetime | None = None
        for line in out.decode("utf-8", "replace").splitlines():
            if line.startswith(_MARK):
                when = parse_time(line[1:])
            elif line and when is not None:
                annotated = line.replace("/", "")  # notes fan out as ab/cdef...
                if annotated not in found or when < found[annotated]:
                    found[annotated] = when
        return found

    def ref_commit(self, ref: str) -> str | None:
        """The object id ``ref`` names, or None when it does not exist."""
        code, out, _ = self._run("rev-parse", "--verify", "--quiet", ref, ok=(0, 1, 128))
        return out.decode().strip() if code == 0 else None

    def is_ancestor(self, ancestor: str, descendant: str) -> bool:
        code, _, _ = self._run("merge-base", "--is-ancestor", ancestor, descendant, ok=(0, 1, 128))
        return code == 0

    def exists(self, sha: str) -> bool:
        code, _, _ = self._run("cat-file", "-e", f"{sha}^{{commit}}", ok=(0, 1, 128))
        return code == 0

    def trees_of(self, commits: Iterable[str]) -> dict[str, str | None]:
        """Commit -> its tree id (None when unknown here), in one ``cat-file`` process."""
        wanted = sorted({c for c in commits if _SHA.match(c)})
        if not wanted:
            return {}
        out = self._run_input(
            ("cat-file", "--batch-check"), "".join(f"{c}^{{tree}}\n" for c in wanted).encode()
        )
        found: dict[str, str | None] = {}
        lines = out.decode().splitlines()
        for commit, line in zip(wanted, lines, strict=False):
            parts = line.split()
            found[commit] = parts[0] if len(parts) == 3 and parts[1] == "tree" else None
        return found

    def commit_at_date(self, when: datetime, revision: str, label: str | None = None) -> str:
        """The last commit on ``revision``'s first-parent line committed at or before ``when``.

        Along the first parent only: a side-branch commit written before the date but
        merged after it was not on the branch then.
        """
        tip = self.resolve(revision)
        stamp = str(int(when.timestamp()))
        _, out, _ = self._run("log", "--first-parent", "--format=%H %ct", tip, "--")
        for line in out.decode().splitlines():
            sha, _, ct = line.partition(" ")
            if ct and int(ct) <= int(stamp):
                return sha
        hint = f"; {SHALLOW_HINT}" if self.is_shallow() else ""
        raise GitError(
            f"no commit at or before {label or when.isoformat()} on the first-parent "
            f"line of {revision}{hint}"
        )
