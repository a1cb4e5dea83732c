from __future__ import annotations

from pathlib import Path

import pytest

from tests.diff.gitrepo import GitRepo, base_files


@pytest.fixture
def repo(tmp_path: Path) -> GitRepo:
    """A repository whose first commit holds the small catalog of ``base_files``."""
    r = GitRepo(tmp_path / "repo").init()
    r.commit("initial catalog", base_files())
    return r
