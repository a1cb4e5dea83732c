"""Hostile input through the real ``itsm lint``: every file in tests/data/hostile/files
is dropped into a small, otherwise healthy repository (tests/data/hostile/base) and the
linter must answer with a located diagnostic, exit 1, no traceback, and go on to lint
the other files. Files git cannot hold (a FIFO, links, a huge file, a 100,000-deep
nesting, an unreadable file) are made here, at test time.

The base repository has a clean service (checkout.yaml) and a canary (zz-canary.yaml,
sorted after every hostile file) whose one schema error must always be reported: it
proves the run did not stop at the hostile file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.helpers import run_cli

HOSTILE = Path(__file__).parent / "data" / "hostile"
BASE = HOSTILE / "base"
FILES = HOSTILE / "files"
SERVICES = "catalog/services"
CANARY = (f"{SERVICES}/zz-canary.yaml", 7, 9, "schema")
HEALTHY = (f"{SERVICES}/checkout.yaml", "catalog/teams/payments.yaml", "itsm.yaml")
BASE_FILES = 4  # itsm.yaml, the team, checkout and the canary
LOADER_RULES = {"yaml-syntax", "yaml-limits", "duplicate-key", "file-unreadable"}
SUBPROCESS_TIMEOUT = 60  # seconds; a FIFO opened for reading would block forever

#: file -> (line, column, rule, a fragment of the message)
CASES: dict[str, tuple[int, int, str, str]] = {
    "syntax-unclosed-flow.yaml": (5, 5, "yaml-syntax", "did not find expected ',' or '}'"),
    "syntax-bad-indent.yaml": (6, 10, "yaml-syntax", "mapping values are not allowed"),
    "syntax-unclosed-quote.yaml": (7, 1, "yaml-syntax", "unexpected end of stream"),
    "syntax-undefined-alias.yaml": (6, 10, "yaml-syntax", "alias '*team' has no anchor"),
    "syntax-stray-bracket.yaml": (4, 39, "yaml-syntax", "did not find expected key"),
    "duplicate-key.yaml": (8, 3, "duplicate-key", "duplicate key 'tier' (first defined on line 7"),
    "alias-bomb.yaml": (11, 6, "yaml-limits", "aliases expand to more than 250000 nodes"),
    "recursive-alias.yaml": (5, 7, "yaml-limits", "recursive alias"),
    "deep-flow.yaml": (5, 70, "yaml-limits", "nesting deeper than 64 levels"),
    "deep-block.yaml": (69, 129, "yaml-limits", "nesting deeper than 64 levels"),
    "invalid-utf8.yaml": (10, 13, "file-unreadable", "invalid UTF-8 (byte 0xe9)"),
    "utf16.yaml": (1, 1, "file-unreadable", "file is UTF-16-encoded; save it as UTF-8"),
    "utf16-no-bom.yaml": (1, 1, "file-unreadable", "looks UTF-16-encoded; save it as UTF-8"),
    "tabs.yaml": (5, 1, "yaml-syntax", "tab character; indent YAML with spaces"),
    "multi-document.yaml": (10, 1, "yaml-syntax", "more than one YAML document"),
    "empty.yaml": (1, 1, "yaml-syntax", "file is empty"),
    "whitespace-only.yaml": (1, 1, "yaml-syntax", "file is empty"),
    "comment-only.yaml": (1, 1, "yaml-syntax", "file is empty"),
    "binary.yaml": (3, 1, "file-unreadable", "binary file (contains a NUL byte)"),
    "top-level-list.yaml": (2, 1, "yaml-syntax", "top level is a list; expected a mapping"),
    "top-level-scalar.yaml": (2, 1, "yaml-syntax", "top level is a scalar; expected a mapping"),
    "tag-python-object.yaml": (
        5,
        7,
        "yaml-syntax",
        "unsupported tag '!!python/object/apply:os.system'",
    ),
    "tag-custom.yaml": (6, 10, "yaml-syntax", "unsupported tag '!team'"),
    "complex-key.yaml": (6, 5, "yaml-syntax", "a list cannot be a mapping key"),
    "non-string-key.yaml": (7, 3, "yaml-syntax", "mapping key 3 reads as a number, not a string"),
    "yaml11-boolean.yaml": (8, 14, "schema", "spec.lifecycle: invalid value 'no'; expected one of"),
    "control-characters.yaml": (6, 14, "yaml-syntax", "control character U+001B is not allowed"),
    "long-line.yaml": (4, 18, "schema", "metadata.name: invalid name 'xxxx"),
    "long-number.yaml": (7, 9, "yaml-limits", "has 5000 digits"),
    "merge-key.yaml": (6, 3, "yaml-syntax", "merge key '<<' is not supported"),
    "unknown-kind.yaml": (3, 7, "schema", "unknown kind 'Servce' (did you mean 'Service'?)"),
    "missing-kind.yaml": (2, 1, "schema", "missing 'kind'; one of: Config, Team, Service"),
    "wrong-api-version.yaml": (2, 13, "schema", "invalid value 'itsmcode/v2'"),
}
#: Accepted silently: a UTF-8 byte order mark and CRLF line endings.
ACCEPTED = ("bom-crlf.yaml",)


@pytest.fixture(autouse=True)
def _outside_github_actions(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under GitHub Actions the default format and the paths change; these tests pin both.
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_WORKSPACE"):
        monkeypatch.delenv(name, raising=False)


def base_repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(BASE, root)
    return root


def repo_with(tmp_path: Path, *names: str) -> Path:
    root = base_repo(tmp_path)
    for name in names:
        shutil.copyfile(FILES / name, root / SERVICES / name)
    return root


def lint_json(root: Path) -> tuple[int, dict[str, object], list[tuple[str, int, int, str]]]:
    """Run ``itsm lint --format json`` in ``root``; never a traceback, always JSON. Run
    without the cache too, where the files are read where they are parsed (not ahead,
    for their cache keys): the same report, every hostile file included."""
    result = run_cli(["lint", "--format", "json"], cwd=root)
    uncached = run_cli(["lint", "--format", "json", "--no-cache"], cwd=root)
    assert (uncached.exit_code, uncached.stdout) == (result.exit_code, result.stdout)
    assert "Traceback" not in result.output
    assert "Traceback" not in result.stderr
    assert "internal error" not in result.stderr, result.stderr
    doc = json.loads(result.stdout)
    found = [(d["path"], d["line"], d["column"], d["rule"]) for d in doc["diagnostics"]]
    return result.exit_code, doc, found


def diagnostics_of(doc: dict[str, object], path: str) -> list[dict[str, object]]:
    diagnostics = doc["diagnostics"]
    assert isinstance(diagnostics, list)
    return [d for d in diagnostics if d["path"] == path]


def assert_run_went_on(
    doc: dict[str, object], found: list[tuple[str, int, int, str]], files: int
) -> None:
    """The canary was reported, the healthy files were clean, every file was counted."""
    assert CANARY in found
    assert not [f for f in found if f[0] in HEALTHY], found
    summary = doc["summary"]
    assert isinstance(summary, dict)
    assert summary["files"] == files


def assert_one_line(message: str) -> None:
    assert "\n" not in message and "\r" not in message
    assert "\x1b" not in message
    assert len(message) <= 300, len(message)


def assert_located(
    root: Path, path: str, line: int, column: int, rule: str, fragment: str, *, files: int
) -> str:
    code, doc, found = lint_json(root)
    assert code == 1
    assert (path, line, column, rule) in found, diagnostics_of(doc, path)
    (diagnostic,) = [d for d in diagnostics_of(doc, path) if d["rule"] == rule]
    message = str(diagnostic["message"])
    assert fragment in message
    assert_one_line(message)
    if rule in LOADER_RULES:
        # Nothing can be said about a file that could not be loaded, beyond why.
        assert [f for f in found if f[0] == path] == [(path, line, column, rule)]
    assert_run_went_on(doc, found, files)
    return message


# -- the corpus in git --------------------------------------------------------------


def test_corpus_has_a_file_per_failure_mode() -> None:
    on_disk = {p.name for p in FILES.iterdir()}
    assert on_disk == set(CASES) | set(ACCEPTED)
    assert len(on_disk) >= 25


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file_is_located_and_the_run_goes_on(tmp_path: Path, name: str) -> None:
    line, column, rule, fragment = CASES[name]
    root = repo_with(tmp_path, name)
    assert_located(root, f"{SERVICES}/{name}", line, column, rule, fragment, files=BASE_FILES + 1)


def test_bom_and_crlf_are_accepted_silently(tmp_path: Path) -> None:
    raw = (FILES / "bom-crlf.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw  # git kept the bytes
    root = repo_with(tmp_path, "bom-crlf.yaml")
    code, doc, found = lint_json(root)
    assert code == 1  # the canary only
    assert diagnostics_of(doc, f"{SERVICES}/bom-crlf.yaml") == []
    assert_run_went_on(doc, found, BASE_FILES + 1)


def test_yaml11_no_stays_a_string(tmp_path: Path) -> None:
    root = repo_with(tmp_path, "yaml11-boolean.yaml")
    _, doc, _ = lint_json(root)
    (diagnostic,) = diagnostics_of(doc, f"{SERVICES}/yaml11-boolean.yaml")
    assert "'no'" in str(diagnostic["message"])
    assert "False" not in str(diagnostic["message"])  # never read as a boolean


def test_the_whole_corpus_at_once_in_text_format(tmp_path: Path) -> None:
    """One run over every hostile file: each reported, each line well-formed."""
    root = repo_with(tmp_path, *CASES, *ACCEPTED)
    result = run_cli(["lint", "--format", "text", "--no-color"], cwd=root)
    assert result.exit_code == 1
    assert "Traceback" not in result.output + result.stderr
    lines = result.stdout.splitlines()
    shape = re.compile(r"^(?P<path>[^:]+):\d+:\d+: (error|warning) \[[a-z-]+\] \S")
    reported = set()
    for line in lines[:-1]:
        match = shape.match(line)
        assert match, line[:200]
        assert "\x1b" not in line  # a file's escape sequence cannot repaint the terminal
        reported.add(match["path"])
    assert reported == {f"{SERVICES}/{n}" for n in CASES} | {CANARY[0]}
    assert lines[-1].startswith(f"{BASE_FILES + len(CASES) + len(ACCEPTED)} files checked")


# -- files git cannot hold: made at test time -----------------------------------------


def test_file_over_the_size_limit(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    (root / SERVICES / "huge.yaml").write_bytes(b"a: " + b"x" * (1024 * 1024) + b"\n")
    message = assert_located(
        root,
        f"{SERVICES}/huge.yaml",
        1,
        1,
        "file-unreadable",
        "over the limit of 1,048,576",
        files=BASE_FILES + 1,
    )
    assert "spec.lint.maxFileSize" in message


def test_file_at_the_size_limit_is_read(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    head = b"apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: big, title: "
    tail = b"}\nspec: {type: technical, tier: 3, lifecycle: live, owner: payments}\n"
    filler = b"x" * (1024 * 1024 - len(head) - len(tail))
    (root / SERVICES / "big.yaml").write_bytes(head + filler + tail)
    code, doc, found = lint_json(root)
    assert code == 1  # the canary
    assert diagnostics_of(doc, f"{SERVICES}/big.yaml") == []
    assert_run_went_on(doc, found, BASE_FILES + 1)


def test_100k_deep_flow_nesting(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    depth = 100_000  # the 64th "[" (column 7 + 63) opens level 65
    (root / SERVICES / "deep.yaml").write_text("spec: " + "[" * depth + "]" * depth + "\n")
    assert_located(
        root,
        f"{SERVICES}/deep.yaml",
        1,
        70,
        "yaml-limits",
        "nesting deeper than 64 levels",
        files=BASE_FILES + 1,
    )


def test_100k_deep_block_nesting(tmp_path: Path) -> None:
    # "- - - x" nests block sequences on one line: 100,000 levels in 200 kB. The root
    # mapping is level 1, so the 64th dash (column 2 * 63 + 1) opens level 65.
    root = base_repo(tmp_path)
    (root / SERVICES / "deep.yaml").write_text("spec:\n" + "- " * 100_000 + "x\n")
    assert_located(
        root,
        f"{SERVICES}/deep.yaml",
        2,
        127,
        "yaml-limits",
        "nesting deeper than 64 levels",
        files=BASE_FILES + 1,
    )


def test_100k_deep_unclosed_flow_nesting(tmp_path: Path) -> None:
    # Never closed: refused for its depth before the missing brackets are even seen.
    # The 64th "{" (column 7 + 4 * 63) opens level 65.
    root = base_repo(tmp_path)
    (root / SERVICES / "deep.yaml").write_text("spec: " + "{a: " * 100_000)
    assert_located(
        root,
        f"{SERVICES}/deep.yaml",
        1,
        259,
        "yaml-limits",
        "nesting deeper than 64 levels",
        files=BASE_FILES + 1,
    )


def test_symlink_pointing_outside_the_repository(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    secret = tmp_path / "secret.yaml"
    secret.write_text("password: hunter2\n")
    (root / SERVICES / "leak.yaml").symlink_to(secret)
    assert_located(
        root,
        f"{SERVICES}/leak.yaml",
        1,
        1,
        "file-unreadable",
        "symbolic link pointing outside the repository",
        files=BASE_FILES + 1,
    )
    result = run_cli(["lint", "--format", "json"], cwd=root)
    assert "hunter2" not in result.output


def test_folder_linked_outside_the_repository(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "stolen.yaml").write_text("password: hunter2\n")
    (root / "changes").symlink_to(outside, target_is_directory=True)
    config = (root / "itsm.yaml").read_text().replace("[catalog]", "[catalog, change]")
    (root / "itsm.yaml").write_text(config)
    # The linked folder itself is reported; nothing behind it is read.
    assert_located(
        root,
        "changes",
        1,
        1,
        "file-unreadable",
        "symbolic link pointing outside the repository; not read",
        files=BASE_FILES + 1,
    )


def test_symlink_inside_the_repository_is_refused_too(tmp_path: Path) -> None:
    # git stores the link, a checkout follows it: the gate and lint would disagree.
    root = base_repo(tmp_path)
    shared = root / "shared"
    shared.mkdir()
    (shared / "ledger.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: ledger}\n"
        "spec: {type: technical, tier: 3, lifecycle: live, owner: payments}\n"
    )
    (root / SERVICES / "ledger.yaml").symlink_to("../../shared/ledger.yaml")
    code, doc, found = lint_json(root)
    assert code == 1
    (only,) = diagnostics_of(doc, f"{SERVICES}/ledger.yaml")
    assert only["rule"] == "file-unreadable"
    assert str(only["message"]).startswith("symbolic link; git stores the link")
    assert_run_went_on(doc, found, BASE_FILES + 1)


@pytest.mark.parametrize(
    ("target", "fragment"),
    [("loop.yaml", "symbolic link loop"), ("missing.yaml", "symbolic link to a missing file")],
)
def test_broken_symlinks(tmp_path: Path, target: str, fragment: str) -> None:
    root = base_repo(tmp_path)
    (root / SERVICES / "loop.yaml").symlink_to(target)
    assert_located(
        root, f"{SERVICES}/loop.yaml", 1, 1, "file-unreadable", fragment, files=BASE_FILES + 1
    )


def test_directory_named_like_a_yaml_file(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    folder = root / SERVICES / "archive.yaml"
    folder.mkdir()
    # Its contents are still scanned: this file's error shows the walk went inside.
    (folder / "old.yaml").write_text(
        "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: old}\n"
        "spec: {type: technical, tier: 9, lifecycle: retired, owner: payments}\n"
    )
    message = assert_located(
        root,
        f"{SERVICES}/archive.yaml",
        1,
        1,
        "file-unreadable",
        "a directory named like a YAML file",
        files=BASE_FILES + 2,
    )
    assert "rename it" in message
    _, _, found = lint_json(root)
    assert (f"{SERVICES}/archive.yaml/old.yaml", 4, 31, "schema") in found


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root can read any file"
)
def test_unreadable_file(tmp_path: Path) -> None:
    root = base_repo(tmp_path)
    locked = root / SERVICES / "locked.yaml"
    shutil.copyfile(root / SERVICES / "checkout.yaml", locked)
    locked.chmod(0)
    try:
        assert_located(
            root,
            f"{SERVICES}/locked.yaml",
            1,
            1,
            "file-unreadable",
            "permission denied",
            files=BASE_FILES + 1,
        )
    finally:
        locked.chmod(0o644)  # so that pytest can clean up tmp_path


# -- a real process: stderr, exit status, and no hang on a FIFO ------------------------


def run_process(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GITHUB_")}
    env.pop("ITSM_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "itsmcode", "lint", *args],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=SUBPROCESS_TIMEOUT,
        env=env,
        check=False,
    )


@pytest.fixture
def fifo_repo(tmp_path: Path) -> Iterator[Path]:
    if not hasattr(os, "mkfifo"):
        pytest.skip("no FIFOs on this platform")
    root = base_repo(tmp_path)
    os.mkfifo(root / SERVICES / "pipe.yaml")
    yield root


def test_fifo_does_not_hang_the_run(fifo_repo: Path) -> None:
    # Nobody ever writes to the FIFO: opening it for reading would block for good, and
    # the subprocess timeout would fail the test instead of hanging the suite.
    done = run_process(fifo_repo, "--format", "json")
    assert done.returncode == 1, done.stderr
    assert done.stderr == ""
    doc = json.loads(done.stdout)
    found = [(d["path"], d["line"], d["column"], d["rule"]) for d in doc["diagnostics"]]
    assert (f"{SERVICES}/pipe.yaml", 1, 1, "file-unreadable") in found
    (pipe,) = diagnostics_of(doc, f"{SERVICES}/pipe.yaml")
    assert "FIFO" in str(pipe["message"])
    assert_run_went_on(doc, found, BASE_FILES + 1)


def test_real_process_over_everything_at_once(fifo_repo: Path, tmp_path: Path) -> None:
    """``python -m itsmcode lint`` over the corpus and every made-up file together:
    exit 1, nothing at all on stderr, every hostile file reported, the canary too."""
    root = fifo_repo
    for name in (*CASES, *ACCEPTED):
        shutil.copyfile(FILES / name, root / SERVICES / name)
    (tmp_path / "outside.yaml").write_text("a: 1\n")
    (root / SERVICES / "link-out.yaml").symlink_to(tmp_path / "outside.yaml")
    (root / SERVICES / "huge.yaml").write_bytes(b"#" * (1024 * 1024 + 1))
    (root / SERVICES / "deep.yaml").write_text("a: " + "[" * 100_000 + "]" * 100_000)
    (root / SERVICES / "dir.yaml").mkdir()
    made = ("pipe.yaml", "link-out.yaml", "huge.yaml", "deep.yaml", "dir.yaml")

    done = run_process(root, "--format", "json")
    assert done.returncode == 1
    assert done.stderr == ""  # no traceback, no "internal error"
    doc = json.loads(done.stdout)
    found = [(d["path"], d["line"], d["column"], d["rule"]) for d in doc["diagnostics"]]
    reported = {path for path, *_ in found}
    expected = {f"{SERVICES}/{n}" for n in (*CASES, *made)} | {CANARY[0]}
    assert reported == expected
    for _, line, column, rule in found:
        assert line >= 1 and column >= 1 and rule
    for name, (line, column, rule, _) in CASES.items():
        assert (f"{SERVICES}/{name}", line, column, rule) in found
    assert_run_went_on(doc, found, BASE_FILES + len(CASES) + len(ACCEPTED) + len(made))
