"""The catalog as Backstage entities (mapping: docs/adoption.md, the reverse of import).

Teams become Groups (members become Users carrying ``github.com/user-login``), business
services Systems, technical services Components of type ``service``; ownership and
dependencies become ``spec.owner`` and ``spec.dependsOn`` refs.
"""

from __future__ import annotations

import re
from typing import Any

from itsmcode.load.catalog import Catalog
from itsmcode.load.yamlio import dump
from itsmcode.models import Service, Team

API_VERSION = "backstage.io/v1alpha1"
TIER_ANNOTATION = "itsmcode.dev/tier"
LIFECYCLE_ANNOTATION = "itsmcode.dev/lifecycle"
LIFECYCLES = {
    "planned": "experimental",
    "live": "production",
    "deprecated": "deprecated",
    "retired": "retired",
}
# Backstage's rules for label and annotation keys and label values (catalog-model's
# DefaultNamespaceEntityPolicy / FieldFormatEntityPolicy); others are left out.
_KEY = re.compile(
    r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?"
    r"[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$"
)
_VALUE = re.compile(r"^[a-zA-Z0-9]+([-_.][a-zA-Z0-9]+)*$")


def entities(catalog: Catalog) -> list[dict[str, Any]]:
    services = sorted(catalog.all(Service), key=lambda s: s.name)
    teams = sorted(catalog.all(Team), key=lambda t: t.name)
    kind_of = {s.name: "system" if s.spec.type == "business" else "component" for s in services}
    out = [_group(t, teams) for t in teams]
    out += _users(teams)
    out += [_service(s, kind_of) for s in services]
    return out


def render(catalog: Catalog) -> str:
    return "".join(f"---\n{dump(e)}" for e in entities(catalog))


def _metadata(entity: Service | Team) -> dict[str, Any]:
    meta = entity.metadata
    out: dict[str, Any] = {"name": meta.name}
    if meta.title:
        out["title"] = meta.title
    if meta.description:
        out["description"] = meta.description
    labels = {k: v for k, v in meta.labels.items() if _KEY.match(k) and _VALUE.match(v)}
    if labels:
        out["labels"] = labels
    annotations = {k: v for k, v in meta.annotations.items() if _KEY.match(k)}
    if annotations:
        out["annotations"] = annotations
    if meta.links:
        out["links"] = [{"url": link.url, "title": link.title} for link in meta.links]
    return out


def _group(team: Team, teams: list[Team]) -> dict[str, Any]:
    spec: dict[str, Any] = {
        # the type an imported Group had (itsm import keeps it as a label), else team
        "type": team.metadata.labels.get("backstage-type", "team"),
        "children": [f"group:default/{t.name}" for t in teams if t.spec.parent == team.name],
    }
    if team.spec.parent:
        spec["parent"] = f"group:default/{team.spec.parent}"
    if team.metadata.title or (team.spec.contact and team.spec.contact.email):
        profile: dict[str, Any] = {}
        if team.metadata.title:
            profile["displayName"] = team.metadata.title
        if team.spec.contact and team.spec.contact.email:
            profile["email"] = team.spec.contact.email
        spec["profile"] = profile
    return {"apiVersion": API_VERSION, "kind": "Group", "metadata": _metadata(team), "spec": spec}


def _users(teams: list[Team]) -> list[dict[str, Any]]:
    users: dict[str, dict[str, Any]] = {}
    for team in teams:
        for member in team.spec.members:
            name = member.github.lower()
            user = users.setdefault(
                name,
                {
                    "apiVersion": API_VERSION,
                    "kind": "User",
                    "metadata": {
                        "name": name,
                        "annotations": {"github.com/user-login": member.github},
                    },
                    "spec": {"memberOf": []},
                },
            )
            user["spec"]["memberOf"].append(f"group:default/{team.name}")
            profile = {
                k: v for k, v in (("displayName", member.name), ("email", member.email)) if v
            }
            if profile and "profile" not in user["spec"]:
                user["spec"]["profile"] = profile
    return [users[n] for n in sorted(users)]


def _service(service: Service, kind_of: dict[str, str]) -> dict[str, Any]:
    spec: dict[str, Any] = {"owner": f"group:default/{service.spec.owner}"}
    if kind_of[service.name] == "component":
        spec = {"type": "service", "lifecycle": LIFECYCLES[service.spec.lifecycle], **spec}
        kind = "Component"
    else:
        kind = "System"
    deps = [
        f"{kind_of.get(d.service, 'component')}:default/{d.service}"
        for d in service.spec.depends_on
    ]
    if deps:
        spec["dependsOn"] = deps
    metadata = _metadata(service)
    # Backstage has no tier, and no lifecycle on a System: annotations carry them, and
    # ``itsm import backstage`` reads them back.
    annotations = metadata.setdefault("annotations", {})
    annotations[TIER_ANNOTATION] = str(service.spec.tier)
    if kind == "System":
        annotations[LIFECYCLE_ANNOTATION] = service.spec.lifecycle
    return {"apiVersion": API_VERSION, "kind": kind, "metadata": metadata, "spec": spec}
