"""The proactive reports (``itsm report sla|changes|problems``): typed results per report.

Each module computes one report from a Catalog and a Period; reporters/report/ renders
them. The semantics and the JSON are described in docs/reports.md.
"""
