"""The catalog's SLA targets as OpenSLO v1 objects (mapping: docs/adoption.md).

Each Service with an SLA becomes an OpenSLO ``Service``; the SLA's availability becomes
an ``SLO`` with a rolling window, and each priority's response and resolution time an
``SLO`` with a threshold objective. How a target is measured (the SLI: which metric) is
not something itsmcode knows, so SLOs name their indicator by ``indicatorRef``
(``<service>-availability``, ``<service>-p1-response``...) for the monitoring side to
define.
"""

from __future__ import annotations

from typing import Any

from itsmcode.load.catalog import Catalog
from itsmcode.load.yamlio import dump
from itsmcode.models import SLA, Service
from itsmcode.models.types import format_duration

API_VERSION = "openslo/v1"
#: An itsmcode time target says how fast, not for which share of tickets; OpenSLO needs
#: the share. The default is documented and overridable (--time-target).
DEFAULT_TIME_TARGET = 0.95


def objects(catalog: Catalog, time_target: float = DEFAULT_TIME_TARGET) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for service in sorted(catalog.all(Service), key=lambda s: s.name):
        sla = catalog.sla(service.spec.sla) if service.spec.sla else None
        if sla is None:
            continue
        out.append(_service(service))
        out.extend(_slos(service, sla, time_target))
    return out


def render(catalog: Catalog, time_target: float = DEFAULT_TIME_TARGET) -> str:
    return "".join(f"---\n{dump(o)}" for o in objects(catalog, time_target))


def _name(base: str, suffix: str) -> str:
    # OpenSLO names are DNS labels (63 characters), like itsmcode's.
    return f"{base[: 63 - len(suffix) - 1].rstrip('-')}-{suffix}"


def _service(service: Service) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": service.name}
    if service.metadata.title:
        metadata["displayName"] = service.metadata.title
    spec: dict[str, Any] = {}
    if service.metadata.description:
        spec["description"] = service.metadata.description[:1050]
    return {"apiVersion": API_VERSION, "kind": "Service", "metadata": metadata, "spec": spec}


def _slo(name: str, display: str, description: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": API_VERSION,
        "kind": "SLO",
        "metadata": {"name": name, "displayName": display},
        "spec": {"description": description, **spec},
    }


def _slos(service: Service, sla: SLA, time_target: float) -> list[dict[str, Any]]:
    slos = []
    if sla.spec.availability:
        window = format_duration(sla.spec.availability.window)
        name = _name(service.name, "availability")
        slos.append(
            _slo(
                name,
                f"{service.name} availability",
                f"Availability of {service.name} (SLA {sla.name}): "
                f"{sla.spec.availability.target}% over a rolling {window}.",
                {
                    "service": service.name,
                    "indicatorRef": name,
                    "timeWindow": [{"duration": window, "isRolling": True}],
                    "budgetingMethod": "Occurrences",
                    "objectives": [
                        {
                            "displayName": f"{sla.spec.availability.target}% available",
                            "target": round(sla.spec.availability.target / 100, 6),
                        }
                    ],
                },
            )
        )
    window = format_duration(sla.spec.availability.window) if sla.spec.availability else "30d"
    for priority, target in sla.spec.targets.items():
        for measure, duration in (("response", target.response), ("resolution", target.resolution)):
            name = _name(service.name, f"{priority.lower()}-{measure}")
            limit = format_duration(duration)
            slos.append(
                _slo(
                    name,
                    f"{service.name} {priority} {measure}",
                    f"{priority} {measure} time of {service.name} within {limit} (SLA {sla.name}).",
                    {
                        "service": service.name,
                        "indicatorRef": name,
                        "timeWindow": [{"duration": window, "isRolling": True}],
                        "budgetingMethod": "Occurrences",
                        "objectives": [
                            {
                                "displayName": f"{priority} {measure} within {limit}",
                                "op": "lte",
                                "value": int(duration.total_seconds()),
                                "target": time_target,
                            }
                        ],
                    },
                )
            )
    return slos
