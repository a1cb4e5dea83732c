"""``itsm impact SERVICE``: what breaks if SERVICE is down, and what it needs.

Dependents are every service that depends on SERVICE, directly or transitively;
dependencies every service SERVICE depends on. Each comes with a shortest chain
(``path``: from the dependent to SERVICE, or from SERVICE to the dependency) and
``hard``: whether some chain consists of hard edges only, i.e. the outage propagates
rather than degrades. The breadth-first walk is the diff's blast radius
(diff/graph.py), given the catalog's edges.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsmcode.reports.graph import Drawing, ServiceMap, drawing, reach, require_service


@dataclass(frozen=True)
class Affected:
    service: str
    tier: int | None
    owner: str | None
    path: tuple[str, ...]
    hard: bool


@dataclass(frozen=True)
class Impact:
    service: str
    tier: int | None
    owner: str | None
    dependents: tuple[Affected, ...]
    dependencies: tuple[Affected, ...]
    drawing: Drawing

    @property
    def teams(self) -> list[str]:
        """Owning teams of the dependents, highest tier first, each once."""
        seen: list[str] = []
        for item in self.dependents:
            if item.owner and item.owner not in seen:
                seen.append(item.owner)
        return seen


def _order(item: Affected) -> tuple[int, int, str]:
    return (item.tier if item.tier is not None else 9, len(item.path), item.service)


def impact(services: ServiceMap, name: str) -> Impact:
    require_service(services, name)

    def affected(other: str, path: tuple[str, ...], hard: bool) -> Affected:
        return Affected(other, services.tiers.get(other), services.owners.get(other), path, hard)

    up = reach(services, name, upward=True)
    up_hard = reach(services, name, upward=True, hard_only=True)
    down = reach(services, name, upward=False)
    down_hard = reach(services, name, upward=False, hard_only=True)
    dependents = [
        affected(other, (other, *reversed(r.via)), other in up_hard) for other, r in up.items()
    ]
    dependencies = [
        affected(other, (*r.via, other), other in down_hard) for other, r in down.items()
    ]
    return Impact(
        name,
        services.tiers.get(name),
        services.owners.get(name),
        tuple(sorted(dependents, key=_order)),
        tuple(sorted(dependencies, key=_order)),
        drawing(services, {name, *up, *down}, focus=name),
    )
