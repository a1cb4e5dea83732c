"""The audit trail from git history: evidence rows, controls, completeness, timelines.

``run.run_audit`` builds the population of changes to a protected branch (one row per
first-parent commit), ``controls`` checks each row, ``ledger`` guards completeness
across runs, ``history`` follows one entity across renames and moves.
"""
