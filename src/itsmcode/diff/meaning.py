"""What a change means: derived facts the policy engine and reviewers act on.

Works on validated entities (both sides must validate, or the one side of an added or
removed entity); a file with schema errors still shows its field changes, just no
derived meaning.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.diff.model import Direction, Meaning
from itsmcode.load.catalog import Record
from itsmcode.models import SLA, ChangeRequest, Entity, Service
from itsmcode.models.change import CLOSED_STATUSES, RISK_ORDER, TRANSITIONS
from itsmcode.models.sla import PRIORITIES
from itsmcode.models.types import format_duration

#: Rule id of the diagnostic for a status transition the lifecycle does not allow.
TRANSITION_RULE = "change-transition"
#: Statuses a new change request may start in (an emergency may be filed afterwards).
START_STATUSES = {"emergency": {"planned", "in-progress", "completed"}}


def derive(
    old: Entity | None, new: Entity | None, new_record: Record | None
) -> tuple[list[Meaning], list[Diagnostic]]:
    """Meanings of the change from ``old`` to ``new`` and diagnostics it violates."""
    meanings: list[Meaning] = []
    diagnostics: list[Diagnostic] = []
    if isinstance(old, SLA) and isinstance(new, SLA):
        meanings.extend(_sla(old, new))
    if isinstance(old, Service) and isinstance(new, Service):
        meanings.extend(_service(old, new))
    if isinstance(new, ChangeRequest) and (old is None or isinstance(old, ChangeRequest)):
        found, problems = _change(old, new, new_record)
        meanings.extend(found)
        diagnostics.extend(problems)
    return meanings, diagnostics


def _sla(old: SLA, new: SLA) -> list[Meaning]:
    out: list[Meaning] = []
    a, b = old.spec.availability, new.spec.availability
    if a is not None or b is not None:
        before, after = (a.target if a else None), (b.target if b else None)
        if before != after:
            direction: Direction
            if after is None or (before is not None and after < before):
                direction = "loosened"
            else:
                direction = "tightened"
            out.append(
                Meaning(
                    type=f"sla.{direction}",
                    message=f"availability {_pct(before)} -> {_pct(after)}: {direction}",
                    path="spec.availability.target",
                    direction=direction,
                    old=before,
                    new=after,
                )
            )
    old_targets, new_targets = dict(old.spec.targets.items()), dict(new.spec.targets.items())
    for priority in PRIORITIES:
        for field in ("response", "resolution"):
            x = getattr(old_targets.get(priority), field, None)
            y = getattr(new_targets.get(priority), field, None)
            if x == y:
                continue
            # No target at all promises nothing: removing one loosens, adding tightens.
            loosened = y is None or (x is not None and y > x)
            direction = "loosened" if loosened else "tightened"
            out.append(
                Meaning(
                    type=f"sla.{direction}",
                    message=(
                        f"{priority} {field} {_dur(x) or 'none'} -> {_dur(y) or 'none'}: "
                        f"{direction}"
                    ),
                    path=f"spec.targets.{priority}.{field}",
                    direction=direction,
                    old=_dur(x),
                    new=_dur(y),
                )
            )
    return out


def _service(old: Service, new: Service) -> list[Meaning]:
    out: list[Meaning] = []
    a, b = old.spec, new.spec
    if a.tier != b.tier:
        # Tier 1 is the most critical: moving toward 1 raises (data-model.md).
        direction: Direction = "raised" if b.tier < a.tier else "lowered"
        out.append(
            Meaning(
                type=f"tier.{direction}",
                message=f"tier {a.tier} -> {b.tier}: {direction}",
                path="spec.tier",
                direction=direction,
                old=a.tier,
                new=b.tier,
            )
        )
    for field, label in (
        ("lifecycle", "lifecycle"),
        ("owner", "owner"),
        ("support", "support team"),
        ("sla", "SLA"),
    ):
        x, y = getattr(a, field), getattr(b, field)
        if x != y:
            out.append(
                Meaning(
                    type=f"{field}.changed",
                    message=f"{label} {x or '(none)'} -> {y or '(none)'}",
                    path=f"spec.{field}",
                    direction="changed",
                    old=x,
                    new=y,
                )
            )
    old_deps = {d.service: d.type for d in a.depends_on}
    new_deps = {d.service: d.type for d in b.depends_on}
    for name, kind in new_deps.items():
        if name not in old_deps:
            out.append(
                Meaning(
                    type="dependency.added",
                    message=f"now depends on {name} ({kind})",
                    path=f"spec.dependsOn[service={name}]",
                    direction="added",
                    old=None,
                    new={"service": name, "type": kind},
                )
            )
        elif old_deps[name] != kind:
            out.append(
                Meaning(
                    type="dependency.changed",
                    message=f"dependency on {name}: {old_deps[name]} -> {kind}",
                    path=f"spec.dependsOn[service={name}].type",
                    direction="changed",
                    old=old_deps[name],
                    new=kind,
                )
            )
    for name, kind in old_deps.items():
        if name not in new_deps:
            out.append(
                Meaning(
                    type="dependency.removed",
                    message=f"no longer depends on {name} ({kind})",
                    path=f"spec.dependsOn[service={name}]",
                    direction="removed",
                    old={"service": name, "type": kind},
                    new=None,
                )
            )
    return out


def _change(
    old: ChangeRequest | None, new: ChangeRequest, record: Record | None
) -> tuple[list[Meaning], list[Diagnostic]]:
    out: list[Meaning] = []
    problems: list[Diagnostic] = []
    spec = new.spec

    def problem(loc: tuple[str | int, ...], message: str) -> None:
        if record is not None:
            location = record.location(loc)
            problems.append(Diagnostic(location, TRANSITION_RULE, message, Severity.ERROR))

    if old is None:
        allowed = START_STATUSES.get(spec.type, {"planned"})
        valid = spec.status in allowed
        out.append(
            Meaning(
                type="status.transition",
                message=f"new change request, status {spec.status}"
                + ("" if valid else " (invalid start)"),
                path="spec.status",
                direction="added",
                old=None,
                new=spec.status,
                valid=valid,
            )
        )
        if not valid:
            problem(
                ("spec", "status"),
                (
                    f"a new {spec.type} change request starts as "
                    + " or ".join(sorted(allowed))
                    + f", not {spec.status}"
                ),
            )
        return out, problems
    before, after = old.spec.status, spec.status
    if before != after:
        valid = after in TRANSITIONS.get(before, frozenset())
        out.append(
            Meaning(
                type="status.transition",
                message=f"status {before} -> {after}" + ("" if valid else " (invalid)"),
                path="spec.status",
                direction="changed",
                old=before,
                new=after,
                valid=valid,
            )
        )
        if not valid:
            nexts = sorted(TRANSITIONS.get(before, frozenset()))
            allowed_text = (" or ".join(nexts)) if nexts else "nothing (it is closed)"
            problem(
                ("spec", "status"),
                (
                    f"status cannot go from {before} to {after} in one change; "
                    f"{before} may move to {allowed_text}"
                ),
            )
    elif before in CLOSED_STATUSES and _without_review(old) != _without_review(new):
        # A closed change only gains a post-implementation review (data-model.md).
        out.append(
            Meaning(
                type="status.closed-edited",
                message=f"closed ({before}) change request edited beyond its review",
                path="spec",
                direction="changed",
                old=None,
                new=None,
                valid=False,
            )
        )
        problem(
            ("spec",),
            (f"the change request is {before}: only its review may still be added or edited"),
        )
    if old.spec.window != spec.window:
        a, b = old.spec.window, spec.window
        shift = b.start - a.start
        out.append(
            Meaning(
                type="window.moved",
                message=f"window {a.start.isoformat()}..{a.end.isoformat()} -> "
                f"{b.start.isoformat()}..{b.end.isoformat()} ({_shift(shift)})",
                path="spec.window",
                direction="changed",
                old={"start": a.start.isoformat(), "end": a.end.isoformat()},
                new={"start": b.start.isoformat(), "end": b.end.isoformat()},
            )
        )
    if old.spec.risk != spec.risk:
        raised = RISK_ORDER[spec.risk] > RISK_ORDER[old.spec.risk]
        direction: Direction = "raised" if raised else "lowered"
        out.append(
            Meaning(
                type=f"risk.{direction}",
                message=f"risk {old.spec.risk} -> {spec.risk}",
                path="spec.risk",
                direction=direction,
                old=old.spec.risk,
                new=spec.risk,
            )
        )
    if old.spec.type != spec.type:
        out.append(
            Meaning(
                type="type.changed",
                message=f"type {old.spec.type} -> {spec.type}",
                path="spec.type",
                direction="changed",
                old=old.spec.type,
                new=spec.type,
            )
        )
    if not old.spec.review and spec.review:
        out.append(
            Meaning(
                type="review.added",
                message="post-implementation review added",
                path="spec.review",
                direction="added",
                old=None,
                new=spec.review.reviewed_at.isoformat(),
            )
        )
    return out, problems


def _without_review(change: ChangeRequest) -> dict[str, Any]:
    data = change.model_dump(by_alias=True, mode="json")
    data["spec"].pop("review", None)
    data.pop("metadata", None)  # titles and links are not the change's substance
    return data


def _pct(value: float | None) -> str:
    return "none" if value is None else f"{value:g}%"


def _dur(value: timedelta | None) -> str | None:
    return None if value is None else format_duration(value)


def _shift(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds == 0:
        return "same start"
    sign = "later" if seconds > 0 else "earlier"
    return f"{format_duration(abs(delta))} {sign}"
