"""policy-governs-gate: the approval policy guards the files that make up the gate.

The approval gate is the GitHub workflows, the approval policy and ``itsm.yaml``. A
pull request that edits them changes how every later pull request is judged (or which
itsmcode judges it: the workflows pin it), so the policy should send them to a named
team, not leave them to the default rule's ordinary approval. This rule warns when no
rule that depends on nothing but ``paths`` covers each of them with a requirement
naming ``teams`` or ``users``. Build files and sources (``pyproject.toml``, ``src/**``,
...) belong in the same rule; docs/security.md ("The gate's own supply chain") lists
them.

Passing::

    rules:
      - name: governance
        when: {paths: ["processes/**", ".github/**", "itsm.yaml", "schemas/**"]}
        require: {teams: [cab], count: 2}

Failing::

    rules:
      - name: governance    # warning: .github/workflows/*.yml are not covered
        when: {paths: ["processes/**", "itsm.yaml"]}
        require: {teams: [cab], count: 2}
"""

from __future__ import annotations

from collections.abc import Iterator

from itsmcode.diagnostics import Diagnostic, Severity
from itsmcode.lint.rules.base import LintContext
from itsmcode.load.catalog import Catalog
from itsmcode.load.globs import matches
from itsmcode.load.layout import CONFIG_FILE, WORKFLOW_DIR, WORKFLOW_FILES
from itsmcode.models import ApprovalPolicy
from itsmcode.models.policy import Rule

ID = "policy-governs-gate"
SEVERITY = Severity.WARNING
#: What judging one file reads (lint/scope.py); the kinds it reports on.
NEEDS = frozenset[str]()
KINDS = frozenset({"ApprovalPolicy"})
#: Fields of *other* files it reads, by kind (lint/incremental.py).
READS: dict[str, frozenset[str]] = {}


def check(catalog: Catalog, context: LintContext) -> Iterator[Diagnostic]:
    for record, policy in catalog.each(ApprovalPolicy):
        gate = [*(f"{WORKFLOW_DIR}/{name}" for name in WORKFLOW_FILES), record.path, CONFIG_FILE]
        guarding = [rule for rule in policy.spec.rules if _guards(rule)]
        missing = [p for p in gate if not any(matches(p, r.when.paths) for r in guarding)]
        if not missing:
            continue
        yield record.diagnostic(
            ID,
            ("spec", "rules") if policy.spec.rules else ("spec",),
            f"no rule asks a named team to approve changes to {', '.join(missing)}: an "
            "ordinary approval could then change the approval gate itself; add them to a "
            'rule such as {name: governance, when: {paths: [".github/**", '
            f'"{record.path}", "{CONFIG_FILE}"]}}, require: {{teams: [...], count: 2}}}}',
        )


def _guards(rule: Rule) -> bool:
    """A rule that applies to a path whatever else the pull request holds, and asks
    for approvals from named people (not just anyone, like the default rule)."""
    conditions = rule.when.model_dump(exclude_defaults=True)
    named = bool(rule.require.teams or rule.require.users)
    return set(conditions) == {"paths"} and named
