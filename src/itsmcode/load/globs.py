"""Path globs as users write them in itsm.yaml and the approval policy.

``*`` matches within one path segment, ``**`` across segments, ``?`` one character
(never ``/``); a pattern without a slash also matches the file name anywhere (like
.gitignore); a pattern ending in ``/`` matches everything under that directory.

Every character of a path is data: ``**`` and ``*`` match newlines, control and
non-ASCII characters like any other, so a file named ``.github/workflows/x<newline>.yml``
is still under ``.github/**`` (a path rule must not be escaped by an odd name).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    directory = pattern.endswith("/")
    core = pattern.rstrip("/") if directory else pattern
    out: list[str] = []
    i = 0
    while i < len(core):
        if core.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif core.startswith("**", i):
            out.append(".*")
            i += 2
        elif core[i] == "*":
            out.append("[^/]*")
            i += 1
        elif core[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(core[i]))
            i += 1
    body = "".join(out)
    if "/" not in core:
        body = "(?:.*/)?" + body
    # DOTALL: without it `.` stops at a newline and a path holding one matches no rule.
    return re.compile(body + (r"/.*\Z" if directory else r"\Z"), re.DOTALL)


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether a repository-relative POSIX path matches any of the globs."""
    return any(compile_glob(p.lstrip("/")).match(path) for p in patterns)
