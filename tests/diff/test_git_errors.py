"""Git failures: one clear line on stderr saying what to do, exit 2, no traceback."""

from __future__ import annotations

from pathlib import Path

from tests.diff.gitrepo import GitRepo, base_files
from tests.helpers import service


def assert_clean_error(result: object, *needles: str) -> None:
    exit_code = result.exit_code
    stderr: str = result.stderr
    assert exit_code == 2, stderr
    assert "Traceback" not in stderr and "internal error" not in stderr
    assert len(stderr.strip().splitlines()) == 1, stderr
    assert stderr.startswith("itsm: error: ")
    for needle in needles:
        assert needle in stderr, stderr


def test_not_a_git_repository(tmp_path: Path) -> None:
    plain = GitRepo(tmp_path / "plain")
    plain.write(base_files())
    assert_clean_error(plain.itsm("diff"), "not inside a git repository")
    assert_clean_error(plain.itsm("show", "service", "api", "--at", "HEAD"), "git init")


def test_repository_without_commits(tmp_path: Path) -> None:
    empty = GitRepo(tmp_path / "empty").init()
    empty.write(base_files())
    assert_clean_error(empty.itsm("diff"), "no commits yet")


def test_unknown_revision(repo: GitRepo) -> None:
    assert_clean_error(repo.itsm("diff", "no-such-branch"), "unknown revision 'no-such-branch'")
    assert_clean_error(repo.itsm("diff", "HEAD..nope"), "unknown revision 'nope'")
    assert_clean_error(repo.itsm("diff", "--", "-x"), "invalid revision")


def test_unrelated_histories_have_no_merge_base(repo: GitRepo) -> None:
    repo.git("checkout", "-q", "--orphan", "other")
    repo.commit("unrelated", {"catalog/services/cache.yaml": service("cache", tier=2)})
    assert_clean_error(repo.itsm("diff", "main...other"), "no common ancestor")
    # The two-dot form needs no merge base and still works.
    assert repo.itsm("diff", "main..other").exit_code == 0


def test_shallow_clone_without_the_base_says_fetch_depth_0(repo: GitRepo, tmp_path: Path) -> None:
    repo.commit("second", {"catalog/services/cache.yaml": service("cache", tier=2)})
    repo.git("branch", "old", "HEAD~1")
    repo.git("checkout", "-q", "-b", "feature")
    repo.commit("third", {"catalog/services/cache.yaml": service("cache", tier=1)})
    clone = GitRepo(tmp_path / "clone")
    repo.git(
        "clone",
        "-q",
        "--depth",
        "1",
        "--no-single-branch",
        f"file://{repo.root}",
        str(clone.root),
        cwd=tmp_path,
    )
    assert_clean_error(clone.itsm("diff", "HEAD~1"), "shallow clone", "fetch-depth: 0")
    assert_clean_error(clone.itsm("diff", "origin/main...HEAD"), "shallow clone", "fetch-depth: 0")
    # What the clone does have can still be compared.
    assert clone.itsm("diff", "origin/main..HEAD", "--format", "json").exit_code == 0


def test_too_many_revisions_is_a_usage_error(repo: GitRepo) -> None:
    assert_clean_error(repo.itsm("diff", "HEAD", "HEAD", "HEAD"), "too many revisions")
    assert_clean_error(repo.itsm("diff", "HEAD..HEAD", "HEAD"), "either BASE HEAD")
