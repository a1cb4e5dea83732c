"""`itsm fmt` through the real CLI on real files: order, style, comments, safety."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

from itsmcode.load.yamlio import parse
from tests.helpers import run_cli, write_repo

PROJECT = Path(__file__).resolve().parents[2]

UNORDERED = """\
# yaml-language-server: $schema=../../schemas/service.schema.json
# The payments API.
kind: Service
apiVersion: itsmcode/v1
spec:   # what it is
  # who answers for it
  owner: payments     # the owning team
  tier: 1
  # what it needs
  dependsOn:
  - {type: hard, service: postgres-primary}
  - type: soft   # degrades only
    service: fraud-scoring
  lifecycle: live
  type: technical
metadata:
  labels: {pci: 'true', domain: payments, answer: "no"}
  name: payments-api
  links:
  - {url: 'https://wiki.example/runbooks/payments', title: Runbook}
"""

# Written by hand: what the documentation's order and style give for UNORDERED.
CANONICAL = """\
# yaml-language-server: $schema=../../schemas/service.schema.json
# The payments API.
apiVersion: itsmcode/v1
kind: Service
metadata:
  name: payments-api
  labels: {pci: "true", domain: payments, answer: "no"}
  links:
    - {title: Runbook, url: "https://wiki.example/runbooks/payments"}
spec:   # what it is
  type: technical
  tier: 1
  lifecycle: live
  # who answers for it
  owner: payments     # the owning team
  # what it needs
  dependsOn:
    - {service: postgres-primary, type: hard}
    - service: fraud-scoring
      type: soft # degrades only
"""


def repo_with(tmp_path: Path, text: str) -> Path:
    return write_repo(tmp_path, {"catalog/services/payments-api.yaml": text})


def test_fmt_puts_keys_in_documented_order_and_keeps_every_comment(tmp_path: Path) -> None:
    root = repo_with(tmp_path, UNORDERED)
    result = run_cli(["fmt"], cwd=root)
    assert result.exit_code == 0, result.output
    assert "reformatted catalog/services/payments-api.yaml" in result.stdout
    assert (root / "catalog/services/payments-api.yaml").read_text() == CANONICAL
    again = run_cli(["fmt", "--check"], cwd=root)
    assert again.exit_code == 0 and again.stdout == ""


def test_check_lists_files_writes_nothing_and_exits_1(tmp_path: Path) -> None:
    root = repo_with(tmp_path, UNORDERED)
    result = run_cli(["fmt", "--check"], cwd=root)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == ["would reformat catalog/services/payments-api.yaml"]
    assert "1 file would be reformatted" in result.stderr
    assert (root / "catalog/services/payments-api.yaml").read_text() == UNORDERED


def test_quotes_what_a_yaml_1_1_reader_would_misread(tmp_path: Path) -> None:
    text = UNORDERED.replace(
        'answer: "no"}', 'answer: "no", opens: "12:30", on: "on", big: \'1e3\', x: \'y\'}'
    )
    root = repo_with(tmp_path, text)
    assert run_cli(["fmt"], cwd=root).exit_code == 0
    written = (root / "catalog/services/payments-api.yaml").read_text()
    assert (
        'labels: {pci: "true", domain: payments, answer: "no", opens: "12:30", '
        '"on": "on", big: "1e3", x: y}'
    ) in written


def test_a_file_that_does_not_parse_is_reported_located_and_left_alone(tmp_path: Path) -> None:
    broken = "apiVersion: itsmcode/v1\nkind: Service\nmetadata: {name: x\n"
    root = write_repo(
        tmp_path,
        {"catalog/services/x.yaml": broken, "catalog/services/payments-api.yaml": UNORDERED},
    )
    result = run_cli(["fmt"], cwd=root)
    assert result.exit_code == 1
    assert "catalog/services/x.yaml:4:1: cannot format:" in result.stderr
    assert "Traceback" not in result.output
    assert (root / "catalog/services/x.yaml").read_text() == broken
    assert (root / "catalog/services/payments-api.yaml").read_text() == CANONICAL


def test_named_paths_only_and_a_symlink_is_never_rewritten(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "catalog/services/payments-api.yaml": UNORDERED,
            "catalog/services/other.yaml": UNORDERED.replace("payments-api", "other"),
        },
    )
    os.symlink("payments-api.yaml", root / "catalog/services/alias.yaml")
    result = run_cli(
        ["fmt", "catalog/services/alias.yaml", "catalog/services/other.yaml"], cwd=root
    )
    assert result.exit_code == 1
    assert "catalog/services/alias.yaml:1:1: cannot format: symbolic link" in result.stderr
    assert (root / "catalog/services/alias.yaml").is_symlink()
    assert (root / "catalog/services/payments-api.yaml").read_text() == UNORDERED
    assert (root / "catalog/services/other.yaml").read_text() != UNORDERED


def test_file_mode_is_kept(tmp_path: Path) -> None:
    root = repo_with(tmp_path, UNORDERED)
    target = root / "catalog/services/payments-api.yaml"
    target.chmod(0o640)
    assert run_cli(["fmt"], cwd=root).exit_code == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert not [p for p in target.parent.iterdir() if p.name.endswith(".tmp")]


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    root = repo_with(tmp_path, UNORDERED)
    result = run_cli(["fmt", "nope.yaml"], cwd=root)
    assert result.exit_code == 2
    assert result.stderr.strip() == "itsm: error: no such file or directory: nope.yaml"


def test_the_example_repository_is_formatted(tmp_path: Path) -> None:
    """The bundled example is kept in canonical form (and fmt leaves it unchanged)."""
    result = run_cli(["fmt", "--check", "--repo", str(PROJECT)])
    assert result.exit_code == 0, result.stdout


def test_fmt_keeps_values_and_is_stable_on_every_example_file(tmp_path: Path) -> None:
    """Scrambled key order in every example file: fmt restores values exactly."""
    root = tmp_path / "example"
    shutil.copytree(PROJECT, root, ignore=shutil.ignore_patterns(".git", ".venv", "src", "tests"))
    files = sorted(p for p in (root / "catalog").rglob("*.yaml"))
    before = {p: parse(p.read_text()).data for p in files}
    for path in files:  # move the spec block above metadata: a real reordering
        text = path.read_text()
        head, _, spec = text.partition("\nspec:\n")
        meta_start = head.index("\nmetadata:")
        path.write_text(head[:meta_start] + "\nspec:\n" + spec + head[meta_start + 1 :] + "\n")
    assert run_cli(["fmt", "--repo", str(root)]).exit_code == 0
    assert {p: parse(p.read_text()).data for p in files} == before
    assert run_cli(["fmt", "--check", "--repo", str(root)]).exit_code == 0
