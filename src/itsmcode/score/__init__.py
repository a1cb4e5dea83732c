"""Scorecards: where each service stands against the organisation's ITSM standards
(``itsm score``, docs/score.md)."""
