"""Reporters: one sub-package per command, one module per ``--format`` (see ``registry``)."""
