"""The check library: its registry, its documentation, and each check that
tests/score/test_score_cli.py does not reach, on a planted repository."""

from __future__ import annotations

from pathlib import Path
from typing import get_args

import pytest

from itsmcode.models.scorecard import PARAMS, CheckId, FailureRateParams
from itsmcode.score.checks import CHECKS
from tests.score.scored import make_repo, score_json, service


def test_the_models_list_the_same_check_ids_as_the_registry() -> None:
    assert list(get_args(CheckId)) == list(CHECKS) == list(PARAMS)
    assert all(CHECKS[i].Params is PARAMS[i] for i in CHECKS)


def test_min_deployed_defaults_to_the_reports_threshold() -> None:
    from itsmcode.reports.changes import MIN_DEPLOYED

    assert FailureRateParams().min_deployed == MIN_DEPLOYED


@pytest.mark.parametrize("check_id", list(CHECKS))
def test_every_check_documents_a_passing_and_a_failing_example(check_id: str) -> None:
    doc = CHECKS[check_id].__doc__ or ""
    assert doc.startswith(f"{check_id}: ")
    assert "Passing::" in doc and "Failing::" in doc


def one_level(check: str, with_: str = "{}") -> str:
    return (
        "apiVersion: itsmcode/v1\nkind: Scorecard\nmetadata: {name: one}\nspec:\n"
        "  selector: {labels: {scored: 'yes'}}\n"
        f"  levels:\n    - name: ok\n      checks: [{{check: {check}, with: {with_}}}]\n"
    )


def failing(root: Path) -> dict[str, list[str]]:
    data = score_json(root)
    return {
        s["service"]: [f["message"] for f in s["failing"]]
        for s in data["services"]
        if s["scorecard"] == "one"
    }


SCORED = "{scored: 'yes'}"


def test_review_not_due(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "processes/scorecards/one.yaml": one_level("review-not-due"),
            "catalog/services/x-ahead.yaml": service(
                "x-ahead", labels=SCORED, spec="  reviewBy: 2999-01-01\n"
            ),
            "catalog/services/x-due.yaml": service(
                "x-due", labels=SCORED, spec="  reviewBy: 2020-01-15\n"
            ),
            "catalog/services/x-none.yaml": service("x-none", labels=SCORED),
        },
    )
    assert failing(tmp_path) == {
        "x-ahead": [],
        "x-due": ["review overdue since 2020-01-15: review it and move reviewBy"],
        "x-none": ["no spec.reviewBy: set the date of the next review"],
    }


def test_sla_feasible_reuses_the_lint_rule(tmp_path: Path) -> None:
    silver = "apiVersion: itsmcode/v1\nkind: SLA\nmetadata: {name: silver}\nspec:\n"
    silver += "  availability: {target: 99.9, window: 30d}\n"
    make_repo(
        tmp_path,
        {
            "processes/scorecards/one.yaml": one_level("sla-feasible"),
            "catalog/slas/silver.yaml": silver,
            "catalog/services/x-db.yaml": service("x-db", spec="  sla: silver\n"),
            # gold (99.95%) on a 99.9% hard dependency: more than it can keep.
            "catalog/services/x-api.yaml": service(
                "x-api", labels=SCORED, spec="  sla: gold\n  dependsOn: [{service: x-db}]\n"
            ),
            "catalog/services/x-ok.yaml": service(
                "x-ok", labels=SCORED, spec="  sla: silver\n  dependsOn: [{service: x-db}]\n"
            ),
        },
    )
    assert failing(tmp_path) == {
        "x-api": [
            "SLA gold promises 99.95% but hard dependencies allow at most 99.90% (x-db 99.9%)"
        ],
        "x-ok": [],
    }


def problem(name: str, status: str, workaround: bool) -> str:
    text = (
        f"apiVersion: itsmcode/v1\nkind: Problem\nmetadata: {{name: {name}}}\nspec:\n"
        f"  services: [x-svc]\n  status: {status}\n"
    )
    return text + ("  workaround: Restart it.\n" if workaround else "")


def test_problems_have_workaround(tmp_path: Path) -> None:
    make_repo(
        tmp_path,
        {
            "processes/scorecards/one.yaml": one_level("problems-have-workaround"),
            "catalog/services/x-svc.yaml": service("x-svc", labels=SCORED),
            "problems/prb-a.yaml": problem("prb-a", "open", workaround=False),
            "problems/prb-b.yaml": problem("prb-b", "known-error", workaround=True),
            "problems/prb-c.yaml": problem("prb-c", "resolved", workaround=False),
            "problems/prb-d.yaml": problem("prb-d", "known-error", workaround=False),
        },
    )
    assert failing(tmp_path) == {"x-svc": ["open problems prb-a, prb-d without a workaround"]}


def test_no_recurring_incidents(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from tests.score.scored import incident

    now = datetime.now(timezone.utc)
    files = {
        "processes/scorecards/one.yaml": one_level("no-recurring-incidents", "{window: 30d}"),
        "catalog/services/x-svc.yaml": service("x-svc", labels=SCORED),
        "catalog/services/x-calm.yaml": service("x-calm", labels=SCORED),
    }
    # Three incidents within a day: the default recurrence (3 in 30 days).
    for i in range(3):
        at = now - timedelta(days=2, hours=i)
        files[f"incidents/inc-r{i}.yaml"] = incident(f"inc-r{i}", "x-svc", at, timedelta(hours=1))
    files["incidents/inc-c0.yaml"] = incident(
        "inc-c0", "x-calm", now - timedelta(days=2), timedelta(hours=1)
    )
    make_repo(tmp_path, files)
    assert failing(tmp_path) == {
        "x-calm": [],
        "x-svc": ["incidents inc-r0, inc-r1, inc-r2 (unknown) recur without a problem record"],
    }


def test_change_failure_rate_and_emergency_reviews(tmp_path: Path) -> None:
    from datetime import datetime, timedelta, timezone

    from tests.reports.planted import completed_change

    def ts(at: datetime) -> str:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")

    now = datetime.now(timezone.utc)
    start, end = now - timedelta(days=20, hours=2), now - timedelta(days=20, hours=1)
    card = one_level("change-failure-rate", "{max: 0.2}").replace(
        "}]\n", "}, {check: emergency-reviews}]\n"
    )
    files = {
        "processes/scorecards/one.yaml": card,
        "catalog/services/x-svc.yaml": service("x-svc", labels=SCORED),
        "catalog/services/x-calm.yaml": service("x-calm", labels=SCORED),
    }
    # x-svc: 2 of 5 failed (40% > 20%); x-calm: 1 of 5 (20%, not above 20%).
    for i in range(5):
        for name, failed in (("x-svc", i < 2), ("x-calm", i < 1)):
            change = f"chg-{name}-{i}"
            files[f"changes/{change}.yaml"] = completed_change(
                change,
                ts(end),
                status="failed" if failed else "completed",
                services=f"[{name}]",
                start=ts(start),
                end=ts(end),
            )
    # An emergency change finished 20 days ago without a review (due within 5 days).
    files["changes/chg-x-svc-0.yaml"] = completed_change(
        "chg-x-svc-0",
        ts(end),
        status="failed",
        type="emergency",
        services="[x-svc]",
        start=ts(start),
        end=ts(end),
    )
    make_repo(tmp_path, files)
    assert failing(tmp_path) == {
        "x-calm": ["post-implementation review overdue for chg-x-calm-0"],
        "x-svc": [
            "2 of 5 changes in the last 90d failed (40%), above 20%",
            "post-implementation review overdue for chg-x-svc-0, chg-x-svc-1",
        ],
    }
