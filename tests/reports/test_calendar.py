"""``itsm calendar`` through the real CLI: the example repository and small repositories
with hand-made conflicts; every expected value is written out by hand."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.diff.gitrepo import GitRepo
from tests.helpers import run_cli, service, write_repo
from tests.rules.change_files import FREEZES_PATH, POLICY_PATH, calendar, change, policy

ROOT = Path(__file__).resolve().parents[2]


def test_example_agenda_shows_the_december_freeze_and_the_changes_around_it() -> None:
    result = run_cli(
        ["calendar", "--repo", str(ROOT), "--since", "2026-12-08", "--until", "2026-12-19"]
    )
    assert result.exit_code == 0, result.output
    assert result.output == (
        "Schedule of change for Acme Retail IT, 2026-12-08 00:00 to 2026-12-19 00:00 "
        "(Europe/Berlin)\n"
        "\n"
        "Tue 2026-12-08\n"
        "  10:00–11:00  chg-2026-0039 [planned] normal, low risk: New site header and mega-menu\n"
        "    storefront-web (tier 1, storefront)\n"
        "\n"
        "Wed 2026-12-09\n"
        "  22:00–Thu 2026-12-10 01:00  chg-2026-0040 [planned] normal, high risk: Move card "
        "payments to the new acquirer\n"
        "    payments-api (tier 1, payments), checkout-api (tier 1, payments)\n"
        "\n"
        "Fri 2026-12-11\n"
        "  15:00–Mon 2026-12-14 06:00  FREEZE weekend (change-freezes)\n"
        "\n"
        "Tue 2026-12-15\n"
        "  14:00–14:30  chg-2026-0041 [planned] standard, low risk: Renew the support "
        "portal's TLS certificate\n"
        "    customer-support-portal (tier 3, fulfilment)\n"
        "\n"
        "Wed 2026-12-16\n"
        "  20:00–23:00  chg-2026-0042 [planned] normal, medium risk: Move the data warehouse "
        "to partitioned tables\n"
        "    data-warehouse (tier 4, data)\n"
        "\n"
        "Fri 2026-12-18\n"
        "  00:00–Mon 2027-01-04 00:00  FREEZE year-end-2026 (change-freezes)\n"
        "  15:00–Mon 2026-12-21 06:00  FREEZE weekend (change-freezes)\n"
        "\n"
        "Agreed maintenance windows (a change must fit in one; exempt: emergency, standard)\n"
        "  weekday-evenings (calendar business-hours-eu; binds customer-support-portal, "
        "data-warehouse, fraud-scoring, inventory-service, notifications, order-service, "
        "product-catalog, recommendations, search, warehouse-management): 7 in the period, "
        "first Tue 2026-12-08 19:00–Wed 2026-12-09 00:00\n"
        "  weeknights (service checkout-api; binds checkout-api): 8 in the period, "
        "first Mon 2026-12-07 22:00–Tue 2026-12-08 02:00\n"
        "  weeknights (service payments-api; binds payments-api): 8 in the period, "
        "first Mon 2026-12-07 22:00–Tue 2026-12-08 02:00\n"
        "\n"
        "4 changes, 3 freeze occurrences, 0 conflicts\n"
    )


def test_what_is_under_way_at_the_start_is_listed_first() -> None:
    result = run_cli(
        ["calendar", "--repo", str(ROOT), "--since", "2026-12-20", "--until", "2026-12-22"]
    )
    assert result.output.splitlines()[2:5] == [
        "Under way at the start",
        "  Fri 2026-12-18 00:00–Mon 2027-01-04 00:00  FREEZE year-end-2026 (change-freezes)",
        "  Fri 2026-12-18 15:00–Mon 2026-12-21 06:00  FREEZE weekend (change-freezes)",
    ]


def conflicted(tmp_path: Path) -> Path:
    """api depends on db; a and b overlap on api, c (db) overlaps b, d lies in the freeze,
    e is an emergency in the freeze (exempt), f is cancelled on top of a."""
    return write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api", tier=1, extra="dependsOn: [{service: db}]"),
            "catalog/services/db.yaml": service("db", tier=2),
            POLICY_PATH: policy(),
            FREEZES_PATH: calendar(
                "change-freezes",
                """
                freezes:
                  - name: xmas
                    start: "2026-12-20T00:00:00+01:00"
                    end: "2026-12-27T00:00:00+01:00"
                """,
            ),
            "changes/2026/chg-a.yaml": change(
                "chg-a", start="2026-12-02T22:00:00+01:00", end="2026-12-02T23:00:00+01:00"
            ),
            "changes/2026/chg-b.yaml": change(
                "chg-b", start="2026-12-02T22:30:00+01:00", end="2026-12-02T23:30:00+01:00"
            ),
            "changes/2026/chg-c.yaml": change(
                "chg-c",
                services="[db]",
                start="2026-12-02T23:15:00+01:00",
                end="2026-12-03T00:15:00+01:00",
            ),
            "changes/2026/chg-d.yaml": change(
                "chg-d", start="2026-12-21T10:00:00+01:00", end="2026-12-21T11:00:00+01:00"
            ),
            "changes/2026/chg-e.yaml": change(
                "chg-e",
                type="emergency",
                start="2026-12-22T10:00:00+01:00",
                end="2026-12-22T11:00:00+01:00",
            ),
            "changes/2026/chg-f.yaml": change(
                "chg-f",
                status="cancelled",
                start="2026-12-02T22:00:00+01:00",
                end="2026-12-02T23:00:00+01:00",
            ),
        },
    )


def calendar_json(root: Path, *extra: str) -> dict[str, object]:
    result = run_cli(["calendar", "--repo", str(root), "--format", "json", *extra])
    assert result.exit_code == 0, result.output
    data: dict[str, object] = json.loads(result.output)
    return data


def test_json_lists_conflicts_as_lint_sees_them(tmp_path: Path) -> None:
    data = calendar_json(conflicted(tmp_path), "--since", "2026-12-01", "--until", "2027-01-01")
    assert data["report"] == "calendar"
    assert data["version"] == 1
    assert data["period"] == {
        "since": "2026-12-01T00:00:00+01:00",
        "until": "2027-01-01T00:00:00+01:00",
    }
    assert data["findings"] == [
        {
            "type": "change-overlap",
            "severity": "error",
            "entities": [
                {"kind": "ChangeRequest", "name": "chg-a"},
                {"kind": "ChangeRequest", "name": "chg-b"},
            ],
            "message": "chg-a overlaps chg-b (2026-12-02T22:30:00+01:00 to "
            "2026-12-02T23:30:00+01:00), which also changes service 'api'",
        },
        {
            "type": "change-overlap",
            "severity": "error",
            "entities": [
                {"kind": "ChangeRequest", "name": "chg-b"},
                {"kind": "ChangeRequest", "name": "chg-c"},
            ],
            "message": "chg-b overlaps chg-c (2026-12-02T23:15:00+01:00 to "
            "2026-12-03T00:15:00+01:00), which changes 'db', a service that 'api' depends on",
        },
        {
            "type": "change-in-freeze",
            "severity": "error",
            "entities": [{"kind": "ChangeRequest", "name": "chg-d"}],
            "message": "chg-d (2026-12-21T10:00:00+01:00 to 2026-12-21T11:00:00+01:00) falls "
            "in freeze 'xmas' of calendar 'change-freezes' (2026-12-20T00:00:00+01:00 to "
            "2026-12-27T00:00:00+01:00)",
        },
    ]
    changes = data["changes"]
    assert isinstance(changes, list)
    assert [c["change"] for c in changes] == ["chg-a", "chg-f", "chg-b", "chg-c", "chg-d", "chg-e"]
    assert changes[3] == {
        "change": "chg-c",
        "title": None,
        "status": "planned",
        "type": "normal",
        "risk": "low",
        "window": {"start": "2026-12-02T23:15:00+01:00", "end": "2026-12-03T00:15:00+01:00"},
        "services": [{"service": "db", "tier": 2, "owner": "payments"}],
        "path": "changes/2026/chg-c.yaml",
    }
    assert data["freezes"] == [
        {
            "calendar": "change-freezes",
            "freeze": "xmas",
            "start": "2026-12-20T00:00:00+01:00",
            "end": "2026-12-27T00:00:00+01:00",
        }
    ]


def test_period_bounds_exclude_what_lies_outside(tmp_path: Path) -> None:
    data = calendar_json(conflicted(tmp_path), "--since", "2026-12-03", "--until", "2026-12-21")
    changes = data["changes"]
    assert isinstance(changes, list)
    # chg-c ends at 00:15 on the 3rd: still under way at local midnight; chg-d starts on the 21st.
    assert [c["change"] for c in changes] == ["chg-c"]
    assert data["findings"] == []


def test_dates_are_local_midnight_across_dst(tmp_path: Path) -> None:
    data = calendar_json(conflicted(tmp_path), "--since", "2026-03-29", "--until", "2026-03-30")
    assert data["period"] == {
        "since": "2026-03-29T00:00:00+01:00",
        "until": "2026-03-30T00:00:00+02:00",
    }


def test_fail_on_exits_1_only_for_the_named_types(tmp_path: Path) -> None:
    root = conflicted(tmp_path)
    period = ["--since", "2026-12-01", "--until", "2027-01-01"]
    assert (
        run_cli(
            ["calendar", "--repo", str(root), *period, "--fail-on", "change-in-freeze"]
        ).exit_code
        == 1
    )
    assert (
        run_cli(
            [
                "calendar",
                "--repo",
                str(root),
                "--since",
                "2026-12-02",
                "--until",
                "2026-12-04",
                "--fail-on",
                "change-in-freeze",
            ]
        ).exit_code
        == 0
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--fail-on", "overlap"],
            "itsm: error: --fail-on overlap: unknown finding type; known: "
            "change-overlap, change-in-freeze, change-outside-maintenance-window\n",
        ),
        (["--since", "2026-13-01"], "itsm: error: --since 2026-13-01: no such date\n"),
        (
            ["--since", "2026-12-01T10:00"],
            "itsm: error: --since 2026-12-01T10:00: give the UTC "
            "offset (e.g. +01:00 or Z), or a date\n",
        ),
        (
            ["--since", "tomorrow"],
            "itsm: error: --since tomorrow: not a date (YYYY-MM-DD) or a "
            "time with an offset (2026-12-01T08:00:00+01:00)\n",
        ),
        (
            ["--since", "2026-12-02", "--until", "2026-12-01"],
            "itsm: error: --until "
            "2026-12-01T00:00:00+01:00 is not after --since 2026-12-02T00:00:00+01:00\n",
        ),
    ],
)
def test_bad_options_are_one_line_usage_errors(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = run_cli(["calendar", "--repo", str(conflicted(tmp_path)), *args])
    assert result.exit_code == 2
    assert result.output == message


def test_markdown_is_a_table_with_the_conflicts(tmp_path: Path) -> None:
    root = conflicted(tmp_path)
    result = run_cli(
        [
            "calendar",
            "--repo",
            str(root),
            "--format",
            "markdown",
            "--since",
            "2026-12-21",
            "--until",
            "2026-12-22",
        ]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == (
        "## Schedule of change for test-org, 2026-12-21 00:00 to 2026-12-22 00:00 (Europe/Berlin)"
    )
    assert lines[2] == "**1 change, 1 freeze occurrence, 1 conflict**"
    assert lines[4:8] == [
        "| Day | When | What | Status | Services (tier, owner) | Conflicts |",
        "| --- | --- | --- | --- | --- | --- |",
        "| under way | Sun 2026-12-20 00:00–Sun 2026-12-27 00:00 | ❄️ freeze **xmas** "
        "(change-freezes) | | | |",
        "| Mon 2026-12-21 | 10:00–11:00 | **chg-d** | planned (normal, low risk) | "
        "api (tier 1, payments) | ⚠️ chg-d (2026-12-21T10:00:00+01:00 to "
        "2026-12-21T11:00:00+01:00) falls in freeze 'xmas' of calendar 'change-freezes' "
        "(2026-12-20T00:00:00+01:00 to 2026-12-27T00:00:00+01:00) |",
    ]
    assert "### Conflicts" in lines


def test_at_reports_on_a_past_commit(tmp_path: Path) -> None:
    root = conflicted(tmp_path)
    repo = GitRepo(root).init()
    repo.commit("one")
    repo.delete("changes/2026/chg-d.yaml")
    data = calendar_json(root, "--since", "2026-12-21", "--until", "2026-12-22", "--at", "HEAD")
    changes = data["changes"]
    assert isinstance(changes, list)
    assert [c["change"] for c in changes] == ["chg-d"]
    now = calendar_json(root, "--since", "2026-12-21", "--until", "2026-12-22")
    assert now["changes"] == []


def test_a_reversed_window_is_left_out(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path,
        {
            "catalog/services/api.yaml": service("api"),
            "changes/2026/chg-r.yaml": change(
                "chg-r", start="2026-12-02T23:00:00+01:00", end="2026-12-02T22:00:00+01:00"
            ),
        },
    )
    data = calendar_json(root, "--since", "2026-12-01", "--until", "2026-12-05")
    assert data["changes"] == []
    assert data["findings"] == []
