"""Generate a large, valid ITSM repository for benchmarking ``itsm lint``.

The corpus follows data-model.md and the models' exact (camelCase) field names, and
is deterministic: the same ``--seed`` and sizes give byte-identical files. It is meant
to lint clean (no errors, no warnings) so the benchmark times the common case, a
repository that passes CI:

- ``--services`` services across tiers 1-4 (tier 1 first: platforms near the bottom of
  the stack), each with an owner and, for live tier 1-2, an SLA; ``dependsOn`` only
  names services with a lower index, so the graph is acyclic, and at most one
  dependency is hard and then on a service whose SLA is at least as strict (so
  sla-feasible holds); nobody depends on a retired service;
- about 200 teams with members (logins unique per team), plus the CAB, governance,
  on-call leads and service-management teams the approval policy names;
- 3 SLAs, 2 calendars (business hours; change freezes with one-off and weekly ones);
- ``--changes`` change requests in ``changes/<yyyy>/`` whose windows avoid the freezes
  and, with rare exceptions the generator gives up on, never overlap another change on
  the same service or a direct neighbour; requesters are members of the owning team;
- 3 standard changes and the approval policy;
- with ``--scorecard`` (``generate(..., scorecard=True)``), the scorecard practice and
  one Scorecard of three levels and two targets, for ``benchmarks/bench_score.py``.

Usage::

    python benchmarks/generate_corpus.py --out /tmp/itsm-corpus --services 10000 --changes 5000
"""

from __future__ import annotations

import argparse
import bisect
import itertools
import random
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

BERLIN = ZoneInfo("Europe/Berlin")
#: A fixed "today" so the corpus does not depend on when it is generated: windows
#: before it are history (closed), after it are planned.
REFERENCE_DAY = date(2026, 11, 24)
FIRST_DAY = date(2025, 1, 6)
LAST_DAY = date(2027, 6, 30)
#: Far enough ahead that review-due stays quiet for years.
REVIEW_YEARS = (2030, 2031)
#: One-off freezes of the change-freezes calendar (local dates, end exclusive);
#: the generator keeps every window out of them (and out of weekends).
ONE_OFF_FREEZES = (
    ("black-friday-2025", date(2025, 11, 27), date(2025, 12, 2)),
    ("year-end-2025", date(2025, 12, 18), date(2026, 1, 5)),
    ("black-friday-2026", date(2026, 11, 26), date(2026, 12, 1)),
    ("year-end-2026", date(2026, 12, 18), date(2027, 1, 4)),
)

DOMAINS = (
    "payments",
    "checkout",
    "identity",
    "search",
    "catalog",
    "orders",
    "fulfilment",
    "inventory",
    "pricing",
    "marketing",
    "analytics",
    "platform",
    "network",
    "storage",
    "messaging",
    "observability",
    "security",
    "billing",
    "support",
    "mobile",
)
NOUNS = (
    "api",
    "gateway",
    "worker",
    "scheduler",
    "store",
    "cache",
    "index",
    "ledger",
    "feed",
    "portal",
    "router",
    "broker",
    "exporter",
    "importer",
    "service",
    "engine",
    "proxy",
    "registry",
    "stream",
    "backend",
)
WORDS = (
    "handles",
    "serves",
    "stores",
    "routes",
    "indexes",
    "reconciles",
    "publishes",
    "collects",
    "validates",
    "aggregates",
    "customer",
    "order",
    "payment",
    "session",
    "event",
    "record",
    "request",
    "report",
    "batch",
    "nightly",
    "realtime",
    "partner",
    "internal",
    "regional",
    "traffic",
    "data",
    "updates",
    "lookups",
    "and",
    "for",
    "the",
    "with",
    "across",
    "every",
    "store",
    "region",
    "queue",
    "snapshot",
)
FIRST_NAMES = (
    "Alice",
    "Bob",
    "Chen",
    "Dana",
    "Emeka",
    "Fatima",
    "Gita",
    "Hugo",
    "Ines",
    "Jonas",
    "Kofi",
    "Lena",
    "Mateo",
    "Nadia",
    "Oskar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sven",
    "Tariq",
)
LAST_NAMES = (
    "Martin",
    "Nguyen",
    "Wei",
    "Okafor",
    "Khan",
    "Rao",
    "Silva",
    "Berg",
    "Kowalski",
    "Haddad",
    "Mensah",
    "Larsen",
    "Costa",
    "Ivanova",
    "Schmidt",
    "Tanaka",
)
COMPONENT_TYPES = ("repository", "database", "queue", "bucket", "cluster", "dashboard")
#: Standard change templates: (name, maxRisk, tiers).
TEMPLATES = (
    ("scale-replicas", "low", (1, 2, 3, 4)),
    ("rotate-tls-cert", "low", (2, 3, 4)),
    ("apply-security-patches", "low", (3, 4)),
)
GOVERNANCE_TEAMS = ("cab", "governance", "oncall-leads", "service-management")
TIER_SLA = {1: "gold", 2: "silver", 3: "bronze", 4: None}
SLA_RANK = {"gold": 0, "silver": 1, "bronze": 2}  # lower: stricter availability


@dataclass
class Team:
    name: str
    title: str
    logins: list[str]
    names: list[str]
    parent: str | None


@dataclass
class Service:
    index: int
    name: str
    domain: str
    tier: int
    lifecycle: str
    owner: str
    support: str | None
    sla: str | None
    depends_on: list[tuple[str, str]] = field(default_factory=list)


class Corpus:
    """Builds the entities in memory, then writes one file per entity."""

    def __init__(self, services: int, changes: int, seed: int, teams: int) -> None:
        self.rng = random.Random(seed)
        self.n_services = services
        self.n_changes = changes
        self.n_teams = teams
        self.teams: list[Team] = []
        self.services: list[Service] = []
        self.by_name: dict[str, Service] = {}

    # ------------------------------------------------------------------ entities
    def sentence(self, low: int = 6, high: int = 14) -> str:
        words = self.rng.choices(WORDS, k=self.rng.randint(low, high))
        text = " ".join(words)
        return text[0].upper() + text[1:] + "."

    def build_teams(self) -> None:
        login_counter = 0
        product_teams = [
            f"{DOMAINS[i % len(DOMAINS)]}-{i // len(DOMAINS) + 1:03d}" for i in range(self.n_teams)
        ]
        for name in ["engineering", *product_teams, *GOVERNANCE_TEAMS]:
            size = self.rng.randint(4, 9) if name != "engineering" else 3
            logins: list[str] = []
            people: list[str] = []
            for _ in range(size):
                login_counter += 1
                first = self.rng.choice(FIRST_NAMES)
                last = self.rng.choice(LAST_NAMES)
                logins.append(f"{first.lower()}-{last.lower()}-{login_counter}")
                people.append(f"{first} {last}")
            parent = None if name == "engineering" else "engineering"
            self.teams.append(Team(name, name.replace("-", " ").title(), logins, people, parent))

    def build_services(self) -> None:
        n = self.n_services
        owners = [
            t for t in self.teams if t.name not in GOVERNANCE_TEAMS and t.name != "engineering"
        ]
        retired_from = n - max(1, n // 100)  # the last 1% are retired: nothing depends on them
        for i in range(n):
            fraction = i / n
            tier = 1 if fraction < 0.05 else 2 if fraction < 0.25 else 3 if fraction < 0.65 else 4
            if i >= retired_from:
                lifecycle = "retired"
            else:
                lifecycle = self.rng.choices(("live", "planned", "deprecated"), (90, 5, 5))[0]
            domain = DOMAINS[i % len(DOMAINS)]
            name = f"{domain}-{self.rng.choice(NOUNS)}-{i:05d}"
            owner = self.rng.choice(owners)
            support = self.rng.choice(owners).name if self.rng.random() < 0.3 else None
            sla = TIER_SLA[tier]
            if tier == 4 and self.rng.random() < 0.5:
                sla = "bronze"
            service = Service(i, name, domain, tier, lifecycle, owner.name, support, sla)
            service.depends_on = self.pick_dependencies(service)
            self.services.append(service)
            self.by_name[name] = service

    def pick_dependencies(self, service: Service) -> list[tuple[str, str]]:
        i = service.index
        if i == 0:
            return []
        count = min(i, self.rng.choices((0, 1, 2, 3, 4, 5), (10, 25, 30, 20, 10, 5))[0])
        chosen: dict[str, str] = {}
        hard_used = False
        for _ in range(count * 3):
            if len(chosen) >= count:
                break
            # Mostly nearby services (a domain's own stack), sometimes a shared platform.
            j = (
                self.rng.randrange(max(0, i - 200), i)
                if self.rng.random() < 0.7
                else self.rng.randrange(0, i)
            )
            dep = self.services[j]
            if dep.lifecycle == "retired" or dep.name in chosen:
                continue
            kind = "soft"
            # One hard dependency at most, on a service with an SLA at least as strict, so
            # the product of the hard dependencies' availabilities never undercuts ours.
            if not hard_used and self.rng.random() < 0.4 and _sla_at_least(dep.sla, service.sla):
                kind, hard_used = "hard", True
            chosen[dep.name] = kind
        return list(chosen.items())

    # ------------------------------------------------------------------ files
    def files(self) -> Iterator[tuple[str, str]]:
        yield "itsm.yaml", CONFIG
        for team in self.teams:
            yield f"catalog/teams/{team.name}.yaml", self.team_file(team)
        for name, text in SLAS.items():
            yield f"catalog/slas/{name}.yaml", text
        yield "catalog/calendars/business-hours-eu.yaml", BUSINESS_HOURS
        yield "catalog/calendars/change-freezes.yaml", change_freezes()
        for name, risk, tiers in TEMPLATES:
            yield f"processes/standard-changes/{name}.yaml", standard_change(name, risk, tiers)
        yield "processes/approval-policy.yaml", POLICY
        for service in self.services:
            yield f"catalog/services/{service.name}.yaml", self.service_file(service)
        yield from self.change_files()

    def team_file(self, team: Team) -> str:
        lines = [
            "apiVersion: itsmcode/v1",
            "kind: Team",
            "metadata:",
            f"  name: {team.name}",
            f"  title: {team.title}",
            f"  description: {self.sentence()}",
            "spec:",
        ]
        if team.parent:
            lines.append(f"  parent: {team.parent}")
        lines.append("  members:")
        for k, (login, person) in enumerate(zip(team.logins, team.names, strict=True)):
            role = "lead" if k == 0 else "member"
            email = login.rsplit("-", 1)[0].replace("-", ".")
            lines.append(
                f"    - {{github: {login}, name: {person}, email: {email}@example.com, "
                f"role: {role}}}"
            )
        lines += [
            "  contact:",
            f"    email: {team.name}@example.com",
            f'    chat: "#team-{team.name}"',
            f'    oncall: "https://oncall.example.com/schedules/{team.name}"',
        ]
        return "\n".join(lines) + "\n"

    def service_file(self, s: Service) -> str:
        rng = self.rng
        title = s.name.rsplit("-", 1)[0].replace("-", " ").title() + f" {s.index}"
        lines = [
            "apiVersion: itsmcode/v1",
            "kind: Service",
            "metadata:",
            f"  name: {s.name}",
            f"  title: {title}",
            f"  description: {self.sentence(8, 20)}",
            "  labels:",
            f"    domain: {s.domain}",
            f'    cost-center: "cc-{rng.randint(1000, 9999)}"',
            "  links:",
            "    - title: Runbook",
            f"      url: https://wiki.example.com/runbooks/{s.name}",
            "    - title: Dashboard",
            f"      url: https://grafana.example.com/d/{s.name}",
            "spec:",
            f"  type: {'business' if rng.random() < 0.3 else 'technical'}",
            f"  tier: {s.tier}",
            f"  lifecycle: {s.lifecycle}",
            f"  owner: {s.owner}",
        ]
        if s.support:
            lines.append(f"  support: {s.support}")
        if s.sla:
            lines.append(f"  sla: {s.sla}")
        if s.depends_on:
            lines.append("  dependsOn:")
            for dep, kind in s.depends_on:
                lines += [f"    - service: {dep}", f"      type: {kind}"]
        lines.append("  components:")
        for _ in range(rng.randint(1, 3)):
            kind = rng.choice(COMPONENT_TYPES)
            ref = (
                f"github.com/example/{s.name}"
                if kind == "repository"
                else f"{kind}-{s.domain}-{rng.randint(1, 99):02d}"
            )
            lines += [f"    - type: {kind}", f'      ref: "{ref}"']
        year = rng.choice(REVIEW_YEARS)
        lines.append(f"  reviewBy: {year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}")
        return "\n".join(lines) + "\n"

    # ------------------------------------------------------------------ changes
    def change_files(self) -> Iterator[tuple[str, str]]:
        neighbours: dict[str, set[str]] = {s.name: set() for s in self.services}
        for s in self.services:
            for dep, _ in s.depends_on:
                neighbours[s.name].add(dep)
                neighbours[dep].add(s.name)
        busy: dict[str, list[tuple[datetime, datetime]]] = {}
        days = _change_days()
        candidates = [s for s in self.services if s.lifecycle != "retired"]
        teams = {t.name: t for t in self.teams}
        counters: dict[int, int] = {}
        for _ in range(self.n_changes):
            first = self.rng.choice(candidates)
            services = [first]
            if self.rng.random() < 0.2:  # some changes touch a second, related service
                related = sorted(neighbours[first.name])
                if related:
                    other = self.by_name[self.rng.choice(related)]
                    if other.lifecycle != "retired":
                        services.append(other)
            start, end = self.free_window(services, neighbours, busy, days)
            for s in services:
                bisect.insort(busy.setdefault(s.name, []), (start, end))
            counters[start.year] = counters.get(start.year, 0) + 1
            name = f"chg-{start.year}-{counters[start.year]:05d}"
            requester = self.rng.choice(teams[first.owner].logins)
            text = self.change_file(name, services, requester, start, end)
            yield f"changes/{start.year}/{name}.yaml", text

    def free_window(
        self,
        services: list[Service],
        neighbours: dict[str, set[str]],
        busy: dict[str, list[tuple[datetime, datetime]]],
        days: list[date],
    ) -> tuple[datetime, datetime]:
        """A Tue-Thu evening window that overlaps no change on these services or their
        direct neighbours; after many tries, any window (the overlap is then real)."""
        touched: set[str] = set()
        for s in services:
            touched |= {s.name} | neighbours[s.name]
        start = end = datetime(FIRST_DAY.year, 1, 1, tzinfo=BERLIN)
        for _ in range(50):
            day = self.rng.choice(days)
            start = datetime(
                day.year,
                day.month,
                day.day,
                self.rng.randint(18, 23),
                self.rng.choice((0, 15, 30, 45)),
                tzinfo=BERLIN,
            )
            end = start + timedelta(minutes=self.rng.choice((30, 60, 90, 120, 180)))
            if not any(_overlaps(busy.get(name, []), start, end) for name in touched):
                break
        return start, end

    def change_file(
        self, name: str, services: list[Service], requester: str, start: datetime, end: datetime
    ) -> str:
        rng = self.rng
        past = start.date() < REFERENCE_DAY
        roll = rng.random()
        if roll < 0.03:
            kind = "emergency"
        elif roll < 0.28 and len(services) == 1:
            kind = "standard"
        else:
            kind = "normal"
        template = None
        if kind == "standard":
            fitting = [t for t in TEMPLATES if services[0].tier in t[2]]
            template = rng.choice(fitting)[0]
        risk = "low"
        if kind != "standard":
            risk = rng.choices(("low", "medium", "high"), (50, 35, 15))[0]
        if past:
            status = rng.choices(
                ("completed", "failed", "rolled-back", "cancelled"), (85, 4, 3, 8)
            )[0]
        else:
            status = rng.choices(("planned", "cancelled"), (95, 5))[0]
        title = (
            f"{rng.choice(('Upgrade', 'Migrate', 'Reconfigure', 'Resize', 'Patch'))} "
            f"{services[0].name}"
        )
        lines = [
            "apiVersion: itsmcode/v1",
            "kind: ChangeRequest",
            "metadata:",
            f"  name: {name}",
            f"  title: {title}",
            "spec:",
            f"  type: {kind}",
        ]
        if template:
            lines.append(f"  template: {template}")
        lines += [
            f"  services: [{', '.join(s.name for s in services)}]",
            f"  requester: {requester}",
            f"  description: {self.sentence(10, 24)}",
            f"  risk: {risk}",
            "  window:",
            f'    start: "{_stamp(start)}"',
            f'    end: "{_stamp(end)}"',
            "  plan:",
            f"    implementation: {self.sentence()}",
        ]
        if kind != "standard" or rng.random() < 0.5:
            lines.append(f"    backout: {self.sentence()}")
        lines += [f"    test: {self.sentence()}", f"  status: {status}"]
        if status in ("completed", "failed", "rolled-back"):
            finished = start + (end - start) * rng.choice((0.5, 0.75, 1.0))
            lines += [
                "  outcome:",
                f'    startedAt: "{_stamp(start)}"',
                f'    finishedAt: "{_stamp(finished)}"',
                f"    notes: {self.sentence()}",
            ]
        if status in ("failed", "rolled-back") or (kind == "emergency" and status == "completed"):
            reviewed = (start + timedelta(days=rng.randint(1, 5))).date()
            lines += [
                "  review:",
                f"    summary: {self.sentence(12, 30)}",
                f"    reviewedAt: {reviewed.isoformat()}",
                "    actions:",
                f"      - {self.sentence(4, 8)}",
            ]
        lines.append(f'  links: ["https://tracker.example.com/OPS-{rng.randint(1000, 99999)}"]')
        return "\n".join(lines) + "\n"


def _sla_at_least(dependency: str | None, own: str | None) -> bool:
    """A hard dependency is harmless to sla-feasible when it is as strict as we are."""
    if own is None:
        return True  # no promise of our own to undercut
    if dependency is None:
        return True  # the rule skips dependencies without an SLA
    return SLA_RANK[dependency] <= SLA_RANK[own]


def _overlaps(intervals: list[tuple[datetime, datetime]], start: datetime, end: datetime) -> bool:
    # Intervals are sorted by start; only those starting before ``end`` can overlap, and
    # windows are at most a few hours, so looking back a handful of entries is enough.
    k = bisect.bisect_left(intervals, (end, end))
    return any(s < end and start < e for s, e in intervals[max(0, k - 8) : k])


def _change_days() -> list[date]:
    """Tuesdays to Thursdays outside every one-off freeze (weekends are frozen weekly)."""
    days: list[date] = []
    day = FIRST_DAY
    while day <= LAST_DAY:
        # A late window may run past midnight, so the next day must be free too.
        nxt = day + timedelta(days=1)
        frozen = any(lo <= d < hi for _, lo, hi in ONE_OFF_FREEZES for d in (day, nxt))
        # Thursday 23:45 + 3h ends Friday 02:45, well before the Friday 15:00 freeze.
        if day.weekday() in (1, 2, 3) and not frozen:
            days.append(day)
        day += timedelta(days=1)
    return days


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


# ---------------------------------------------------------------------- fixed files
CONFIG = """\
# Generated benchmark corpus (benchmarks/generate_corpus.py).
apiVersion: itsmcode/v1
kind: Config
metadata:
  name: bench-corp
  title: Bench Corp IT
spec:
  timezone: Europe/Berlin
  practices: [catalog, sla, change]
"""

SLAS = {
    "gold": """\
apiVersion: itsmcode/v1
kind: SLA
metadata:
  name: gold
  title: Gold
  description: Revenue-critical services, around the clock.
spec:
  availability: {target: 99.95, window: 30d}
  targets:
    P1: {response: 15m, resolution: 4h}
    P2: {response: 30m, resolution: 8h}
    P3: {response: 4h, resolution: 3d}
    P4: {response: 1d, resolution: 10d}
  maintenanceExcluded: true
  reviewBy: 2030-09-30
""",
    "silver": """\
apiVersion: itsmcode/v1
kind: SLA
metadata:
  name: silver
  title: Silver
  description: Important services, business hours.
spec:
  availability: {target: 99.9, window: 30d}
  calendar: business-hours-eu
  targets:
    P1: {response: 30m, resolution: 8h}
    P2: {response: 1h, resolution: 1d}
    P3: {response: 8h, resolution: 5d}
    P4: {response: 2d, resolution: 20d}
  maintenanceExcluded: true
  reviewBy: 2030-09-30
""",
    "bronze": """\
apiVersion: itsmcode/v1
kind: SLA
metadata:
  name: bronze
  title: Bronze
  description: Everything else, best effort in business hours.
spec:
  availability: {target: 99.5, window: 30d}
  calendar: business-hours-eu
  targets:
    P2: {response: 4h, resolution: 3d}
    P3: {response: 1d, resolution: 10d}
    P4: {response: 3d, resolution: 30d}
  reviewBy: 2030-09-30
""",
}

BUSINESS_HOURS = """\
apiVersion: itsmcode/v1
kind: Calendar
metadata:
  name: business-hours-eu
  title: Business hours (Berlin)
spec:
  timezone: Europe/Berlin
  businessHours:
    - {days: [mon, tue, wed, thu, fri], from: "08:00", to: "18:00"}
  holidays:
    - {date: 2026-12-24, name: Christmas Eve}
    - {date: 2026-12-25, name: Christmas Day}
    - {date: 2026-12-26, name: Boxing Day}
    - {date: 2027-01-01, name: New Year's Day}
    - {date: 2027-05-01, name: Labour Day}
"""


def change_freezes() -> str:
    lines = [
        "apiVersion: itsmcode/v1",
        "kind: Calendar",
        "metadata:",
        "  name: change-freezes",
        "  title: Change freezes",
        "spec:",
        "  timezone: Europe/Berlin",
        "  freezes:",
    ]
    for name, lo, hi in ONE_OFF_FREEZES:
        start = datetime(lo.year, lo.month, lo.day, tzinfo=BERLIN)
        end = datetime(hi.year, hi.month, hi.day, tzinfo=BERLIN)
        lines.append(f'    - {{name: {name}, start: "{_stamp(start)}", end: "{_stamp(end)}"}}')
    lines.append(
        '    - {name: weekend, rrule: "FREQ=WEEKLY;BYDAY=FR;BYHOUR=15;BYMINUTE=0", duration: 63h}'
    )
    return "\n".join(lines) + "\n"


def standard_change(name: str, risk: str, tiers: tuple[int, ...]) -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: StandardChange
metadata:
  name: {name}
  title: {name.replace("-", " ").capitalize()}
spec:
  description: Pre-approved template {name}.
  maxRisk: {risk}
  tiers: [{", ".join(str(t) for t in tiers)}]
  plan:
    implementation: Follow the runbook for {name}, one instance at a time.
    backout: Revert to the previous version with the same runbook.
    test: Health checks and synthetic probes stay green.
  reviewBy: 2030-06-01
"""


POLICY = """\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata:
  name: approval-policy
spec:
  options: {allowAuthor: false, allowCommitters: false, invalidateOnPush: true}
  defaultRule: {require: {count: 1}}
  freeze:
    calendars: [change-freezes]
    exemptTypes: [emergency]
  rules:
    - name: owners
      when: {kinds: [Service, SLA, ChangeRequest]}
      require: {ownersOf: affected, count: 1}
    - name: sla-loosened
      when: {sla: {loosened: true}}
      require: {teams: [service-management], count: 1}
    - name: high-risk
      when: {changeRequest: {risk: [high]}}
      require: {teams: [cab], count: 2}
    - name: emergency
      when: {changeRequest: {type: [emergency]}}
      require: {teams: [oncall-leads], count: 1}
      retroReview: {within: 48h, teams: [cab]}
    - name: governance
      when: {paths: ["processes/**", ".github/**", "itsm.yaml", "schemas/**"]}
      require: {teams: [governance], count: 2}
"""


SCORECARD = """\
apiVersion: itsmcode/v1
kind: Scorecard
metadata: {name: corpus-basics}
spec:
  levels:
    - name: bronze
      checks: [{check: description}, {check: owner-oncall}, {check: review-not-due}]
    - name: silver
      checks: [{check: sla-present}, {check: sla-feasible}, {check: runbook-link}]
    - name: gold
      checks:
        - {check: change-failure-rate, with: {max: 0.15}}
        - {check: dependencies-live}
        - {check: problems-have-workaround}
  targets:
    - {tiers: [1, 2], level: silver, by: 2030-06-30}
    - {level: bronze, by: 2030-12-31}
"""


def generate(
    out: Path, services: int, changes: int, seed: int, teams: int = 200, scorecard: bool = False
) -> int:
    """Write the corpus under ``out`` (which must not exist or be empty); file count."""
    corpus = Corpus(services, changes, seed, teams)
    corpus.build_teams()
    corpus.build_services()
    count = 0
    made: set[Path] = set()
    files = corpus.files()
    if scorecard:
        extra = [("processes/scorecards/corpus-basics.yaml", SCORECARD)]
        files = (
            (
                p,
                t.replace(
                    "practices: [catalog, sla, change]",
                    "practices: [catalog, sla, change, scorecard]",
                ),
            )
            for p, t in itertools.chain(files, extra)
        )
    for path, text in files:
        target = out / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_text(text, encoding="utf-8")
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, required=True, help="directory to create")
    parser.add_argument("--services", type=int, default=10_000)
    parser.add_argument("--changes", type=int, default=5_000)
    parser.add_argument("--teams", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--force", action="store_true", help="replace an existing --out")
    parser.add_argument("--scorecard", action="store_true", help="add a Scorecard (practice)")
    args = parser.parse_args(argv)
    if args.out.exists() and any(args.out.iterdir()):
        if not args.force:
            parser.error(f"{args.out} is not empty; pass --force to replace it")
        if not (args.out / "itsm.yaml").is_file():
            parser.error(f"{args.out} does not look like a generated corpus; not removing it")
        shutil.rmtree(args.out)
    count = generate(args.out, args.services, args.changes, args.seed, args.teams, args.scorecard)
    print(f"wrote {count} files to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
