"""Parsing many files on every core: the values cross back, the node trees do not.

Parsing dominates a cold lint. Worker processes parse chunks of files and send back
each file's values (plain data) or its located problem; a node tree is composed again
later only for a file that gets a diagnostic. When the caller needs no file's bytes
(no cache), the workers read the files too. The outcomes are handed on chunk by
chunk, as they arrive, so the caller validates and indexes one chunk while the workers
parse the next. Small runs stay in this process, where a pool would cost more than it
saves.
"""

from __future__ import annotations

import marshal
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from itsmcode.load.source import read
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
    if _serial(len(items), workers):
        yield from _parse_chunk(items, limits)
        return
    for chunk, packed in _fan_out(_parse_packed, items, limits, workers):
        yield from _unpacked(chunk, packed)


def read_and_parse_all(
    root: str, paths: Sequence[str], limits: Limits, workers: int = 0
) -> Iterator[Outcome]:
    """``parse_all`` for a caller that needs no file's bytes itself (no cache key to
    take, ``itsm lint --no-cache``): the workers read the files (``source.read``) as
    well, so this process's time goes on the results, not on reading. A file that
    cannot be read is a ("problem", ...) outcome located as reading located it."""
    if _serial(len(paths), workers):
        yield from _read_parse_chunk(root, paths, limits)
        return
    for _, packed in _fan_out(_read_parse_packed, paths, (root, limits), workers):
        yield from marshal.loads(packed)


def _serial(count: int, workers: int) -> bool:
    return (workers or os.cpu_count() or 1) < 2 or count < PARALLEL_MIN_FILES


_Item = TypeVar("_Item")
_Arg = TypeVar("_Arg")


def _fan_out(
    work: Callable[[Sequence[_Item], _Arg], bytes],
    items: Sequence[_Item],
    argument: _Arg,
    workers: int,
) -> Iterator[tuple[Sequence[_Item], bytes]]:
    """Each chunk of ``items`` with ``work(chunk, argument)``'s result, computed in a
    pool of worker processes, in order, each as soon as it is done."""
    # The pool's modules only now: a small run (the pre-commit hook) never needs them.
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    workers = workers or (os.cpu_count() or 1)
    size = -(-len(items) // (workers * CHUNKS_PER_WORKER))
    chunks = [items[i : i + size] for i in range(0, len(items), size)]
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield from zip(chunks, pool.map(work, chunks, [argument] * len(chunks)), strict=True)


def _parse_packed(items: Sequence[tuple[str, bytes]], limits: Limits) -> bytes:
    """A worker's chunk, packed with ``marshal``: the values are plain data, which it
    writes and reads several times faster than pickle. The text is left out: the
    caller has the bytes and decodes them again (``_unpacked``)."""
    return marshal.dumps([o if o[0] != "ok" else ("ok", o[2]) for o in _parse_chunk(items, limits)])


def _unpacked(items: Sequence[tuple[str, bytes]], packed: bytes) -> Iterator[Outcome]:
    for (_, data), outcome in zip(items, marshal.loads(packed), strict=True):
        yield ("ok", decode(data), outcome[1]) if outcome[0] == "ok" else outcome


def _read_parse_packed(paths: Sequence[str], where: tuple[str, Limits]) -> bytes:
    """A worker's chunk of files read and parsed, packed whole (texts included: the
    caller has not read them)."""
    root, limits = where
    return marshal.dumps(_read_parse_chunk(root, paths, limits))


def _parse_chunk(items: Sequence[tuple[str, bytes]], limits: Limits) -> list[Outcome]:
    with _collector_off():
        return [_parse_one(data, limits) for _, data in items]


def _read_parse_chunk(root: str, paths: Sequence[str], limits: Limits) -> list[Outcome]:
    with _collector_off():
        return [_read_parse_one(root, path, limits) for path in paths]


@contextmanager
def _collector_off() -> Iterator[None]:
    # Nothing built here is garbage until the chunk is sent (snapshot.paused_gc). The
    # collector is left as found: a serial run parses inside the caller's paused_gc, and
    # switching it back on there made every later allocation walk millions of objects.
    import gc

    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _read_parse_one(root: str, path: str, limits: Limits) -> Outcome:
    source = read(root, path, limits.max_file_size)
    if source.data is None:
        problem = source.problem
        assert problem is not None  # a file is either read or not, with why
        return ("problem", problem.rule, problem.message, problem.line, problem.column)
    return _parse_one(source.data, limits)


def _parse_one(data: bytes, limits: Limits) -> Outcome:
    try:
        text = decode(data)
        return ("ok", text, parse(text, limits).data)
    except YamlProblem as problem:
        return ("problem", problem.rule, problem.message, problem.line, problem.column)
