"""``itsm show KIND NAME [--at REF|DATE]``."""

from __future__ import annotations

import json

import yaml

from tests.diff.gitrepo import GitRepo
from tests.helpers import TEAM, service


def test_show_from_the_work_tree_with_resolved_references(repo: GitRepo) -> None:
    result = repo.itsm("show", "service", "api", "--format", "json")
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["path"] == "catalog/services/api.yaml"
    assert doc["entity"]["spec"]["dependsOn"][0] == {"service": "ledger", "type": "hard"}
    assert doc["resolved"]["spec.owner"]["path"] == "catalog/teams/payments.yaml"
    ledger = doc["resolved"]["spec.dependsOn[0].service"]
    assert (ledger["name"], ledger["tier"], ledger["path"]) == (
        "ledger",
        1,
        "catalog/services/ledger.yaml",
    )
    assert doc["dependents"] == ["web"]


def test_show_at_a_ref_and_as_yaml(repo: GitRepo) -> None:
    repo.commit("tier 2", {"catalog/services/cache.yaml": service("cache", tier=2)})
    repo.write({"catalog/services/cache.yaml": service("cache", tier=1)})
    now = yaml.safe_load_all(repo.itsm("show", "Service", "cache").stdout)
    assert next(now)["spec"]["tier"] == 1
    result = repo.itsm("show", "services", "cache", "--at", "HEAD~1")
    assert result.exit_code == 0, result.output
    first, extra = list(yaml.safe_load_all(result.stdout))
    assert first["spec"]["tier"] == 3 and first["metadata"] == {"name": "cache"}
    assert extra["resolved"]["spec.owner"]["name"] == "payments"
    assert extra["dependents"] == ["api"]
    assert result.stdout.startswith("# catalog/services/cache.yaml at HEAD~1 (")


def test_show_at_a_date(repo: GitRepo) -> None:
    result = repo.itsm("show", "sla", "gold", "--at", "2099-12-31", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["entity"]["spec"]["availability"]["target"] == 99.95
    early = repo.itsm("show", "sla", "gold", "--at", "1999-01-01")
    assert early.exit_code == 2 and "no commit at or before 1999-01-01" in early.stderr


def test_show_missing_entity_and_unknown_kind(repo: GitRepo) -> None:
    missing = repo.itsm("show", "service", "ledgr")
    assert missing.exit_code == 1 and "did you mean 'ledger'" in missing.stderr
    kind = repo.itsm("show", "servise", "api")
    assert kind.exit_code == 2 and "unknown kind 'servise'" in kind.stderr
    ref = repo.itsm("show", "service", "api", "--at", "nope")
    assert ref.exit_code == 2 and "unknown revision 'nope'" in ref.stderr


def test_show_a_file_that_does_not_load_says_why(repo: GitRepo) -> None:
    repo.write({"catalog/services/ledger.yaml": "apiVersion: itsmcode/v1\nkind: [Service\n"})
    result = repo.itsm("show", "service", "ledger")
    assert result.exit_code == 1
    assert "Service 'ledger' in the work tree does not load" in result.stderr
    assert "catalog/services/ledger.yaml:3:1: [yaml-syntax]" in result.stderr


def test_show_yaml_reads_back_as_the_file_under_yaml_1_2_and_1_1(repo: GitRepo) -> None:
    # "1e3" is a number only in YAML 1.2, "no" a boolean and the date a date only in
    # YAML 1.1: written bare, one reader or the other read back something else.
    team = TEAM.replace("{github: bob}", '{github: "1e3"}\n    - {github: "no"}')
    repo.write({"catalog/teams/payments.yaml": team})
    reviewed = service("cache", extra='reviewBy: "2026-01-01"\n')
    repo.write({"catalog/services/cache.yaml": reviewed})
    from itsmcode.load.yamlio import load_value, parse

    for kind, name, path in (
        ("team", "payments", "catalog/teams/payments.yaml"),
        ("service", "cache", "catalog/services/cache.yaml"),
    ):
        result = repo.itsm("show", kind, name)
        assert result.exit_code == 0, result.output
        entity_yaml = result.stdout.split("\n---\n")[0]
        in_file = parse((repo.root / path).read_text(encoding="utf-8")).data
        assert load_value(entity_yaml) == in_file
        assert yaml.safe_load(entity_yaml) == in_file
    assert "github: '1e3'" in repo.itsm("show", "team", "payments").stdout
