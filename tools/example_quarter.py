"""Write a realistic quarter (September to November 2026) of incidents and problems into
the example repository at the project root: Acme Retail's services, teams and SLAs.

Deterministic (a fixed seed): re-running rewrites the same files. Besides background
noise, it plants what the reports should find (docs/reports.md):

- a recurrence nobody has opened a problem for: card-network timeouts on payments-api
  (cause ``vendor``), four times in October;
- a problem already handling its incidents (order-service stuck orders, resolved by the
  Kafka upgrade chg-2026-0038), a known error without a fix (search index lag), and an
  accepted risk (warehouse scanner firmware);
- incidents caused by the rolled-back chg-2026-0034 and the failed chg-2026-0033;
- SLA breaches, time on hold, and downtime inside and outside change windows
  (maintenance excluded on gold and silver), including a gold availability breach on
  payments-api in November.

    python tools/example_quarter.py        # then: itsm lint && itsm report problems
"""

from __future__ import annotations

import random
import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from itsmcode.fmt.run import format_text

ROOT = Path(__file__).resolve().parents[1]
BERLIN = ZoneInfo("Europe/Berlin")
START = datetime(2026, 9, 1, tzinfo=BERLIN)
DAYS = 91

#: Live services with an SLA, and causes that plausibly hit them.
SERVICES = {
    "checkout-api": ["software", "capacity", "configuration"],
    "customer-accounts": ["software", "configuration", "capacity"],
    "customer-support-portal": ["software", "configuration"],
    "data-warehouse": ["capacity", "software"],
    "edge-cdn": ["vendor", "configuration", "network"],
    "fraud-scoring": ["software", "capacity"],
    "inventory-service": ["software", "capacity"],
    "message-bus": ["capacity", "hardware"],
    "notifications": ["vendor", "software"],
    "order-service": ["software", "configuration"],
    "payments-api": ["software", "configuration"],
    "postgres-primary": ["capacity", "hardware"],
    "product-catalog": ["software", "configuration"],
    "recommendations": ["software", "capacity"],
    "search": ["software", "configuration"],
    "storefront-web": ["software", "network", "configuration"],
    "warehouse-management": ["software", "network"],
}
TITLES = {
    "software": "Errors after a code path misbehaved",
    "capacity": "Slow responses under load",
    "configuration": "Misconfiguration after a routine update",
    "vendor": "Third-party provider degraded",
    "network": "Packet loss between zones",
    "hardware": "Disk failure on a node",
    "unknown": "Intermittent errors, cause not found",
}
#: (response, resolution) ranges in minutes of wall-clock time, by priority.
TIMES = {
    "P1": ((3, 14), (40, 200)),
    "P2": ((5, 25), (60, 360)),
    "P3": ((15, 180), (120, 2 * 1440)),
    "P4": ((60, 1440), (1440, 8 * 1440)),
}


@dataclass
class Incident:
    service: str
    priority: str
    opened: datetime
    responded: datetime | None
    resolved: datetime | None
    category: str | None
    title: str
    summary: str
    change: str | None = None
    problem: str | None = None
    hold: list[tuple[datetime, datetime, str]] = field(default_factory=list)
    downtime: tuple[datetime, datetime] | None = None
    name: str = ""


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=BERLIN)


def planted() -> list[Incident]:
    found = []
    # Card-network timeouts on payments-api, no problem record yet: the recurrence.
    for day, minutes in (
        ("2026-10-02T14:10", 95),
        ("2026-10-09T11:40", 70),
        ("2026-10-19T16:05", 130),
        ("2026-10-27T10:20", 55),
    ):
        opened = at(day)
        found.append(
            Incident(
                "payments-api",
                "P2",
                opened,
                opened + timedelta(minutes=9),
                opened + timedelta(minutes=minutes),
                "vendor",
                "Card authorisations time out",
                "The card network's EU endpoint answered slowly; retries piled up in the gateway.",
            )
        )
    # November: the network again, 27 minutes down, an emergency change fixes the retries.
    opened = at("2026-11-13T19:05")
    found.append(
        Incident(
            "payments-api",
            "P1",
            opened,
            opened + timedelta(minutes=4),
            at("2026-11-13T19:52"),
            "vendor",
            "Card payments failing",
            "Card network outage; the emergency change chg-2026-0036 added a failover route.",
            downtime=(opened, at("2026-11-13T19:32")),
        )
    )
    # Caused by the rolled-back checkout release chg-2026-0034 (window 21:00-22:00).
    opened = at("2026-10-28T21:12")
    found.append(
        Incident(
            "checkout-api",
            "P1",
            opened,
            opened + timedelta(minutes=3),
            at("2026-10-28T21:36"),
            "change",
            "Checkout slow during the 4.12 canary",
            "p95 latency of checkout rose 40 % while the canary ran; the rollout was aborted.",
            change="chg-2026-0034",
            downtime=(at("2026-10-28T21:10"), at("2026-10-28T21:34")),
        )
    )
    opened = at("2026-10-29T08:40")
    found.append(
        Incident(
            "checkout-api",
            "P3",
            opened,
            opened + timedelta(minutes=35),
            at("2026-10-29T15:10"),
            "change",
            "Delivery slots missing for some baskets",
            "Baskets started during the canary kept slots from 4.12; they were recomputed.",
            change="chg-2026-0034",
        )
    )
    # Caused by the failed order-service migration chg-2026-0033 (window 22:00-...).
    opened = at("2026-10-20T22:15")
    found.append(
        Incident(
            "order-service",
            "P2",
            opened,
            opened + timedelta(minutes=12),
            at("2026-10-21T01:40"),
            "change",
            "Orders stuck after the failed migration",
            "The half-applied migration left 212 orders in pending; they were replayed.",
            change="chg-2026-0033",
            downtime=(at("2026-10-20T22:10"), at("2026-10-20T22:55")),
        )
    )
    # postgres-primary: down 22:40-23:25, the change window chg-2026-0031 ends 23:10.
    opened = at("2026-10-06T22:42")
    found.append(
        Incident(
            "postgres-primary",
            "P1",
            opened,
            opened + timedelta(minutes=5),
            at("2026-10-06T23:30"),
            "capacity",
            "Primary database refused connections",
            "Connection slots ran out while the upgrade restarted replicas.",
            downtime=(at("2026-10-06T22:40"), at("2026-10-06T23:25")),
        )
    )
    # Breaches: late responses and resolutions, across the end of summer time.
    opened = at("2026-10-23T17:20")  # Friday before the DST change, silver calendar
    found.append(
        Incident(
            "inventory-service",
            "P2",
            opened,
            at("2026-10-26T09:05"),
            at("2026-10-27T11:30"),
            "software",
            "Stock levels not updating",
            "A consumer crashed on a malformed event on Friday evening; noticed on Monday.",
        )
    )
    opened = at("2026-11-03T09:10")
    found.append(
        Incident(
            "storefront-web",
            "P1",
            opened,
            opened + timedelta(minutes=22),
            at("2026-11-03T14:55"),
            "configuration",
            "Storefront returning 503 for a third of requests",
            "A load balancer rule was dropped by a routine update; rolled back by hand.",
            downtime=(at("2026-11-03T09:08"), at("2026-11-03T09:26")),
        )
    )
    # Time on hold: waiting for the customer, the vendor.
    opened = at("2026-11-10T10:15")
    found.append(
        Incident(
            "customer-support-portal",
            "P3",
            opened,
            opened + timedelta(minutes=40),
            at("2026-11-16T16:00"),
            "software",
            "Attachments fail to upload for one customer",
            "Only one customer affected; waited for their proxy logs.",
            hold=[
                (at("2026-11-10T12:00"), at("2026-11-13T11:00"), "Waiting for the customer's logs")
            ],
        )
    )
    opened = at("2026-09-22T09:30")
    found.append(
        Incident(
            "notifications",
            "P3",
            opened,
            opened + timedelta(minutes=25),
            at("2026-09-29T12:00"),
            "vendor",
            "SMS delivery delayed",
            "The SMS provider throttled our account; they lifted it after a ticket.",
            hold=[(at("2026-09-22T11:00"), at("2026-09-25T17:00"), "Waiting for the SMS provider")],
        )
    )
    # The problem already handling its incidents: order-service stuck orders.
    for day in ("2026-09-08T10:30", "2026-09-17T15:45", "2026-09-29T11:10"):
        opened = at(day)
        found.append(
            Incident(
                "order-service",
                "P2",
                opened,
                opened + timedelta(minutes=11),
                opened + timedelta(minutes=150),
                "capacity",
                "Orders stuck in pending",
                "Consumer lag on the order topic; consumers were restarted.",
                problem="prb-order-consumer-lag",
            )
        )
    for day in ("2026-10-12T13:00", "2026-11-05T10:10", "2026-11-19T14:30"):
        opened = at(day)
        found.append(
            Incident(
                "search",
                "P3",
                opened,
                opened + timedelta(minutes=30),
                opened + timedelta(hours=5),
                "software",
                "New products missing from search",
                "The index lagged behind the catalog; a manual reindex fixed it.",
                problem="prb-search-index-lag",
            )
        )
    for day in ("2026-09-15T07:50", "2026-11-24T08:20"):
        opened = at(day)
        found.append(
            Incident(
                "warehouse-management",
                "P4",
                opened,
                opened + timedelta(hours=2),
                opened + timedelta(days=1),
                "hardware",
                "Handheld scanners drop off Wi-Fi",
                "Old scanner firmware loses the connection on roaming; a reboot fixes it.",
                problem="prb-scanner-firmware",
            )
        )
    # Still open at the end of the quarter.
    opened = at("2026-11-30T16:20")
    found.append(
        Incident(
            "recommendations",
            "P3",
            opened,
            opened + timedelta(minutes=45),
            None,
            "unknown",
            "Recommendations empty for some users",
            "Under investigation.",
        )
    )
    return found


def background(rng: random.Random, count: int) -> list[Incident]:
    """Noise: never three incidents of one service and cause (no accidental recurrence)."""
    used: dict[tuple[str, str], int] = {}
    found = []
    while len(found) < count:
        service = rng.choice(sorted(SERVICES))
        category = rng.choice(SERVICES[service])
        if used.get((service, category), 0) >= 2:
            continue
        used[(service, category)] = used.get((service, category), 0) + 1
        priority = rng.choices(["P2", "P3", "P4"], weights=[2, 5, 3])[0]
        day = START + timedelta(days=rng.randrange(DAYS))
        opened = day.replace(hour=rng.randrange(8, 17), minute=rng.randrange(0, 60, 5))
        response, resolution = TIMES[priority]
        responded = opened + timedelta(minutes=rng.randint(*response))
        resolved = responded + timedelta(minutes=rng.randint(*resolution))
        found.append(
            Incident(
                service,
                priority,
                opened,
                responded,
                resolved,
                category,
                TITLES[category],
                f"{TITLES[category]} on {service}; restored by the owning team.",
            )
        )
    return found


def iso(value: datetime) -> str:
    return value.isoformat(timespec="seconds")


def render(incident: Incident) -> str:
    lines = [
        "apiVersion: itsmcode/v1",
        "kind: Incident",
        "metadata:",
        f"  name: {incident.name}",
        f"  title: {incident.title}",
        "spec:",
        f"  services: [{incident.service}]",
        f"  priority: {incident.priority}",
        f"  summary: {incident.summary}",
        f'  openedAt: "{iso(incident.opened)}"',
    ]
    if incident.responded:
        lines.append(f'  respondedAt: "{iso(incident.responded)}"')
    if incident.resolved:
        lines.append(f'  resolvedAt: "{iso(incident.resolved)}"')
    if incident.hold:
        lines.append("  onHold:")
        for start, end, reason in incident.hold:
            lines.append(f'    - {{start: "{iso(start)}", end: "{iso(end)}", reason: {reason}}}')
    if incident.downtime:
        start, end = incident.downtime
        lines.append(f'  downtime: {{start: "{iso(start)}", end: "{iso(end)}"}}')
    if incident.category and incident.category != "unknown":
        change = f", change: {incident.change}" if incident.change else ""
        lines.append(f"  cause: {{category: {incident.category}{change}}}")
    if incident.problem:
        lines.append(f"  problem: {incident.problem}")
    return "\n".join(lines) + "\n"


PROBLEMS = {
    "prb-order-consumer-lag": (
        "Order consumers fall behind under load",
        """\
  services: [order-service, message-bus]
  status: resolved
  rootCause: >-
    The order topic had too few partitions for the consumer group to scale out, and
    Kafka 3.5 rebalanced the whole group whenever one consumer restarted.
  workaround: Restart the consumers one by one.
  fix: chg-2026-0038
""",
    ),
    "prb-search-index-lag": (
        "Search index lags behind the product catalog",
        """\
  services: [search]
  status: known-error
  rootCause: The indexer drops catalog events it receives during a reindex.
  workaround: Trigger a manual reindex from the admin console.
""",
    ),
    "prb-scanner-firmware": (
        "Handheld scanner firmware loses Wi-Fi when roaming",
        """\
  services: [warehouse-management]
  status: risk-accepted
  rootCause: Firmware 2.3 of the handheld scanners does not support fast roaming.
  workaround: Reboot the scanner; staff have a laminated card for it.
  reviewBy: 2027-02-15
""",
    ),
}


def main() -> None:
    rng = random.Random(20260901)
    incidents = planted()
    incidents += background(rng, 62 - len(incidents))
    incidents.sort(key=lambda i: (i.opened, i.service))
    for number, incident in enumerate(incidents, start=101):
        incident.name = f"inc-2026-{number:04}"
    folder = ROOT / "incidents" / "2026"
    shutil.rmtree(ROOT / "incidents", ignore_errors=True)
    folder.mkdir(parents=True)
    for incident in incidents:
        # In itsm fmt's layout, so the repository's own files stay formatted.
        text = format_text(render(incident)).text
        (folder / f"{incident.name}.yaml").write_text(text, encoding="utf-8")
    shutil.rmtree(ROOT / "problems", ignore_errors=True)
    (ROOT / "problems").mkdir()
    for name, (title, spec) in PROBLEMS.items():
        linked = sorted(i.name for i in incidents if i.problem == name)
        text = (
            f"apiVersion: itsmcode/v1\nkind: Problem\nmetadata:\n  name: {name}\n"
            f"  title: {title}\nspec:\n{spec}  incidents: [{', '.join(linked)}]\n"
        )
        (ROOT / "problems" / f"{name}.yaml").write_text(format_text(text).text, encoding="utf-8")
    print(f"wrote {len(incidents)} incidents and {len(PROBLEMS)} problems")


if __name__ == "__main__":
    main()
