"""Building a Catalog from the files of a work tree."""

from __future__ import annotations

import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from itsmcode.diagnostics import Diagnostic, Location
from itsmcode.load.catalog import Catalog, Record
from itsmcode.load.layout import Layout
from itsmcode.load.source import read_files
from itsmcode.load.validate import validate
from itsmcode.load.yamlio import Limits, YamlDocument, YamlProblem, decode, parse
from itsmcode.models import Config


def load_record(
    path: str, data: bytes | None, problem: YamlProblem | None, limits: Limits
) -> Record:
    """One file's bytes to a Record; every problem becomes a located diagnostic."""
    record = Record(path)
    try:
        if problem is not None:
            raise problem
        record.document = parse(decode(data or b""), limits)
    except YamlProblem as exc:
        location = Location(path, exc.line, exc.column)
        record.problems.append(Diagnostic(location, exc.rule, exc.message))
        return record
    entity, problems = validate(record.document.data)
    record.entity = entity
    for p in problems:
        record.problems.append(Diagnostic(record.location(p.loc, key=p.at_key), p.rule, p.message))
    return record


def record_from_values(path: str, text: str, data: dict[str, Any]) -> Record:
    """A Record from values parsed elsewhere (a cache, another process): validated here,
    its node tree composed from ``text`` only if a diagnostic needs a position."""
    record = Record(path, YamlDocument(text=text, root=None, data=data))
    entity, problems = validate(data)
    record.entity = entity
    for p in problems:
        record.problems.append(Diagnostic(record.location(p.loc, key=p.at_key), p.rule, p.message))
    return record


def load_worktree(
    root: Path, config: Config, extra_paths: Iterable[str] = (), limits: Limits | None = None
) -> Catalog:
    """Every file of every enabled kind's folder (plus ``extra_paths``) as a Catalog."""
    limits = limits or Limits(max_file_size=config.spec.lint.max_file_size)
    with paused_gc():
        records = [
            load_record(source.path, source.data, source.problem, limits)
            for source in read_files(
                root, Layout.from_config(config), extra_paths, limits.max_file_size
            )
        ]
    return Catalog(records, config)


@contextmanager
def paused_gc() -> Iterator[None]:
    """Load without the cycle collector, and keep it off what was loaded afterwards.

    Composing many small node trees churns the collector for nothing: nothing built
    while loading is garbage until the run ends. And what was loaded lives as long as
    the catalog: without gc.freeze, the first collections after re-enabling would walk
    every node and value built (millions of objects for a large repository: seconds of
    pure overhead in the rules that run next). Frozen objects are still freed by
    reference counting.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
