"""The proactive reports: typed results computed from a Catalog, rendered by reporters/.

``sla``, ``changes`` and ``problems`` (``itsm report``, docs/reports.md) measure service
against what was promised; ``calendar`` (the forward schedule of change), ``impact`` and
``graph`` (the service graph) answer what is about to change and what breaks if a service
goes down (docs/calendar.md).
"""
