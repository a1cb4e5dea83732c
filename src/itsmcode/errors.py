"""The exception tree. Bad *input files* never raise: they become Diagnostics.

Exceptions are for what stops a whole command: a broken configuration, a missing git
ref, a usage mistake. The CLI maps every ItsmError to a one-line message and exit 2.
"""

from __future__ import annotations


class ItsmError(Exception):
    """Root of every error the CLI reports as a clean one-line message (exit 2)."""

    exit_code = 2


class ConfigError(ItsmError):
    """The repository configuration (itsm.yaml) or a command-line option is unusable."""


class LoadError(ItsmError):
    """A file that a command cannot do without could not be loaded."""


class GitError(ItsmError):
    """A git repository, ref or object is missing or unreadable."""


class PolicyError(ItsmError):
    """The approval policy cannot be evaluated (it then fails closed)."""
