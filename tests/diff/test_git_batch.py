"""The ``git cat-file --batch`` stream: answers parsed by the name asked, and no hang on errors."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from itsmcode.errors import GitError
from itsmcode.git.repo import GitRepo as Git
from tests.diff.gitrepo import GitRepo, base_files
from tests.diff.test_git_errors import assert_clean_error


@pytest.mark.parametrize("folder", ["ops team", "ops  team/it sm", "missing x"])
def test_itsm_root_added_in_a_folder_with_spaces_diffs(tmp_path: Path, folder: str) -> None:
    # At the base commit the folder, hence its itsm.yaml, does not exist: git answers
    # "<commit>:<folder>/itsm.yaml missing", a name holding spaces.
    repo = GitRepo(tmp_path / "repo").init()
    repo.commit("before", {"README.md": "nothing yet\n"})
    repo.commit("itsm", {f"{folder}/{path}": text for path, text in base_files().items()})
    result = repo.itsm("diff", "HEAD~1", "HEAD", cwd=repo.root / folder)
    assert result.exit_code == 0, result.output
    assert "Service ledger added" in result.stdout
    assert result.stderr == ""


def test_a_folder_name_with_a_line_break_is_a_clean_error(tmp_path: Path) -> None:
    folder = "ops\nteam"
    repo = GitRepo(tmp_path / "repo").init()
    repo.commit("before", {"README.md": "nothing yet\n"})
    repo.commit("itsm", {f"{folder}/{path}": text for path, text in base_files().items()})
    result = repo.itsm("diff", "HEAD~1", "HEAD", cwd=repo.root / folder)
    assert_clean_error(result, "line break")


def test_an_error_mid_stream_does_not_hang(tmp_path: Path) -> None:
    """Missing first object, then far more names and answers than the pipes hold."""
    repo = GitRepo(tmp_path / "repo").init()
    repo.commit("big", {"big.txt": "x" * 4096 + "\n"})
    # Distinct names for the same blob ("HEAD^0^0:big.txt" ...): about 250 KB of names
    # and 2 MB of answers, both beyond a pipe's buffer.
    names = ["0" * 40] + [f"HEAD{'^0' * k}:big.txt" for k in range(1, 500)]
    outcome: list[BaseException | None] = []

    def read() -> None:
        try:
            Git(repo.root).read_blobs(names, 1 << 20)
            outcome.append(None)
        except BaseException as exc:  # handed to the test thread
            outcome.append(exc)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    reader.join(timeout=60)
    assert not reader.is_alive(), "read_blobs hung after an error"
    assert len(outcome) == 1 and isinstance(outcome[0], GitError)
    assert f"git object {'0' * 40} is missing" in str(outcome[0])


def test_every_answer_is_read_after_a_large_batch(tmp_path: Path) -> None:
    repo = GitRepo(tmp_path / "repo").init()
    repo.commit("big", {"big.txt": "x" * 4096 + "\n", "small.txt": "s\n"})
    names = [f"HEAD{'^0' * k}:big.txt" for k in range(1, 500)] + ["HEAD:small.txt"]
    blobs = Git(repo.root).read_blobs(names, 1 << 20)
    assert len(blobs) == len(names)
    assert blobs["HEAD:small.txt"].data == b"s\n"
    assert {blobs[n].data for n in names[:-1]} == {b"x" * 4096 + b"\n"}
