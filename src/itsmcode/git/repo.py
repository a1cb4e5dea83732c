"""The one module that talks to git.

Everything else sees commit ids, file listings and blob bytes. Objects are read
straight from the object database (no checkout): listings with one ``git ls-tree`` or
``git diff-tree`` call, blob contents through a single ``git cat-file --batch`` stream
however many files are read. Every failure becomes a GitError whose message says what
to do, which the CLI prints as one line with exit 2.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from itsmcode.errors import GitError

#: Mode of a symbolic link in a git tree; its blob is the link's target, not a file.
SYMLINK_MODE = "120000"
_DATE_REF = re.compile(r"^\d{4}-\d{2}-\d{2}([Tt ][0-9:.]+([Zz]|[+-]\d{2}:?\d{2})?)?$")
_SHALLOW_HINT = (
    "this is a shallow clone: fetch the full history (git fetch --unshallow, or "
    "actions/checkout with fetch-depth: 0)"
)


@dataclass(frozen=True)
class TreeEntry:
    """A file of a commit's tree: git mode and blob id."""

    mode: str
    sha: str


@dataclass(frozen=True)
class TreeChange:
    """One line of ``git diff-tree --raw``: a path whose blob differs between two trees."""

    path: str
    old: TreeEntry | None
    new: TreeEntry | None


class Blob:
    """A blob read from the object database, or why it could not be used."""

    __slots__ = ("data", "problem", "sha")

    def __init__(self, sha: str, data: bytes | None, problem: str | None = None) -> None:
        self.sha = sha
        self.data = data
        self.problem = problem


def blob_id(data: bytes, object_format: str = "sha1") -> str:
    """The id git gives ``data`` as a blob (what ``git hash-object`` prints)."""
    digest = hashlib.new(object_format)
    digest.update(b"blob %d\0" % len(data))
    digest.update(data)
    return digest.hexdigest()


def git_executable() -> str:
    return os.environ.get("GIT_PYTHON_GIT_EXECUTABLE") or "git"


def run_git(
    cwd: Path,
    args: Sequence[str],
    *,
    ok: Sequence[int] = (0,),
    data: bytes | None = None,
    executable: str | None = None,
) -> tuple[int, bytes, str]:
    """The one way itsmcode runs a git command: exit code, stdout, stderr (decoded); an
    exit code outside ``ok`` or a missing git is a GitError naming the subcommand."""
    try:
        done = subprocess.run(
            [executable or git_executable(), *args],
            cwd=cwd,
            input=data,
            capture_output=True,
            check=False,
        )
    except OSError as exc:
        raise GitError(f"cannot run git: {exc.strerror or exc}; is git installed?") from None
    stderr = done.stderr.decode("utf-8", "replace").strip()
    if done.returncode not in ok:
        first = stderr.splitlines()[0] if stderr else f"exit status {done.returncode}"
        raise GitError(f"git {args[0]} failed: {first}")
    return done.returncode, done.stdout, stderr


class GitRepo:
    """A git repository holding an ITSM repository at ``root`` (maybe a subfolder)."""

    def __init__(self, root: Path) -> None:
        # Plain ``git rev-parse`` rather than gitpython: importing gitpython alone costs
        # more than a whole warm diff of a small change.
        self._executable = git_executable()
        self.toplevel = root.resolve()
        code, out, stderr = self._run(
            "rev-parse",
            "--is-bare-repository",
            "--absolute-git-dir",
            "--show-toplevel",
            ok=(0, 128),
        )
        if code != 0:
            if "not a git repository" in stderr:
                raise GitError(
                    f"{root} is not inside a git repository; comparing versions needs git "
                    "history (run 'git init' and commit, or clone the repository)"
                )
            raise GitError(f"git cannot read {root}: {stderr.splitlines()[0] if stderr else code}")
        lines = out.decode("utf-8", "surrogateescape").splitlines()
        if lines[0] == "true" or len(lines) < 3:
            raise GitError(f"{root}: a bare repository has no work tree; pass refs explicitly")
        self.git_dir = Path(lines[1])
        self.toplevel = Path(lines[2]).resolve()
        try:
            inside = root.resolve().relative_to(self.toplevel).as_posix()
        except ValueError:
            raise GitError(f"{root} is outside the git work tree {self.toplevel}") from None
        #: Where the ITSM repository sits in the git tree: "" or "ops/itsm/".
        self.prefix = "" if inside == "." else inside + "/"

    # -- running git -------------------------------------------------------------
    def _run(
        self, *args: str, ok: Sequence[int] = (0,), data: bytes | None = None
    ) -> tuple[int, bytes, str]:
        return run_git(self.toplevel, args, ok=ok, data=data, executable=self._executable)

    @property
    def object_format(self) -> str:
        return "sha256" if len(self.resolve("HEAD")) == 64 else "sha1"

    def is_shallow(self) -> bool:
        # Asked of git, not read from .git/shallow: a linked work tree keeps it elsewhere.
        code, out, _ = self._run("rev-parse", "--is-shallow-repository", ok=(0, 128))
        return code == 0 and out.strip() == b"true"

    def has_commits(self) -> bool:
        code, _, _ = self._run("rev-parse", "--verify", "--quiet", "HEAD^{commit}", ok=(0, 1))
        return code == 0

    # -- refs --------------------------------------------------------------------
    def resolve(self, ref: str) -> str:
        """The commit id ``ref`` names, or a GitError saying what to do."""
        if not ref or ref.startswith("-"):
            raise GitError(f"invalid revision '{ref}'")
        code, out, _ = self._run(
            "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", ok=(0, 1, 128)
        )
        if code == 0:
            return out.decode().strip()
        if not self.has_commits():
            raise GitError(
                "the repository has no commits yet; commit the ITSM files first "
                "(there is nothing to compare against)"
            )
        if self.is_shallow():
            raise GitError(f"unknown revision '{ref}'; {_SHALLOW_HINT}")
        raise GitError(
            f"unknown revision '{ref}'; check the name (git branch -a, git tag) "
            "or fetch it (git fetch origin)"
        )

    def merge_base(self, a: str, b: str) -> str:
        """The best common ancestor of two commits (``git merge-base``)."""
        code, out, _ = self._run("merge-base", a, b, ok=(0, 1))
        if code == 0 and out.strip():
            return out.decode().split()[0]
        if self.is_shallow():
            raise GitError(f"no merge base of {a[:12]} and {b[:12]} in this clone; {_SHALLOW_HINT}")
        raise GitError(f"{a[:12]} and {b[:12]} have no common ancestor; compare them with A..B")

    def commit_before(self, when: str) -> str:
        """The last commit of HEAD's history made at or before a date (``--at 2026-11-01``)."""
        if not _DATE_REF.match(when):
            raise GitError(f"'{when}' is neither a revision nor a date (YYYY-MM-DD)")
        self.resolve("HEAD")
        _, out, _ = self._run("rev-list", "-1", f"--before={when}", "HEAD")
        sha = out.decode().strip()
        if not sha:
            hint = f"; {_SHALLOW_HINT}" if self.is_shallow() else ""
            raise GitError(f"no commit at or before {when} in HEAD's history{hint}")
        return sha

    def looks_like_date(self, text: str) -> bool:
        return bool(_DATE_REF.match(text))

    def tree_id(self, commit: str, folder: str) -> str | None:
        """The id of a folder's tree at a commit (``None`` when it does not exist)."""
        spec = (
            f"{commit}:{self.prefix}{folder}".rstrip("/")
            if (self.prefix or folder)
            else (f"{commit}^{{tree}}")
        )
        code, out, _ = self._run("rev-parse", "--verify", "--quiet", spec, ok=(0, 1, 128))
        return out.decode().strip() if code == 0 else None

    # -- trees -------------------------------------------------------------------
    def ls_tree(self, commit: str, paths: Iterable[str]) -> dict[str, TreeEntry]:
        """Files under ``paths`` (relative to the ITSM root) at ``commit``, recursively."""
        return self._ls_tree(commit, [self.prefix + p for p in paths])

    def _ls_tree(self, commit: str, specs: Sequence[str]) -> dict[str, TreeEntry]:
        """The one ``git ls-tree`` reader: blobs under git pathspecs ``specs``."""
        if not specs:
            return {}
        _, out, _ = self._run("ls-tree", "-r", "-z", "--full-tree", commit, "--", *specs)
        found: dict[str, TreeEntry] = {}
        for line in out.split(b"\0"):
            if not line:
                continue
            meta, _, raw_path = line.partition(b"\t")
            mode, kind, sha = meta.decode().split()
            if kind != "blob":
                continue  # a submodule is not a file of the repository
            found[self._relative(raw_path)] = TreeEntry(mode, sha)
        return found

    def diff_tree(self, old: str, new: str, paths: Iterable[str]) -> list[TreeChange]:
        """Files under ``paths`` whose blob differs between two commits.

        git compares trees by id and skips identical subtrees, so this costs in
        proportion to the change, not to the repository.
        """
        specs = [self.prefix + p for p in paths]
        if not specs:
            return []
        _, out, _ = self._run(
            "diff-tree",
            "-r",
            "-z",
            "--no-renames",
            "--raw",
            "--full-index",
            old,
            new,
            "--",
            *specs,
        )
        return self._parse_raw(out)

    def worktree_changes(
        self, commit: str, paths: Iterable[str]
    ) -> tuple[list[TreeChange], list[str]]:
        """Candidates for differing between ``commit`` and the work tree under ``paths``.

        Tracked files come from ``git diff-index``, which trusts the index's stat
        cache, so unchanged files cost a stat in C rather than a read and a hash in
        Python; untracked files come from ``git ls-files --others`` (ignored ones
        included: lint sees them too). A candidate may still be unchanged (a touched
        file): the caller compares its content with the base blob. A work-tree file
        has no blob id here, so ``new.sha`` is empty.
        """
        specs = [self.prefix + p for p in paths]
        if not specs:
            return [], []
        _, out, _ = self._run(
            "diff-index", "-z", "--no-renames", "--raw", "--full-index", commit, "--", *specs
        )
        changes = self._parse_raw(out, worktree=True)
        _, listed, _ = self._run("ls-files", "--others", "-z", "--", *specs)
        untracked = [self._relative(p) for p in listed.split(b"\0") if p]
        return changes, untracked

    def _raw_entries(self, out: bytes) -> Iterator[tuple[str, str, str, str, str, str]]:
        """The one reader of ``--raw -z`` output: (old mode, new mode, old sha, new sha,
        status, path relative to the ITSM root) per entry."""
        fields = out.split(b"\0")
        i = 0
        while i + 1 < len(fields):
            meta = fields[i].decode()
            if not meta.startswith(":"):
                i += 1
                continue
            old_mode, new_mode, old_sha, new_sha, status = meta[1:].split()
            yield old_mode, new_mode, old_sha, new_sha, status, self._relative(fields[i + 1])
            i += 2

    def _parse_raw(self, out: bytes, *, worktree: bool = False) -> list[TreeChange]:
        changes: list[TreeChange] = []
        for old_mode, new_mode, old_sha, new_sha, status, path in self._raw_entries(out):
            if status.startswith("T") and SYMLINK_MODE not in (old_mode, new_mode):
                continue
            absent_old = status.startswith("A")
            absent_new = status.startswith("D")
            changes.append(
                TreeChange(
                    path,
                    None if absent_old else TreeEntry(old_mode, old_sha),
                    None if absent_new else TreeEntry(new_mode, "" if worktree else new_sha),
                )
            )
        return changes

    def _relative(self, raw_path: bytes) -> str:
        path = raw_path.decode("utf-8", "surrogateescape")
        return path[len(self.prefix) :] if self.prefix and path.startswith(self.prefix) else path

    # -- blobs -------------------------------------------------------------------
    def read_blobs(self, shas: Iterable[str], max_size: int) -> dict[str, Blob]:
        """Blob contents by id, all through one ``git cat-file --batch`` process.

        A blob over ``max_size`` is drained from the stream but not kept, and comes
        back with a problem, like an oversized file in the work tree.
        """
        return {k: v for k, v in self._batch(shas, max_size, missing_ok=False).items() if v}

    def read_files(
        self, commit_paths: Iterable[tuple[str, str]], max_size: int
    ) -> dict[tuple[str, str], Blob | None]:
        """Files by (commit, ITSM-relative path) in one stream; None where absent."""
        keys = list(commit_paths)
        names = {f"{commit}:{self.prefix}{path}": (commit, path) for commit, path in keys}
        found = self._batch(names, max_size, missing_ok=True)
        return {names[name]: blob for name, blob in found.items()}

    def _batch(
        self, names: Iterable[str], max_size: int, *, missing_ok: bool
    ) -> dict[str, Blob | None]:
        wanted = sorted(set(names))
        if not wanted:
            return {}
        for name in wanted:
            if "\n" in name:
                # The batch protocol is one name a line: such a name cannot be asked for.
                raise GitError(
                    f"cannot read {name!r} from git: the path holds a line break; rename it"
                )
        try:
            proc = subprocess.Popen(
                [self._executable, "cat-file", "--batch"],
                cwd=self.toplevel,
                bufsize=1 << 20,  # few large reads: the blobs are many and small
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as exc:
            raise GitError(f"cannot run git: {exc.strerror or exc}; is git installed?") from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout
        request = "".join(f"{name}\n" for name in wanted).encode("utf-8", "surrogateescape")

        def feed() -> None:
            # Written from a thread: git answers while we still write, and a full pipe
            # in both directions would otherwise deadlock on large batches.
            try:
                stdin.write(request)
                stdin.close()
            except OSError:  # git died or was stopped: the reader reports why
                pass

        writer = threading.Thread(target=feed, daemon=True)
        writer.start()
        blobs: dict[str, Blob | None] = {}
        try:
            for name in wanted:
                blobs[name] = self._answer(stdout, name, max_size, missing_ok=missing_ok)
        finally:
            # Stop git before waiting for the writer: when we stop reading early (an
            # error), git blocks writing answers nobody reads, stops reading names, and
            # the writer would block forever on a full pipe.
            if len(blobs) < len(wanted):
                proc.kill()
            stdout.close()
            writer.join()
            proc.wait()
        return blobs

    def _answer(
        self, stdout: IO[bytes], name: str, max_size: int, *, missing_ok: bool
    ) -> Blob | None:
        """Read git's answer for one name of a ``cat-file --batch`` stream."""
        line = stdout.readline()
        if not line.endswith(b"\n"):
            raise GitError(f"git cat-file stopped before answering for {name}")
        header = line[:-1].decode("utf-8", "surrogateescape")
        # "<name> missing" (or "ambiguous") repeats the name, which may hold spaces:
        # compare with the name asked for rather than splitting on whitespace.
        if header in (f"{name} missing", f"{name} ambiguous"):
            if missing_ok:
                return None
            hint = f"; {_SHALLOW_HINT}" if self.is_shallow() else ""
            raise GitError(f"git object {name} is missing from the repository{hint}")
        fields = header.split(" ")
        if len(fields) != 3 or not fields[2].isdigit():
            raise GitError(f"unexpected answer from git cat-file for {name}: {header[:80]!r}")
        sha, size = fields[0], int(fields[2])
        if size > max_size:
            remaining = size + 1
            while remaining > 0:
                chunk = stdout.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                remaining -= len(chunk)
            return Blob(
                sha,
                None,
                f"file is {size} bytes, over the {max_size}-byte limit "
                "(spec.lint.maxFileSize in itsm.yaml)",
            )
        data = stdout.read(size)
        stdout.read(1)  # the newline git puts after each object
        return Blob(sha, data)
