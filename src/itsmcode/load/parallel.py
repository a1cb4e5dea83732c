"""Parsing many files on every core: the values cross back, the node trees do not.

Parsing dominates a cold lint. Worker processes parse chunks of files and send back
each file's values (plain data) or its located problem; a node tree is composed again
later only for a file that gets a diagnostic. The outcomes are handed on chunk by
chunk, as they arrive, so the caller validates and indexes one chunk while the workers
parse the next. Small runs stay in this process, where a pool would cost more than it
saves.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Iterator, Sequence
from typing import Any

from itsmcode.load.yamlio import Limits, YamlProblem, decode, parse

#: Below this many files one process is faster (pool start-up and pickling).
PARALLEL_MIN_FILES = 1500

#: Chunks per worker: enough that the caller's work on one chunk overlaps the parsing
#: of the next, few enough that sending them costs nothing to speak of.
CHUNKS_PER_WORKER = 8

#: A parse outcome: ("ok", text, values) or ("problem", rule, message, line, column).
Outcome = tuple[Any, ...]


def parse_all(
    items: Sequence[tuple[str, bytes]], limits: Limits, workers: int = 0
) -> Iterator[Outcome]:
    """Outcomes in the order of ``items``, each as soon as its chunk is parsed;
    ``workers=0`` means one per core."""
    workers = workers or (os.cpu_count() or 1)
    if workers < 2 or len(items) < PARALLEL_MIN_FILES:
        yield from _parse_chunk(items, limits)
        return
    # The pool's modules only now: a small run (the pre-commit hook) never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        for chunk, packed in zip(
            chunks, pool.map(_parse_packed, chunks, [limits] * len(chunks)), strict=True
        ):
            yield from _unpacked(chunk, packed)


def _parse_packed(items: Sequence[tuple[str, bytes]], limits: Limits) -> bytes:
    """A worker's chunk, packed with ``marshal``: the values are plain data, which it
    writes and reads several times faster than pickle. The text is left out: the
    caller has the bytes and decodes them again (``_unpacked``)."""
    return marshal.dumps([o if o[0] != "ok" else ("ok", o[2]) for o in _parse_chunk(items, limits)])


def _unpacked(items: Sequence[tuple[str, bytes]], packed: bytes) -> Iterator[Outcome]:
    for (_, data), outcome in zip(items, marshal.loads(packed), strict=True):
        yield ("ok", decode(data), outcome[1]) if outcome[0] == "ok" else outcome


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
