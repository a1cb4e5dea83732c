"""``discover`` remembers a listing with the stat of every folder it read; through any
sequence of file system changes it returns exactly what a fresh walk returns, and it
does reuse the listing while nothing changed."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from itsmcode.load import source
from itsmcode.load.layout import Layout
from itsmcode.load.source import discover

LAYOUT = Layout(
    folders={
        "Service": "catalog/services",
        "Team": "catalog/teams",
        "ApprovalPolicy": "processes/approval-policy.yaml",
    }
)
#: Longer than a coarse kernel clock tick: every change below gets a new folder time.
TICK = 0.03
NAMES = ["a.yaml", "b.yml", "c.txt", ".hidden.yaml", "d.yaml.", "A.yaml", "sub"]
FOLDERS = ["catalog/services", "catalog/services/deep", "catalog/teams", "catalog", "processes"]


def fresh(root: Path) -> list[str]:
    """The slow obvious reference: a walk that remembers nothing."""
    return source._discover(root, LAYOUT, [])


Step = tuple[str, str, str]
steps = st.tuples(
    st.sampled_from(["add", "remove", "rename", "link", "mkdir", "rmdir", "nothing"]),
    st.sampled_from(FOLDERS),
    st.sampled_from(NAMES),
)


def apply(root: Path, step: Step) -> None:
    action, folder, name = step
    where = root / folder
    target = where / name
    if action == "add":
        where.mkdir(parents=True, exist_ok=True)
        if not target.exists() and not target.is_symlink():
            target.write_text("a: 1\n")
    elif action == "remove" and target.is_file() and not target.is_symlink():
        target.unlink()
    elif action == "rename" and target.is_file() and not target.is_symlink():
        target.rename(where / f"renamed-{name}")
    elif action == "link" and where.is_dir() and not target.exists():
        target.symlink_to(root / "itsm.yaml")
    elif action == "mkdir":
        (where / "new").mkdir(parents=True, exist_ok=True)
    elif action == "rmdir" and where.is_dir() and folder != "catalog":
        shutil.rmtree(where)


@pytest.fixture(autouse=True)
def short_racy_window(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "_RACY_SECONDS", TICK)
    monkeypatch.setattr(source, "_LISTED", {})


@settings(max_examples=15, deadline=None)
@given(st.lists(steps, min_size=1, max_size=6))
def test_remembered_listings_equal_a_fresh_walk(changes: list[Step]) -> None:
    root = Path(tempfile.mkdtemp())
    try:
        (root / "itsm.yaml").write_text("a: 1\n")
        (root / "catalog/services").mkdir(parents=True)
        (root / "catalog/services/x.yaml").write_text("a: 1\n")
        for step in changes:
            time.sleep(TICK * 2)  # the folders are older than the racy window now
            assert discover(root, LAYOUT) == fresh(root)
            apply(root, step)
            assert discover(root, LAYOUT) == fresh(root), step
    finally:
        shutil.rmtree(root)


def test_an_unchanged_tree_is_not_walked_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "catalog/services").mkdir(parents=True)
    (tmp_path / "catalog/services/a.yaml").write_text("a: 1\n")
    time.sleep(TICK * 2)
    walks: list[int] = []
    original = source._discover

    def counted(*args: object) -> list[str]:
        walks.append(1)
        return original(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(source, "_discover", counted)
    first = discover(tmp_path, LAYOUT)
    (tmp_path / "catalog/services/a.yaml").write_text("edited in place: the names stay\n")
    assert discover(tmp_path, LAYOUT) == first == ["catalog/services/a.yaml"]
    assert len(walks) == 1
    (tmp_path / "catalog/services/b.yaml").write_text("a: 1\n")
    assert discover(tmp_path, LAYOUT) == ["catalog/services/a.yaml", "catalog/services/b.yaml"]
    assert len(walks) == 2


def test_a_folder_changed_just_now_is_not_remembered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Within the racy window a change may leave the folder's time as it was."""
    monkeypatch.setattr(source, "_RACY_SECONDS", 60.0)
    (tmp_path / "catalog/services").mkdir(parents=True)
    discover(tmp_path, LAYOUT)
    assert source._LISTED == {}


def test_a_folder_time_set_back_is_still_seen(tmp_path: Path) -> None:
    """``touch -r`` or an archive can restore a folder's modification time; its change
    time cannot be set back."""
    services = tmp_path / "catalog/services"
    services.mkdir(parents=True)
    (services / "a.yaml").write_text("a: 1\n")
    time.sleep(TICK * 2)
    before = os.stat(services)
    assert discover(tmp_path, LAYOUT) == ["catalog/services/a.yaml"]
    (services / "b.yaml").write_text("a: 1\n")
    os.utime(services, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert discover(tmp_path, LAYOUT) == ["catalog/services/a.yaml", "catalog/services/b.yaml"]
