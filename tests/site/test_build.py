"""``itsm site build`` without a browser: the page set, links, the contract the browser
tests and users rely on (ids, data attributes, footer), escaping of hostile YAML, --at,
plain directories, and never clobbering what is not a site."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from pathlib import Path

import pytest
import yaml

from tests.diff.gitrepo import GitRepo, base_files
from tests.helpers import CONFIG, TEAM, change_request, run_cli, service, write_repo
from tests.site.pages import parse, target

ROOT = Path(__file__).resolve().parents[2]


def build(repo: Path, out: Path, *args: str) -> tuple[int, str]:
    result = run_cli(["site", "build", "--repo", str(repo), "--out", str(out), *args])
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def example_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example organisation (the project root, with its git history) built once."""
    out = tmp_path_factory.mktemp("example") / "_site"
    code, output = build(ROOT, out)
    assert code == 0, output
    return out


def names_in(folder: Path) -> set[str]:
    return {p.stem for p in folder.rglob("*.yaml")}


def test_the_example_site_has_every_page(example_site: Path) -> None:
    expected = {"index.html", "schedule.html", "audit.html", "lint.html"}
    expected |= {f"reports/{n}.html" for n in ("sla", "changes", "problems")}
    for folder, source in (
        ("services", "catalog/services"),
        ("teams", "catalog/teams"),
        ("slas", "catalog/slas"),
        ("calendars", "catalog/calendars"),
        ("changes", "changes"),
    ):
        names = names_in(ROOT / source)
        assert names, source
        expected |= {f"{folder}/{n}.html" for n in names}
    written = {p.relative_to(example_site).as_posix() for p in example_site.rglob("*.html")}
    assert written == expected
    assert (example_site / "assets" / "site.css").is_file()
    assert (example_site / "assets" / "site.js").is_file()


def test_every_internal_link_resolves_and_nothing_loads_from_elsewhere(
    example_site: Path,
) -> None:
    checked = 0
    for page in example_site.rglob("*.html"):
        parsed = parse(page)
        for reference in parsed.references():
            assert not reference.startswith("//"), (page, reference)
            resolved = target(example_site, page, reference)
            if resolved is None:
                continue
            checked += 1
            assert resolved.is_file(), f"{page.relative_to(example_site)}: {reference}"
            assert example_site in resolved.resolve().parents, reference
        # Scripts, styles and images come from the site itself (or inline: the empty
        # favicon that keeps browsers from asking for /favicon.ico), never from elsewhere.
        for element in parsed.elements:
            loads = element.attrs.get("src") or (
                element.attrs.get("href") if element.tag == "link" else None
            )
            if loads is not None and loads != "data:,":
                assert target(example_site, page, loads) is not None, (page, loads)
    assert checked > 500


def test_the_index_rows_are_the_catalog(example_site: Path) -> None:
    index = parse(example_site / "index.html")
    rows = [e for e in index.elements if e.tag == "tr" and "data-service" in e.attrs]
    files = sorted((ROOT / "catalog" / "services").glob("*.yaml"))
    assert len(rows) == len(files)
    by_name = {r.attrs["data-service"]: r.attrs for r in rows}
    for file in files:
        doc = yaml.safe_load(file.read_text(encoding="utf-8"))
        spec = doc["spec"]
        assert by_name[doc["metadata"]["name"]] == {
            "data-service": doc["metadata"]["name"],
            "data-tier": str(spec["tier"]),
            "data-owner": spec["owner"],
            "data-lifecycle": spec["lifecycle"],
            "data-type": spec["type"],
        }
    assert index.by_id("result-count").text.strip() == f"{len(files)} of {len(files)} services"
    assert index.by_id("result-count").attrs["aria-live"] == "polite"
    assert index.by_id("search").attrs["type"] == "search"
    for name in ("tier", "owner", "lifecycle", "type"):
        assert index.by_id(f"filter-{name}").tag == "select"
    # Without JavaScript the controls are hidden and every row shows.
    assert "hidden" in index.by_id("catalog-controls").attrs
    assert not any("hidden" in r.attrs for r in rows)
    sortable = [e for e in index.elements if e.tag == "th" and "aria-sort" in e.attrs]
    assert [e.attrs["aria-sort"] for e in sortable] == ["none"] * 5


def test_every_page_says_which_commit_and_when(example_site: Path) -> None:
    import subprocess
    from datetime import datetime

    head = subprocess.run(
        ["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.strip()
    for page in example_site.rglob("*.html"):
        parsed = parse(page)
        assert parsed.by_id("built-from").attrs["data-commit"] == head, page
        built_at = datetime.fromisoformat(parsed.by_id("built-at").attrs["datetime"])
        assert built_at.tzinfo is not None
        assert len(parsed.find("footer")) == 1
        assert parsed.find("html")[0].attrs["lang"] == "en"
        assert parsed.find("a", href="#main"), "skip link"
        assert parsed.find("main", id="main")


def test_the_audit_and_lint_pages_show_the_evidence(example_site: Path) -> None:
    audit = parse(example_site / "audit.html")
    assert "Evidence rows" in audit.text
    assert "direct-commit" in audit.text  # the example history has direct commits
    lint = parse(example_site / "lint.html")
    assert "passing" in lint.text and "no diagnostics" in lint.text
    # Where a service stands on the scorecards, as itsm score says.
    payments = parse(example_site / "services" / "payments-api.html")
    assert "itsm-basics silver gold" in payments.text
    assert "no-recurring-incidents" in payments.text
    # A report's rows link the services they name.
    sla = parse(example_site / "reports" / "sla.html")
    headings = [e.text for e in sla.find("h2")]
    assert headings[1:3] == [
        "Attainment",
        "Availability",
    ]
    assert {a.attrs["href"] for a in sla.find("a")} >= {"../services/payments-api.html"}


# --- a small repository with history ----------------------------------------------------


@pytest.fixture()
def repo(tmp_path: Path) -> GitRepo:
    git = GitRepo(tmp_path / "repo").init()
    git.commit("Add the catalog", base_files())
    return git


def test_a_service_page_shows_its_neighbours_up_and_down(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert build(repo.root, out)[0] == 0
    api = parse(out / "services" / "api.html")
    nodes = {g.attrs["data-node"]: g for g in api.find("g") if "data-node" in g.attrs}
    assert set(nodes) == {"api", "ledger", "cache", "web"}
    svg = api.by_id("dependency-graph")
    assert svg.tag == "svg" and svg.attrs["role"] == "group" and svg.attrs["aria-labelledby"]
    links = {a.attrs["href"] for a in api.find("a")}
    for name in ("ledger", "cache", "web"):
        assert f"../services/{name}.html" in links
    edges = {(e.attrs["data-from"], e.attrs["data-to"], e.attrs["class"]) for e in api.find("line")}
    assert edges == {
        ("web", "api", "edge edge-hard"),
        ("api", "ledger", "edge edge-hard"),
        ("api", "cache", "edge edge-soft"),
    }
    # The same neighbours as a plain list, for screen readers and without the graph.
    listed = {li.attrs["data-node"]: li.text for li in api.find("li") if "data-node" in li.attrs}
    assert listed == {"ledger": "ledger (hard)", "cache": "cache (soft)", "web": "web"}
    # Two steps: web depends on ledger through api.
    ledger = parse(out / "services" / "ledger.html")
    assert {g.attrs["data-node"] for g in ledger.find("g") if "data-node" in g.attrs} == {
        "ledger",
        "api",
        "web",
    }


def test_a_service_page_shows_who_changed_it(repo: GitRepo, tmp_path: Path) -> None:
    files = base_files()
    sha = repo.commit(
        "Raise the cache to tier 2",
        {"catalog/services/cache.yaml": service("cache", tier=2)},
    )
    del files
    out = tmp_path / "site"
    assert build(repo.root, out)[0] == 0
    cache = parse(out / "services" / "cache.html")
    assert sha[:10] in cache.text
    assert "Raise the cache to tier 2" in cache.text
    assert "spec.tier 3 -> 2" in cache.text
    assert "Test <test@example.com>" in cache.text
    # web was not touched after it was added: one row.
    web = parse(out / "services" / "web.html")
    assert "Raise the cache" not in web.text and "added" in web.text


def test_at_builds_the_catalog_as_it_was(repo: GitRepo, tmp_path: Path) -> None:
    first = repo.git("rev-parse", "HEAD")
    second = repo.commit(
        "Add billing", {"catalog/services/billing.yaml": service("billing", tier=2)}
    )
    out = tmp_path / "site"
    assert build(repo.root, out, "--at", first)[0] == 0
    assert not (out / "services" / "billing.html").exists()
    index = parse(out / "index.html")
    assert index.by_id("built-from").attrs["data-commit"] == first
    assert "--at " + first in index.by_id("built-from").text
    assert "added" in parse(out / "services" / "api.html").text  # its history up to there
    assert "Add billing" not in parse(out / "audit.html").text
    assert build(repo.root, out)[0] == 0
    assert (out / "services" / "billing.html").is_file()
    assert parse(out / "index.html").by_id("built-from").attrs["data-commit"] == second
    # A date names the last commit on or before it, as lint --at does.
    today = datetime.now(timezone.utc).date().isoformat()
    assert build(repo.root, out, "--at", today)[0] == 0
    assert parse(out / "index.html").by_id("built-from").attrs["data-commit"] == second
    assert "Add billing" in parse(out / "audit.html").text


def test_uncommitted_changes_are_said(repo: GitRepo, tmp_path: Path) -> None:
    repo.write({"catalog/services/cache.yaml": service("cache", tier=1)})
    out = tmp_path / "site"
    code, output = build(repo.root, out)
    assert code == 0 and "with uncommitted changes" in output
    built_from = parse(out / "index.html").by_id("built-from")
    assert built_from.attrs["data-dirty"] == "true"
    assert "with uncommitted changes" in built_from.text


def test_a_plain_directory_builds_and_says_it_has_no_history(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "plain", base_files())
    out = tmp_path / "site"
    code, output = build(root, out)
    assert code == 0, output
    assert "from a plain directory" in output
    index = parse(out / "index.html")
    assert index.by_id("built-from").attrs["data-commit"] == ""
    assert "plain directory" in index.by_id("built-from").text
    message = "no git history: built from a plain directory"
    assert message in parse(out / "services" / "api.html").text
    assert message in parse(out / "audit.html").text


def test_at_needs_git(tmp_path: Path) -> None:
    root = write_repo(tmp_path / "plain", base_files())
    code, output = build(root, tmp_path / "site", "--at", "HEAD~1")
    assert code == 2
    assert "not inside a git repository" in output
    assert not (tmp_path / "site").exists()


# --- hostile text -----------------------------------------------------------------------

HOSTILE = [
    "<script>alert('desc')</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(2)>",
    "</textarea></title><script>alert(3)</script>",
]


def hostile_repo(root: Path) -> Path:
    text = " ".join(HOSTILE)
    quoted = yaml.safe_dump(text, default_style='"').strip()
    return write_repo(
        root,
        {
            **base_files(),
            "itsm.yaml": CONFIG.replace(
                "metadata: {name: test-org}", "metadata:\n  name: test-org\n  title: " + quoted
            ),
            "catalog/teams/payments.yaml": TEAM.replace(
                "spec:\n",
                "  title: " + quoted + "\n  description: " + quoted + "\n"
                "  links:\n"
                "    - {title: " + quoted + ", url: 'javascript:alert(4)'}\n"
                '    - {title: tab, url: "java\\tscript:alert(5)"}\n'
                "    - {title: data, url: 'data:text/html,<script>alert(6)</script>'}\n"
                "spec:\n"
                "  contact: {email: " + quoted + ", chat: " + quoted + ", oncall: "
                "' JavaScript:alert(7)'}\n",
                1,
            ).replace("metadata: {name: payments}\n", "metadata:\n  name: payments\n"),
            "catalog/services/api.yaml": "apiVersion: itsmcode/v1\nkind: Service\n"
            "metadata:\n  name: api\n  title: " + quoted + "\n  description: " + quoted + "\n"
            "  links: [{title: x, url: 'vbscript:msgbox(8)'}]\n"
            "spec: {type: technical, tier: 3, lifecycle: live, owner: payments}\n",
            "changes/2026/chg-1.yaml": change_request(
                "chg-1",
                services="[api]",
                start="2027-03-02T22:00:00+01:00",
                end="2027-03-02T23:00:00+01:00",
                plan="{implementation: " + quoted + ", backout: Undo it.}",
                extra="description: " + quoted + "\nlinks: ['javascript:alert(9)']\n",
            ),
        },
        with_team=False,
    )


def test_hostile_yaml_text_stays_text(tmp_path: Path) -> None:
    root = hostile_repo(tmp_path / "repo")
    lint = run_cli(["lint", "--repo", str(root), "--no-cache"])
    assert lint.exit_code == 0, lint.output  # the files are valid: only their text is hostile
    out = tmp_path / "site"
    code, output = build(root, out)
    assert code == 0, output
    pages = ["index.html", "services/api.html", "teams/payments.html", "changes/chg-1.html"]
    for name in pages:
        page = out / name
        parsed = parse(page)
        scripts = [e.attrs.get("src") for e in parsed.find("script")]
        assert scripts == [("../" if "/" in name else "") + "assets/site.js"], name
        assert not parsed.find("img") and not parsed.find("textarea"), name
        for element in parsed.elements:
            handlers = [k for k in element.attrs if k.startswith("on")]
            assert handlers == [], (name, element)
            href = re.sub(r"[\x00-\x20]", "", element.attrs.get("href", "")).lower()
            if element.tag == "link" and element.attrs.get("rel") == "icon":
                assert href == "data:,", name  # the site's own empty favicon
                continue
            assert not href.startswith(("javascript:", "vbscript:", "data:")), (name, href)
        svgs = [e for e in parsed.find("svg") if e.attrs.get("id") != "dependency-graph"]
        assert svgs == [], name
    # The text is shown as written, for people to see.
    for name in ("services/api.html", "changes/chg-1.html", "teams/payments.html"):
        text = parse(out / name).text
        for piece in HOSTILE:
            assert piece in text, (name, piece)
    team = parse(out / "teams" / "payments.html")
    assert "javascript:alert(4)" in team.text  # a refused link is shown as text
    # The organisation's title heads every page, as text.
    assert HOSTILE[1] in parse(out / "index.html").find("title")[0].text
    source = (out / "services" / "api.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#39;desc&#39;)&lt;/script&gt;" in source


# --- the output directory ---------------------------------------------------------------


def test_a_directory_that_is_not_a_site_is_not_replaced(repo: GitRepo, tmp_path: Path) -> None:
    out = tmp_path / "docs"
    out.mkdir()
    (out / "notes.txt").write_text("mine", encoding="utf-8")
    code, output = build(repo.root, out)
    assert code == 2
    assert "is not empty and is not a site itsm built" in output and "--force" in output
    assert (out / "notes.txt").read_text(encoding="utf-8") == "mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "repo"]  # no leftovers
    code, output = build(repo.root, out, "--force")
    assert code == 0, output
    assert not (out / "notes.txt").exists() and (out / "index.html").is_file()


def test_a_previous_build_is_replaced_and_a_failed_build_keeps_it(
    repo: GitRepo, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    assert build(repo.root, out)[0] == 0
    (out / "services" / "stale.html").write_text("old page", encoding="utf-8")
    assert build(repo.root, out)[0] == 0  # a site build: no --force needed
    assert not (out / "services" / "stale.html").exists()
    before = (out / "index.html").read_bytes()
    (repo.root / "itsm.yaml").write_text("kind: Config\nspec: [\n", encoding="utf-8")
    code, output = build(repo.root, out)
    assert code == 2, output
    assert (out / "index.html").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["repo", "site"]


@pytest.mark.parametrize("where", ["root", "parent", "file", "link"])
def test_the_repository_and_odd_targets_are_refused_even_with_force(
    repo: GitRepo, tmp_path: Path, where: str
) -> None:
    out = {"root": repo.root, "parent": tmp_path, "file": tmp_path / "f", "link": tmp_path / "l"}[
        where
    ]
    if where == "file":
        out.write_text("x", encoding="utf-8")
    if where == "link":
        (tmp_path / "real").mkdir()
        out.symlink_to(tmp_path / "real")
    code, output = build(repo.root, out, "--force")
    assert code == 2
    reason = {
        "root": "holds the repository",
        "parent": "holds the repository",
        "file": "is a file",
        "link": "is a symbolic link",
    }[where]
    assert reason in output
    assert (repo.root / "itsm.yaml").is_file()


# --- the schedule of change -------------------------------------------------------------


def test_the_month_view_shows_changes_on_their_days_and_the_freezes(tmp_path: Path) -> None:
    from datetime import date, datetime, time, timedelta
    from zoneinfo import ZoneInfo

    from tests.rules.change_files import FREEZES_PATH, POLICY_PATH, calendar, policy

    berlin = ZoneInfo("Europe/Berlin")
    # Days of this month or the next (the view shows this month and the next two).
    first = datetime.now(berlin).date() + timedelta(days=2)
    frozen = first + timedelta(days=5)

    def at(day: date, hour: int) -> str:
        return datetime.combine(day, time(hour), berlin).isoformat()

    root = write_repo(
        tmp_path / "repo",
        {
            **base_files(),
            POLICY_PATH: policy(),
            FREEZES_PATH: calendar(
                "change-freezes",
                f"""
                freezes:
                  - name: quiet-week
                    start: "{at(frozen, 0)}"
                    end: "{at(frozen + timedelta(days=2), 0)}"
                """,
            ),
            "changes/2026/chg-1.yaml": change_request(
                "chg-1", services="[api]", start=at(first, 10), end=at(first, 11)
            ),
            "changes/2026/chg-2.yaml": change_request(
                "chg-2", services="[web]", start=at(frozen, 10), end=at(frozen, 11)
            ),
        },
        with_team=False,
    )
    out = tmp_path / "site"
    code, output = build(root, out)
    assert code == 0, output
    page = parse(out / "schedule.html")
    cell = page.find("td", data_date=first.isoformat())[0]
    assert "chg-1" in cell.text and "freeze" not in cell.text
    links = [e for e in page.elements if e.tag == "a" and e.attrs["href"] == "changes/chg-1.html"]
    assert links
    for day in (frozen, frozen + timedelta(days=1)):
        cell = page.find("td", data_date=day.isoformat())[0]
        assert "freeze: quiet-week" in cell.text and "frozen" in cell.attrs["class"]
    after = page.find("td", data_date=(frozen + timedelta(days=2)).isoformat())
    assert not after or "freeze" not in after[0].text  # the freeze ends at midnight
    # The conflict lint fails on, stated as lint states it.
    assert "change-in-freeze" in page.text and "falls in freeze 'quiet-week'" in page.text
    # The change is upcoming on its service's page.
    api = parse(out / "services" / "api.html")
    assert "chg-1" in api.text and "chg-2" not in api.text


def test_a_duplicated_name_gets_one_page_and_one_row(tmp_path: Path) -> None:
    root = write_repo(
        tmp_path / "repo",
        {**base_files(), "catalog/services/copy.yaml": service("api", tier=4)},
        with_team=False,
    )
    out = tmp_path / "site"
    code, output = build(root, out)
    assert code == 0, output
    rows = [e for e in parse(out / "index.html").find("tr") if "data-service" in e.attrs]
    assert [r.attrs["data-service"] for r in rows] == ["api", "cache", "ledger", "web"]
    lint = parse(out / "lint.html").text  # lint says which files clash
    assert "unique-names" in lint and "is also used by catalog/services/api.yaml" in lint


def test_a_long_report_section_says_how_many_rows_the_json_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from itsmcode.site import pages

    monkeypatch.setattr(pages, "REPORT_ROWS", 2)
    out = tmp_path / "site"
    assert build(ROOT, out)[0] == 0
    report = run_cli(["report", "sla", "--repo", str(ROOT), "--format", "json"])
    measured = len(json.loads(report.stdout)["measurements"])
    assert measured > 2
    page = parse(out / "reports" / "sla.html")
    assert f"{measured - 2} more rows: the whole section is in itsm report sla" in page.text


def test_agreed_maintenance_windows_show_on_service_and_change_pages(tmp_path: Path) -> None:
    weekly = (
        "maintenanceWindows:\n"
        '    - {name: monday-night, rrule: "FREQ=WEEKLY;BYDAY=MO;BYHOUR=22;BYMINUTE=0",'
        " duration: 2h, timezone: Europe/Berlin}\n"
    )
    repo = write_repo(
        tmp_path / "repo",
        {
            "catalog/services/api.yaml": service("api", extra=weekly),
            # a Wednesday night: outside; a Monday night inside the window: fits
            "changes/chg-2026-0001.yaml": change_request("chg-2026-0001"),
            "changes/chg-2026-0002.yaml": change_request(
                "chg-2026-0002",
                start="2026-12-07T22:30:00+01:00",
                end="2026-12-07T23:30:00+01:00",
            ),
        },
    )
    out = tmp_path / "_site"
    code, output = build(repo, out)
    assert code == 0, output
    page = (out / "services/api.html").read_text()
    section = page[page.index("<h2>Maintenance windows</h2>") :]
    section = section[: section.index("<h2>", 5)]
    assert "monday-night" in section and "BYDAY=MO" in section
    # the next occurrences listed are Mondays at 22:00, Berlin's wall clock
    starts = re.findall(r"<li>.*?(\d{4}-\d\d-\d\d)[ T](\d\d:\d\d)", section)
    assert len(starts) == 4, section
    for day, clock in starts:
        assert datetime.fromisoformat(day).weekday() == 0 and clock == "22:00", (day, clock)
    outside = (out / "changes/chg-2026-0001.html").read_text()
    assert "outside the agreed maintenance windows" in outside
    assert 'href="../services/api.html"' in outside.split("outside the agreed")[1][:400]
    inside = (out / "changes/chg-2026-0002.html").read_text()
    assert "outside the agreed maintenance windows" not in inside


def test_report_durations_and_windows_read_as_people_write_them(example_site: Path) -> None:
    """The SLA report's JSON counts seconds and writes ISO windows; its page shows
    '2h 30m' (a spent budget negative) and 'start to end' to the minute."""
    text = re.sub(r"\s+", " ", (example_site / "reports/sla.html").read_text())
    table = text[text.index("<caption>Availability") :]
    table = table[: table.index("</table>")]
    headers = re.findall(r"<th scope=\"col\">(.*?)</th>", table)
    assert "Downtime" in headers and "Remaining budget" in headers, headers
    assert not [h for h in headers if "seconds" in h.lower()]
    rows = re.findall(r"<tr>(.*?)</tr>", table[table.index("<tbody>") :])
    assert rows
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d [+-]\d{4}"
    for row in rows:
        cells = dict(zip(headers, re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", row), strict=True))
        for column in ("Downtime", "Remaining budget"):
            assert re.fullmatch(r"-?\d+[dhm]( \d+[hm])*", cells[column]), (column, cells)
        assert re.fullmatch(f"{stamp} to {stamp}", cells["Window"]), cells
