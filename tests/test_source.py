"""Which files a work tree holds (``discover``) and reading one safely (``read``)."""

from __future__ import annotations

import errno
import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

from itsmcode.load.layout import Layout
from itsmcode.load.pathsafety import LINK_PROBLEM
from itsmcode.load.source import discover, read
from itsmcode.load.yamlio import UNREADABLE

MiB = 1024 * 1024
LAYOUT = Layout(
    folders={
        "Service": "catalog/services",
        "Team": "catalog/teams",
        "ApprovalPolicy": "processes/approval-policy.yaml",
    }
)


def touch(root: Path, path: str, text: str = "a: 1\n") -> Path:
    target = root / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    return target


def problem_of(root: Path, path: str, max_size: int = MiB) -> str:
    source = read(root, path, max_size)
    assert source.data is None
    assert source.problem is not None
    assert (source.problem.rule, source.problem.line, source.problem.column) == (UNREADABLE, 1, 1)
    return source.problem.message


# -- discover ---------------------------------------------------------------------------


def test_discover_scans_each_kind_folder_recursively_and_sorts(tmp_path: Path) -> None:
    for path in (
        "itsm.yaml",
        "catalog/services/b.yaml",
        "catalog/services/a.yml",
        "catalog/services/deep/er/c.yaml",
        "catalog/teams/t.yaml",
        "processes/approval-policy.yaml",
    ):
        touch(tmp_path, path)
    assert discover(tmp_path, LAYOUT) == [
        "catalog/services/a.yml",
        "catalog/services/b.yaml",
        "catalog/services/deep/er/c.yaml",
        "catalog/teams/t.yaml",
        "itsm.yaml",
        "processes/approval-policy.yaml",
    ]


def test_discover_skips_hidden_and_non_yaml_files_and_other_folders(tmp_path: Path) -> None:
    for path in (
        "catalog/services/.hidden.yaml",
        "catalog/services/.git/x.yaml",
        "catalog/services/notes.md",
        "catalog/services/x.yaml.bak",
        "docs/x.yaml",
        "catalog/x.yaml",
    ):
        touch(tmp_path, path)
    touch(tmp_path, "catalog/services/ok.yaml")
    assert discover(tmp_path, LAYOUT) == ["catalog/services/ok.yaml"]


def test_discover_missing_folders_are_empty(tmp_path: Path) -> None:
    assert discover(tmp_path, LAYOUT) == []


def test_discover_does_not_follow_linked_folders(tmp_path: Path) -> None:
    touch(tmp_path, "elsewhere/secret.yaml")
    touch(tmp_path, "catalog/services/ok.yaml")
    (tmp_path / "catalog/services/linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "catalog/services/loop").symlink_to(tmp_path / "catalog")
    # Listed (for read to report as links), never entered.
    assert discover(tmp_path, LAYOUT) == [
        "catalog/services/linked",
        "catalog/services/loop",
        "catalog/services/ok.yaml",
    ]
    assert problem_of(tmp_path, "catalog/services/linked").startswith("symbolic link; git")


def test_discover_lists_a_directory_named_like_yaml_and_what_it_holds(tmp_path: Path) -> None:
    touch(tmp_path, "catalog/services/old.yaml/inner.yaml")
    assert discover(tmp_path, LAYOUT) == [
        "catalog/services/old.yaml",
        "catalog/services/old.yaml/inner.yaml",
    ]


def test_discover_lists_links_and_special_files_for_read_to_judge(tmp_path: Path) -> None:
    touch(tmp_path, "catalog/services/ok.yaml")
    (tmp_path / "catalog/services/link.yaml").symlink_to("/nonexistent/x.yaml")
    os.mkfifo(tmp_path / "catalog/services/pipe.yaml")
    assert discover(tmp_path, LAYOUT) == [
        "catalog/services/link.yaml",
        "catalog/services/ok.yaml",
        "catalog/services/pipe.yaml",
    ]


# -- read: what is read ------------------------------------------------------------------


def test_read_returns_the_bytes_unchanged(tmp_path: Path) -> None:
    raw = b"\xef\xbb\xbfa: 1\r\nb: \xff\n"  # decoding is yamlio's job, not read's
    (tmp_path / "x.yaml").write_bytes(raw)
    source = read(tmp_path, "x.yaml", MiB)
    assert (source.path, source.data, source.problem) == ("x.yaml", raw, None)


def test_read_at_the_limit_and_over_it(tmp_path: Path) -> None:
    (tmp_path / "exact.yaml").write_bytes(b"#" * MiB)
    assert read(tmp_path, "exact.yaml", MiB).data == b"#" * MiB
    (tmp_path / "over.yaml").write_bytes(b"#" * (MiB + 1))
    assert problem_of(tmp_path, "over.yaml") == (
        "file is 1,048,577 bytes, over the limit of 1,048,576 (1.0 MiB); split it, or "
        "raise spec.lint.maxFileSize in itsm.yaml"
    )


def test_read_honours_a_larger_configured_limit(tmp_path: Path) -> None:
    (tmp_path / "big.yaml").write_bytes(b"#" * (MiB + 10))
    assert read(tmp_path, "big.yaml", 2 * MiB).data is not None


def test_read_refuses_a_file_that_grows_past_the_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.yaml").write_bytes(b"#" * 2000)
    real_lstat = os.lstat

    def stale_lstat(path: os.PathLike[str] | str) -> os.stat_result:
        info = real_lstat(path)
        # As if the file had been 10 bytes when checked and grown before it was read.
        fields = list(info)
        fields[stat.ST_SIZE] = 10
        return os.stat_result(fields)

    monkeypatch.setattr(os, "lstat", stale_lstat)
    assert problem_of(tmp_path, "x.yaml", max_size=1024) == (
        "file grew over the 1.0 KiB limit while being read"
    )


def _stale_size(monkeypatch: pytest.MonkeyPatch, call: str, size: int) -> None:
    """As if ``os.<call>`` (lstat, fstat) had looked while the file was ``size`` bytes."""
    real = getattr(os, call)

    def stale(target: Any) -> os.stat_result:
        fields = list(real(target))
        fields[stat.ST_SIZE] = size
        return os.stat_result(fields)

    monkeypatch.setattr(os, call, stale)


def test_read_takes_the_whole_of_a_file_that_grew_after_fstat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    raw = bytes(range(256)) * 5  # 1,280 bytes, read in more than one step
    (tmp_path / "x.yaml").write_bytes(raw)
    _stale_size(monkeypatch, "fstat", 10)
    assert read(tmp_path, "x.yaml", MiB).data == raw


def test_read_refuses_a_file_that_grew_past_the_limit_after_fstat(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "x.yaml").write_bytes(b"#" * 200_000)
    _stale_size(monkeypatch, "lstat", 10)
    _stale_size(monkeypatch, "fstat", 10)
    assert problem_of(tmp_path, "x.yaml", max_size=100_000) == (
        "file grew over the 97.7 KiB limit while being read"
    )


# -- read: what is refused -----------------------------------------------------------------


def test_fifo_is_refused_without_opening_it(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.yaml")
    result: list[str] = []
    worker = threading.Thread(
        target=lambda: result.append(problem_of(tmp_path, "pipe.yaml")), daemon=True
    )
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "read() blocked on a FIFO"
    assert result == ["a FIFO (named pipe), not a regular file; not read"]


def test_directory_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.yaml").mkdir()
    assert problem_of(tmp_path, "x.yaml") == (
        "a directory named like a YAML file; rename it (its files are still linted)"
    )


def test_device_is_refused(tmp_path: Path) -> None:
    if not Path("/dev/null").exists():
        pytest.skip("no /dev/null")
    (tmp_path / "null.yaml").symlink_to("/dev/null")
    # A link out of the repository is refused before its type is even looked at.
    assert "outside the repository" in problem_of(tmp_path, "null.yaml")


def test_socket_is_refused(tmp_path: Path) -> None:
    import socket

    path = tmp_path / "s.yaml"
    if len(str(path)) > 100:
        pytest.skip("socket path too long for this platform")
    server = socket.socket(socket.AF_UNIX)
    try:
        server.bind(str(path))
        assert problem_of(tmp_path, "s.yaml") == "a socket, not a regular file; not read"
    finally:
        server.close()


def test_missing_file(tmp_path: Path) -> None:
    assert problem_of(tmp_path, "gone.yaml") == "no such file"


def test_permission_denied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Simulated, so that it also runs as root (who can read a chmod 000 file).
    touch(tmp_path, "locked.yaml")

    def refuse(*args: object, **kwargs: object) -> int:
        raise PermissionError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(os, "open", refuse)
    assert problem_of(tmp_path, "locked.yaml") == "permission denied; make the file readable"


def test_other_os_errors_are_reported_not_raised(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    touch(tmp_path, "x.yaml")

    def fail(*args: object, **kwargs: object) -> int:
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "open", fail)
    assert problem_of(tmp_path, "x.yaml") == "cannot read file: Input/output error"


# -- read: symbolic links -----------------------------------------------------------------


def test_link_inside_the_repository_is_refused_too(tmp_path: Path) -> None:
    touch(tmp_path, "shared/a.yaml", "kind: Team\n")
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog/a.yaml").symlink_to("../shared/a.yaml")
    assert problem_of(tmp_path, "catalog/a.yaml") == LINK_PROBLEM
    # A file reached through a linked folder inside the repository: the same.
    (tmp_path / "linked").symlink_to(tmp_path / "shared", target_is_directory=True)
    assert problem_of(tmp_path, "linked/a.yaml").startswith(
        "reached through a symbolically linked folder"
    )


def test_link_outside_the_repository_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    touch(tmp_path, "secret.yaml", "password: x\n")
    (root / "a.yaml").symlink_to(tmp_path / "secret.yaml")
    (root / "b.yaml").symlink_to("../secret.yaml")
    for name in ("a.yaml", "b.yaml"):
        assert problem_of(root, name) == ("symbolic link pointing outside the repository; not read")


def test_link_chain_that_ends_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    touch(tmp_path, "secret.yaml")
    (root / "hop.yaml").symlink_to(tmp_path / "secret.yaml")
    (root / "a.yaml").symlink_to("hop.yaml")  # looks internal, leads out
    assert "outside the repository" in problem_of(root, "a.yaml")


def test_file_in_a_linked_folder_outside_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    touch(tmp_path, "outside/x.yaml")
    (root / "catalog").symlink_to(tmp_path / "outside", target_is_directory=True)
    assert problem_of(root, "catalog/x.yaml") == (
        "symbolic link pointing outside the repository (through a linked folder); not read"
    )


def test_repository_root_reached_through_a_link_is_fine(tmp_path: Path) -> None:
    touch(tmp_path, "real/catalog/x.yaml", "a: 1\n")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    assert read(tmp_path / "alias", "catalog/x.yaml", MiB).data == b"a: 1\n"


def test_sibling_with_a_common_prefix_is_outside(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    touch(tmp_path, "repo-evil/x.yaml")
    (root / "x.yaml").symlink_to(tmp_path / "repo-evil/x.yaml")
    assert "outside the repository" in problem_of(root, "x.yaml")


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("loop.yaml", "symbolic link loop; fix or remove the link"),
        ("missing.yaml", "symbolic link to a missing file; fix or remove the link"),
    ],
)
def test_broken_links(tmp_path: Path, target: str, message: str) -> None:
    (tmp_path / "loop.yaml").symlink_to(target)
    assert problem_of(tmp_path, "loop.yaml") == message
