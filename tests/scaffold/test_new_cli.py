"""`itsm new` through the real CLI on real repositories."""

from __future__ import annotations

from pathlib import Path

from itsmcode.load.yamlio import parse
from tests.helpers import change_request, run_cli, service, write_repo

NOW = "2026-12-06T10:00:00+01:00"
INCIDENT = """\
apiVersion: itsmcode/v1
kind: Incident
metadata: {{name: {name}}}
spec:
  # what broke
  services: [{service}]
  priority: P2     # customer-facing
  openedAt: "2026-11-0{day}T09:00:00+01:00"
"""


def repo(tmp_path: Path, extra: dict[str, str] | None = None) -> Path:
    files = {
        "catalog/services/api.yaml": service("api"),
        "catalog/services/web.yaml": service("web"),
        "changes/2026/chg-2026-0007.yaml": change_request("chg-2026-0007"),
        "changes/2025/chg-2025-0042.yaml": change_request(
            "chg-2025-0042",
            start="2025-12-02T22:00:00+01:00",
            end="2025-12-02T23:00:00+01:00",
            status="cancelled",
        ),
    }
    return write_repo(tmp_path, {**files, **(extra or {})})


def new(root: Path, *args: str) -> tuple[int, str, str]:
    result = run_cli(["new", *args, "--now", NOW], cwd=root)
    return result.exit_code, result.stdout, result.stderr


def test_a_change_gets_the_next_number_of_its_year_and_lints_clean(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out, err = new(root, "change", "--set", "services=[api]", "--set", "requester=alice")
    assert (code, out) == (0, "created changes/2026/chg-2026-0008.yaml\n"), err
    data = parse((root / "changes/2026/chg-2026-0008.yaml").read_text()).data
    assert data["metadata"] == {"name": "chg-2026-0008"}
    assert data["spec"]["services"] == ["api"] and data["spec"]["requester"] == "alice"
    assert data["spec"]["window"] == {
        "start": "2026-12-07T20:00:00+01:00",
        "end": "2026-12-07T22:00:00+01:00",
    }
    assert run_cli(["lint"], cwd=root).exit_code == 0
    assert run_cli(["fmt", "--check"], cwd=root).exit_code == 0


def test_each_spec_field_is_explained_by_a_comment(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out, _ = new(root, "service", "billing", "--dry-run")
    assert code == 0
    assert "  # Criticality, 1 (most critical) to 4.\n  tier: 3\n" in out
    assert "  # Team accountable for the service.\n  owner: payments\n" in out
    assert not (root / "catalog/services/billing.yaml").exists()


def test_a_missing_required_field_writes_nothing_and_says_which_set(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, out, err = new(root, "change")
    assert code == 1 and out == ""
    assert (
        "changes/2026/chg-2026-0008.yaml:4:1: error: missing required field 'spec.requester' "
        "[schema] (add --set requester=...)"
    ) in err
    assert "(add --set services=...)" in err
    assert not (root / "changes/2026/chg-2026-0008.yaml").exists()


def test_a_reference_that_does_not_resolve_is_refused(tmp_path: Path) -> None:
    root = repo(tmp_path)
    code, _, err = new(root, "change", "--set", "services=[apj]", "--set", "requester=alice")
    assert code == 1
    assert "unknown Service 'apj'" in err and "did you mean 'api'?" in err


def test_template_fills_type_plan_and_risk_from_the_standard_change(tmp_path: Path) -> None:
    standard = """\
apiVersion: itsmcode/v1
kind: StandardChange
metadata: {name: restart-pods}
spec:
  description: Rolling restart of a deployment.
  maxRisk: low
  plan: {implementation: kubectl rollout restart., test: Pods ready.}
"""
    root = repo(tmp_path, {"processes/standard-changes/restart-pods.yaml": standard})
    code, _, err = new(
        root,
        "change",
        "--template",
        "restart-pods",
        "--set",
        "services=[web]",
        "--set",
        "requester=alice",
    )
    assert code == 0, err
    spec = parse((root / "changes/2026/chg-2026-0008.yaml").read_text()).data["spec"]
    assert spec["type"] == "standard" and spec["template"] == "restart-pods"
    assert spec["plan"] == {"implementation": "kubectl rollout restart.", "test": "Pods ready."}
    code, _, err = new(root, "change", "--template", "restart-pod")
    assert code == 2 and "did you mean 'restart-pods'?" in err


def test_problem_from_incidents_links_both_ways_and_keeps_comments(tmp_path: Path) -> None:
    incidents = {
        f"incidents/2026/inc-2026-000{i}.yaml": INCIDENT.format(
            name=f"inc-2026-000{i}", service=svc, day=i
        )
        for i, svc in ((1, "api"), (2, "web"))
    }
    root = repo(tmp_path, incidents)
    code, out, err = new(
        root, "problem", "prb-slow-api", "--from-incidents", "inc-2026-0001,inc-2026-0002"
    )
    assert code == 0, err
    assert "linked incidents/2026/inc-2026-0001.yaml" in out
    problem = parse((root / "problems/prb-slow-api.yaml").read_text()).data["spec"]
    assert problem["incidents"] == ["inc-2026-0001", "inc-2026-0002"]
    assert problem["services"] == ["api", "web"]
    edited = (root / "incidents/2026/inc-2026-0001.yaml").read_text()
    assert "  # what broke\n" in edited and "priority: P2     # customer-facing" in edited
    assert parse(edited).data["spec"]["problem"] == "prb-slow-api"
    assert run_cli(["lint"], cwd=root).exit_code == 0


def test_usage_errors_are_one_line_with_a_suggestion(tmp_path: Path) -> None:
    root = repo(tmp_path)
    cases = {
        ("servce", "x"): "unknown kind 'servce' (did you mean 'service'?)",
        ("service",): "Service names are not numbered: give one",
        ("service", "api"): "a Service named 'api' exists already",
        ("service", "x", "--set", "teir=1"): "Service has no field 'teir' (did you mean 'tier'?)",
        ("service", "x", "--set", "tier"): "expected FIELD=VALUE",
    }
    for args, message in cases.items():
        code, out, err = new(root, *args)
        assert code == 2 and out == "", args
        assert err.startswith("itsm: error: ") and message in err, err
        assert len(err.strip().splitlines()) == 1


def test_a_kind_whose_practice_is_off_is_refused(tmp_path: Path) -> None:
    config = "apiVersion: itsmcode/v1\nkind: Config\nmetadata: {name: o}\nspec:\n"
    config += "  timezone: UTC\n  practices: [catalog]\n"
    root = write_repo(tmp_path, {}, config=config)
    code, _, err = new(root, "incident")
    assert code == 2 and "enable its practice in itsm.yaml" in err
