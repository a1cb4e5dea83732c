"""Path globs as users write them in itsm.yaml and the approval policy.

``*`` matches within one path segment, ``**`` across segments, ``?`` one character;
a pattern without a slash also matches the file name anywhere (like .gitignore).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache


@lru_cache(maxsize=512)
def compile_glob(pattern: str) -> re.Pattern[str]:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    body = "".join(out)
    if "/" not in pattern.rstrip("/"):
        body = "(?:.*/)?" + body
    return re.compile(body + r"(?:/.*)?\Z" if pattern.endswith("/") else body + r"\Z")


def matches(path: str, patterns: Iterable[str]) -> bool:
    """Whether a repository-relative POSIX path matches any of the globs."""
    return any(compile_glob(p.lstrip("/")).match(path) for p in patterns)
