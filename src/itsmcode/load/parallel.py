"""Parsing many files on every core: the values cross back, the node trees do not.

Parsing dominates a cold lint. Worker processes parse chunks of files and send back
each file's values (plain data, cheap to pickle) or its located problem; a node tree
is composed again later only for a file that gets a diagnostic. Small runs stay in
this process, where a pool would cost more than it saves.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from itsmcode.load.yamlio import Limits, YamlProblem, decode, parse

#: Below this many files one process is faster (pool start-up and pickling).
PARALLEL_MIN_FILES = 1500

#: A parse outcome: ("ok", text, values) or ("problem", rule, message, line, column).
Outcome = tuple[Any, ...]


def parse_all(
    items: Sequence[tuple[str, bytes]], limits: Limits, workers: int = 0
) -> list[Outcome]:
    """Outcomes in the order of ``items``; ``workers=0`` means one per core."""
    workers = workers or (os.cpu_count() or 1)
    if workers < 2 or len(items) < PARALLEL_MIN_FILES:
        return _parse_chunk(items, limits)
    # The pool's modules only now: a small run (the pre-commit hook) never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(items) // (workers * 4))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        return [
            o for chunk in pool.map(_parse_chunk, chunks, [limits] * len(chunks)) for o in chunk
        ]


def _parse_chunk(items: Sequence[tuple[str, bytes]], limits: Limits) -> list[Outcome]:
    import gc

    # Nothing built here is garbage until the chunk is sent (snapshot.paused_gc). The
    # collector is left as found: a serial run parses inside the caller's paused_gc, and
    # switching it back on there made every later allocation walk millions of objects.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return [_parse_one(data, limits) for _, data in items]
    finally:
        if was_enabled:
            gc.enable()


def _parse_one(data: bytes, limits: Limits) -> Outcome:
    try:
        text = decode(data)
        return ("ok", text, parse(text, limits).data)
    except YamlProblem as problem:
        return ("problem", problem.rule, problem.message, problem.line, problem.column)
