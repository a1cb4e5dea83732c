"""Backstage entities -> itsmcode Services and Teams (mapping: docs/adoption.md).

Component, System, Resource and API become Services; Group becomes a Team, with the
Users that name it in ``memberOf`` (and those its ``spec.members`` names) as members.
What has no counterpart is reported in the plan, field by field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from itsmcode.interop.backstage_read import Found
from itsmcode.interop.plan import ImportPlan, Names, Planned, entity
from itsmcode.models.types import LOGIN_PATTERN

_LOGIN = re.compile(LOGIN_PATTERN)
SERVICE_KINDS = ("component", "system", "api", "resource")  # order: who keeps a contested name
LIFECYCLES = {
    "experimental": "planned",
    "production": "live",
    "deprecated": "deprecated",
    "retired": "retired",  # not one of Backstage's three, but what `itsm export` writes
}
#: Written by ``itsm export backstage`` so that a round trip keeps what Backstage lacks.
TIER_ANNOTATION = "itsmcode.dev/tier"
LIFECYCLE_ANNOTATION = "itsmcode.dev/lifecycle"
DEFAULT_TIER = 3
_OURS = ("planned", "live", "deprecated", "retired")
LOGIN_ANNOTATION = "github.com/user-login"
_META_KEYS = {"name", "namespace", "title", "description", "labels", "annotations", "tags", "links"}
_SERVICE_SPEC = {
    "component": {"type", "lifecycle", "owner", "system", "dependsOn", "consumesApis"},
    "system": {"owner", "dependsOn"},
    "api": {"type", "lifecycle", "owner", "system", "dependsOn"},
    "resource": {"type", "owner", "system", "dependsOn"},
}
_GROUP_SPEC = {"type", "profile", "parent", "children", "members"}
_USER_SPEC = {"profile", "memberOf"}
_PROFILE = {"displayName", "email"}


@dataclass(frozen=True)
class Ref:
    """An entity reference. Backstage compares references case-insensitively, so equality
    is on the lowercased parts; ``name`` keeps the spelling for messages and naming."""

    kind: str  # lowercase
    namespace: str  # lowercase
    key: str  # the name, lowercase
    name: str = field(compare=False)

    @classmethod
    def of(cls, kind: str, namespace: str, name: str) -> Ref:
        return cls(kind.lower(), namespace.lower(), name.lower(), name)

    def __str__(self) -> str:
        return f"{self.kind}:{self.namespace}/{self.name}"


def parse_ref(text: object, default_kind: str, namespace: str = "default") -> Ref | None:
    """``[kind:][namespace/]name`` as Backstage writes entity references."""
    if not isinstance(text, str) or not text.strip():
        return None
    kind, sep, rest = text.partition(":")
    if not sep:
        kind, rest = default_kind, text
    ns, sep, name = rest.partition("/")
    if not sep:
        ns, name = namespace, rest
    if not kind or not ns or not name:
        return None
    return Ref.of(kind, ns, name)


class _Importer:
    def __init__(self, found: list[Found], plan: ImportPlan) -> None:
        self.plan = plan
        self.names = Names(self.plan)
        self.entities: dict[Ref, Found] = {}
        self.spelled: dict[Ref, Ref] = {}  # any spelling -> the entity's own
        self.team_of: dict[Ref, str] = {}  # group or user ref -> Team name
        self.service_of: dict[Ref, str] = {}
        self.teams: dict[str, dict[str, Any]] = {}  # Team name -> spec being built
        self.team_meta: dict[str, tuple[str, dict[str, Any]]] = {}
        self.members: dict[Ref, dict[str, Any] | None] = {}  # each User judged once
        self.placed: set[Ref] = set()  # Users that became a member somewhere
        for item in found:
            self.index(item)

    # -- reading ------------------------------------------------------------------------
    def index(self, item: Found) -> None:
        data = item.data
        kind, meta = data.get("kind"), data.get("metadata")
        name = meta.get("name") if isinstance(meta, dict) else None
        if not isinstance(kind, str) or not isinstance(name, str) or not name:
            self.plan.lost(item.where, "metadata.name", "no kind or metadata.name; not imported")
            return
        ns = meta.get("namespace", "default") if isinstance(meta, dict) else "default"
        ref = Ref.of(kind, str(ns), name)
        if ref in self.entities:
            first = self.entities[ref].where
            self.plan.lost(item.where, "", f"{ref} is defined twice; the one at {first} is used")
            return
        self.entities[ref] = item
        self.spelled[ref] = ref

    def of_kind(self, *kinds: str) -> list[tuple[Ref, Found]]:
        return sorted(
            ((r, f) for r, f in self.entities.items() if r.kind in kinds),
            key=lambda pair: (kinds.index(pair[0].kind), str(pair[0])),
        )

    # -- naming -------------------------------------------------------------------------
    def claim(self, kind: str, ref: Ref) -> str | None:
        wanted = ref.name if ref.namespace == "default" else f"{ref.namespace}-{ref.name}"
        name = self.names.claim(kind, str(ref), wanted)
        if name is not None and name != ref.name:
            self.plan.renamed[str(ref)] = name
        return name

    def team(self, ref: Ref, why_missing: str) -> str | None:
        """The Team for an owner/parent reference, created on first use."""
        if ref in self.team_of:
            return self.team_of[ref]
        if ref.kind not in ("group", "user"):
            return None
        name = self.claim("Team", ref)
        if name is None:
            return None
        self.team_of[ref] = name
        self.teams[name] = {"members": []}
        self.team_meta[name] = (str(ref), {})
        if ref.kind == "user":
            member = self.member(ref) if ref in self.entities else None
            if member:
                self.teams[name]["members"].append(member)
            self.plan.decide(
                str(ref),
                "spec.owner",
                name,
                "owned by a person; itsmcode owners are teams: a one-person team was created",
            )
        elif ref not in self.entities:
            self.plan.decide(str(ref), "kind", "Team", f"{why_missing}; an empty team was created")
        return name

    # -- users --------------------------------------------------------------------------
    def member(self, ref: Ref) -> dict[str, Any] | None:
        """The team member a User becomes (None, reported, without a usable login)."""
        if ref not in self.members:
            self.members[ref] = self._member(ref)
        self.placed.add(ref)
        return self.members[ref]

    def _member(self, ref: Ref) -> dict[str, Any] | None:
        user = self.entities[ref].data
        meta, spec = _mapping(user.get("metadata")), _mapping(user.get("spec"))
        annotated = _mapping(meta.get("annotations")).get(LOGIN_ANNOTATION)
        ref = self.spelled[ref]  # as the User spells its own name, not as a reference did
        if isinstance(annotated, str) and _LOGIN.match(annotated):
            login = annotated
        elif annotated is not None:
            self.plan.lost(
                str(ref),
                f"metadata.annotations.{LOGIN_ANNOTATION}",
                f"'{annotated}' is not a GitHub login; not made a member",
            )
            return None
        elif _LOGIN.match(ref.name):
            login = ref.name
            self.plan.decide(
                str(ref),
                "github",
                login,
                f"no {LOGIN_ANNOTATION} annotation: the "
                "User name is taken as the GitHub login; confirm it (logins approve changes)",
            )
        else:
            self.plan.lost(
                str(ref),
                "metadata.name",
                f"no {LOGIN_ANNOTATION} annotation and "
                f"'{ref.name}' is not a GitHub login; not made a member",
            )
            return None
        profile = _mapping(spec.get("profile"))
        out: dict[str, Any] = {"github": login}
        for key, target in (("displayName", "name"), ("email", "email")):
            if isinstance(profile.get(key), str):
                out[target] = profile[key]
        return out

    # -- the mapping --------------------------------------------------------------------
    def run(self) -> ImportPlan:
        groups = self.of_kind("group")
        for ref, _ in groups:
            self.team(ref, "")
        services = self.of_kind(*SERVICE_KINDS)
        for ref, _ in services:
            if (name := self.claim("Service", ref)) is not None:
                self.service_of[ref] = name
        for ref, found in groups:
            if ref in self.team_of:  # not when its name had nothing usable (reported)
                self.group(ref, found)
        for ref, found in self.of_kind("user"):
            self.user(ref, found)
        parts = self.system_parts(services)
        planned_services = [self.service(ref, found, parts) for ref, found in services]
        for ref, _ in self.of_kind("user"):
            if ref not in self.placed:
                self.plan.lost(str(ref), "spec.memberOf", "in no imported group; not imported")
        for ref, found in self.entities.items():
            if ref.kind not in (*SERVICE_KINDS, "group", "user", "location"):
                self.plan.lost(
                    found.where,
                    "kind",
                    f"{found.data.get('kind')} has no itsmcode counterpart; {ref} not imported",
                )
        for name, spec in self.teams.items():
            source, metadata = self.team_meta[name]
            spec["members"] = _unique_members(spec["members"])
            clean = {k: v for k, v in spec.items() if v not in (None, [], {})}
            self.plan.entities.append(
                Planned("Team", name, entity("Team", name, metadata, clean), source)
            )
        self.plan.entities.extend(p for p in planned_services if p is not None)
        return self.plan

    def group(self, ref: Ref, found: Found) -> None:
        name = self.team_of[ref]
        data = found.data
        meta, spec = _mapping(data.get("metadata")), _mapping(data.get("spec"))
        metadata = self.metadata(ref, meta)
        team = self.teams[name]
        profile = _mapping(spec.get("profile"))
        if isinstance(profile.get("displayName"), str) and "title" not in metadata:
            metadata["title"] = profile["displayName"]
        if isinstance(profile.get("email"), str):
            team["contact"] = {"email": profile["email"]}
        self.unknown(ref, "spec.profile", profile, _PROFILE)
        if isinstance(spec.get("type"), str):
            metadata.setdefault("labels", {})["backstage-type"] = spec["type"]
        if (parent := parse_ref(spec.get("parent"), "group", ref.namespace)) is not None:
            if parent in self.team_of:
                team["parent"] = self.team_of[parent]
            else:
                self.plan.lost(str(ref), "spec.parent", f"{parent} is not among the imported files")
        for child_text in _list(spec.get("children")):
            child = parse_ref(child_text, "group", ref.namespace)
            if child is None or child not in self.team_of:
                self.plan.lost(
                    str(ref), "spec.children", f"{child_text} is not among the imported files"
                )
            else:
                self.teams[self.team_of[child]].setdefault("parent", name)
        for member_text in _list(spec.get("members")):
            user = parse_ref(member_text, "user", ref.namespace)
            if user is None or user not in self.entities:
                self.plan.lost(
                    str(ref), "spec.members", f"{member_text} is not among the imported files"
                )
            elif (member := self.member(user)) is not None:
                team["members"].append(member)
        self.unknown(ref, "spec", spec, _GROUP_SPEC)
        self.team_meta[name] = (str(ref), metadata)

    def user(self, ref: Ref, found: Found) -> None:
        spec = _mapping(found.data.get("spec"))
        for key, value in _mapping(found.data.get("metadata")).items():
            if key == "annotations":
                for k in sorted(set(_mapping(value)) - {LOGIN_ANNOTATION}, key=str):
                    self.plan.lost(
                        str(ref), f"metadata.annotations.{k}", "no counterpart in a member"
                    )
            elif key not in ("name", "namespace"):
                self.plan.lost(str(ref), f"metadata.{key}", "no counterpart in a team member")
        self.unknown(ref, "spec.profile", _mapping(spec.get("profile")), _PROFILE)
        self.unknown(ref, "spec", spec, _USER_SPEC)
        groups = [parse_ref(g, "group", ref.namespace) for g in _list(spec.get("memberOf"))]
        member = None
        for text, group in zip(_list(spec.get("memberOf")), groups, strict=True):
            if group is None or group not in self.team_of or group.kind != "group":
                self.plan.lost(str(ref), "spec.memberOf", f"{text} is not among the imported files")
                continue
            member = member or self.member(ref)
            if member is None:
                break
            self.teams[self.team_of[group]]["members"].append(member)

    def system_parts(self, services: list[tuple[Ref, Found]]) -> dict[Ref, list[Ref]]:
        parts: dict[Ref, list[Ref]] = {}
        for ref, found in services:
            system = parse_ref(
                _mapping(found.data.get("spec")).get("system"), "system", ref.namespace
            )
            if system is not None and ref.kind != "system":
                parts.setdefault(system, []).append(ref)
        return parts

    def service(self, ref: Ref, found: Found, parts: dict[Ref, list[Ref]]) -> Planned | None:
        name = self.service_of.get(ref)
        if name is None:
            return None
        meta, spec = _mapping(found.data.get("metadata")), _mapping(found.data.get("spec"))
        metadata = self.metadata(ref, meta)
        owner_ref = parse_ref(spec.get("owner"), "group", ref.namespace)
        owner = (
            self.team(owner_ref, f"owner {owner_ref} is not among the imported files")
            if owner_ref
            else None
        )
        if owner is None:
            self.plan.lost(
                str(ref),
                "spec.owner",
                f"owner {spec.get('owner')!r} is not a group or user; "
                "itsmcode needs an owning team: not imported",
            )
            return None
        kind_type = spec.get("type")
        business = ref.kind == "system" or (ref.kind == "component" and kind_type == "website")
        if isinstance(kind_type, str):
            metadata.setdefault("labels", {})["backstage-type"] = kind_type
        annotations = metadata.get("annotations", {})
        tier = annotations.pop(TIER_ANNOTATION, None)
        lifecycle = annotations.pop(LIFECYCLE_ANNOTATION, None)
        if not annotations:
            metadata.pop("annotations", None)
        out: dict[str, Any] = {
            "type": "business" if business else "technical",
            "tier": int(tier) if tier in ("1", "2", "3", "4") else DEFAULT_TIER,
            "lifecycle": lifecycle if lifecycle in _OURS else self.lifecycle(ref, spec),
            "owner": owner,
        }
        if tier not in ("1", "2", "3", "4"):
            self.plan.decide(
                str(ref),
                "spec.tier",
                DEFAULT_TIER,
                "Backstage has no criticality; set 1 or 2 for critical services "
                "(they then need an SLA)",
            )
        deps: list[dict[str, str]] = []
        for key, default_kind in (("dependsOn", "component"), ("consumesApis", "api")):
            for text in _list(spec.get(key)):
                target = parse_ref(text, default_kind, ref.namespace)
                if target is None or target not in self.service_of:
                    self.plan.lost(
                        str(ref),
                        f"spec.{key}",
                        f"{text} is not a Component, System, "
                        "Resource or API among the imported files; dependency left out",
                    )
                    continue
                deps.append({"service": self.service_of[target]})
        for part in parts.get(ref, []):
            if part in self.service_of:
                deps.append({"service": self.service_of[part], "type": "soft"})
        unique: list[dict[str, str]] = []
        for dep in deps:  # the first mention wins; a service never depends on itself
            if dep["service"] != name and all(u["service"] != dep["service"] for u in unique):
                unique.append(dep)
        if unique:
            out["dependsOn"] = unique
        system = spec.get("system")
        if system is not None and parse_ref(system, "system", ref.namespace) not in self.service_of:
            self.plan.lost(str(ref), "spec.system", f"{system} is not among the imported files")
        self.unknown(ref, "spec", spec, _SERVICE_SPEC[ref.kind])
        return Planned("Service", name, entity("Service", name, metadata, out), str(ref))

    def lifecycle(self, ref: Ref, spec: dict[str, Any]) -> str:
        value = spec.get("lifecycle")
        if isinstance(value, str) and value in LIFECYCLES:
            return LIFECYCLES[value]
        if value is None:
            self.plan.decide(
                str(ref),
                "spec.lifecycle",
                "live",
                f"a Backstage {ref.kind} has no lifecycle; set to live",
            )
        else:
            self.plan.lost(
                str(ref),
                "spec.lifecycle",
                f"lifecycle {value!r} has no counterpart "
                "(experimental, production, deprecated); set to planned",
            )
            return "planned"
        return "live"

    def metadata(self, ref: Ref, meta: dict[str, Any]) -> dict[str, Any]:
        """The itsmcode metadata of an entity; what does not fit is reported."""
        self.unknown(ref, "metadata", meta, _META_KEYS)
        out: dict[str, Any] = {}
        for key in ("title", "description"):
            if isinstance(meta.get(key), str):
                out[key] = meta[key]
            elif key in meta:
                self.plan.lost(str(ref), f"metadata.{key}", "not a string")
        labels = {}
        for key in ("labels", "annotations"):
            values = {}
            for k, v in _mapping(meta.get(key)).items():
                if isinstance(v, str):
                    values[str(k)] = v
                else:
                    self.plan.lost(str(ref), f"metadata.{key}.{k}", "not a string")
            if key == "labels":
                labels = values
            else:
                out["annotations"] = {k: v for k, v in values.items() if k != LOGIN_ANNOTATION}
        for tag in _list(meta.get("tags")):
            labels[str(tag)] = "true"
        if labels:
            out["labels"] = labels
        links = []
        for i, link in enumerate(_list(meta.get("links"))):
            link = _mapping(link)
            if not isinstance(link.get("url"), str):
                self.plan.lost(str(ref), f"metadata.links[{i}]", "no url")
                continue
            title = link.get("title") if isinstance(link.get("title"), str) else link["url"]
            links.append({"title": title, "url": link["url"]})
            for extra in sorted(set(link) - {"url", "title"}):
                self.plan.lost(
                    str(ref), f"metadata.links[{i}].{extra}", "no counterpart in itsmcode links"
                )
        if links:
            out["links"] = links
        return out

    def unknown(self, ref: Ref, prefix: str, values: dict[str, Any], known: Iterable[str]) -> None:
        for key in sorted(set(values) - set(known), key=str):
            self.plan.lost(str(ref), f"{prefix}.{key}", "no counterpart in itsmcode")


def _mapping(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    if isinstance(value, list):
        return value
    return [] if value is None else [value]


def _unique_members(members: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for member in members:
        if member["github"].lower() not in seen:
            seen.add(member["github"].lower())
            out.append(member)
    return out


def plan_import(found: list[Found], plan: ImportPlan) -> ImportPlan:
    """Add the itsmcode entities for the Backstage entities ``found`` to ``plan``."""
    return _Importer(found, plan).run()
