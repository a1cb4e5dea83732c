"""One ``--format`` registry per command: names known at start-up, modules imported on use.

Each command's reporters live in a sub-package (``reporters/lint/``, ``diff/``, ``policy/``,
``audit/``) whose ``__init__`` names its formats here. The CLI takes its ``--format``
choices from the registry, so a new format is one module plus one line; reporter modules
are imported only when chosen, which keeps ``itsm --help`` and a one-file lint quick.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import Generic, TypeVar

R = TypeVar("R")


class FormatRegistry(Generic[R]):
    """``--format`` name → the ``report`` function of a module, imported lazily."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = dict(modules)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self._modules)

    def __contains__(self, name: object) -> bool:
        return name in self._modules

    def __getitem__(self, name: str) -> R:
        module = importlib.import_module(self._modules[name])
        reporter: R = module.report
        return reporter
