"""Builders for ChangeRequest, Calendar and ApprovalPolicy files used by the change rules' tests.

A change file has fixed line numbers so tests can assert positions:
5 type, 6 services, 7 requester, 8 risk, 9 window, 10 plan, 11 status, 12+ ``extra``.
"""

from __future__ import annotations

import textwrap

from tests.helpers import change_request

START = "2026-12-02T22:00:00+01:00"
END = "2026-12-02T23:30:00+01:00"
#: Column of the window mapping on line 9, and of its ``end`` value when START is used.
WINDOW_COLUMN = 11
WINDOW_END_COLUMN = 53


def change(
    name: str,
    *,
    type: str = "normal",
    services: str = "[api]",
    risk: str = "low",
    start: str = START,
    end: str = END,
    plan: str = "{implementation: Do it., backout: Undo it.}",
    status: str = "planned",
    extra: str = "",
) -> str:
    return change_request(
        name,
        type=type,
        services=services,
        risk=risk,
        start=start,
        end=end,
        plan=plan,
        status=status,
        extra=extra,
    )


def calendar(name: str, spec: str, *, timezone: str = "Europe/Berlin") -> str:
    """A Calendar file; ``spec`` (indent 2) follows ``timezone`` on line 5, from line 6."""
    return f"""\
apiVersion: itsmcode/v1
kind: Calendar
metadata: {{name: {name}}}
spec:
  timezone: {timezone}
""" + textwrap.indent(textwrap.dedent(spec).lstrip("\n"), "  ")


def policy(calendars: str = "[change-freezes]", exempt: str = "[emergency]") -> str:
    return f"""\
apiVersion: itsmcode/v1
kind: ApprovalPolicy
metadata: {{name: approval-policy}}
spec:
  freeze: {{calendars: {calendars}, exemptTypes: {exempt}}}
  rules:  # the gate's files go to a named team (policy-governs-gate)
    - name: governance
      when: {{paths: [".github/**", "processes/**", "itsm.yaml"]}}
      require: {{teams: [payments], count: 2}}
"""


POLICY_PATH = "processes/approval-policy.yaml"
FREEZES_PATH = "catalog/calendars/change-freezes.yaml"
