"""Change approval as code: evaluate a pull request against the approval policy.

``facts`` turns a semantic diff and PR facts into the items rules match on,
``predicates`` decides whether a rule's ``when`` holds, ``evaluate`` produces the
Decision, ``check`` gathers everything from git, ``scenarios`` runs ``policy test``.
"""
