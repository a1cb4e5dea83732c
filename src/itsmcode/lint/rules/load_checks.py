"""Checks made while files are read and validated, before any rule runs.

They have rule ids like the rules (for severities, suppression, SARIF and the docs),
but no ``check`` function: the loader and the schema validation report them.
"""

from __future__ import annotations

from dataclasses import dataclass

from itsmcode.diagnostics import Severity


@dataclass(frozen=True)
class LoadCheck:
    ID: str
    SEVERITY: Severity
    __doc__: str


LOAD_CHECKS: dict[str, LoadCheck] = {
    check.ID: check
    for check in (
        LoadCheck(
            "file-unreadable",
            Severity.ERROR,
            """The file cannot be read as UTF-8 YAML text.

Reported for files over the size limit (``spec.lint.maxFileSize``, default and minimum
1 MiB), binary files, text that is not UTF-8 (UTF-16/32 included, with or without a
byte order mark), symbolic links that point outside the repository, dangling links and
link loops, kind folders that are links out of the repository, files that cannot be
opened (permissions), and anything that is not a regular file: a directory named
``x.yaml``, a FIFO, a socket or a device (a FIFO is never opened for reading, so it
cannot hang the run). A UTF-8 byte order mark and CRLF line endings are fine.

Passing: a UTF-8 file of a few kilobytes. Failing: a file saved as UTF-16, or
``catalog/services/x.yaml -> /etc/passwd``.
""",
        ),
        LoadCheck(
            "yaml-syntax",
            Severity.ERROR,
            """The file is not a single, plain YAML 1.2 mapping.

Syntax errors, tab indentation, control characters, more than one document
(``---``), an empty (or comments-only) file, a top level that is not a mapping, keys
that are not strings (``1:``, ``true:``, ``~:`` — quote them), complex keys, merge
keys (``<<``, which YAML 1.2 does not have), undefined aliases and tags
(``!!python/object``, ``!custom``) are reported here. Values follow YAML 1.2: ``no``,
``on`` and ``NO`` are strings; ``! 12`` is the string ``"12"``. Where libyaml would
read a value YAML 1.2 does not (``&an:chor value``, ``[?x]``, ``"value"# note``), the
file is refused here too (see docs/reference/yaml.md).

Passing::

    apiVersion: itsmcode/v1
    kind: Team

Failing::

    kind: Team
    ---
    kind: Service
""",
        ),
        LoadCheck(
            "duplicate-key",
            Severity.ERROR,
            """A mapping has the same key twice; YAML parsers silently keep one of them.

Passing::

    spec: {tier: 1, lifecycle: live}

Failing::

    spec:
      tier: 1
      tier: 2
""",
        ),
        LoadCheck(
            "yaml-limits",
            Severity.ERROR,
            """The file is built to exhaust its reader: nesting deeper than 64 levels,
aliases that expand to more than 250,000 nodes ("billion laughs"), an alias that
contains itself, or a number of more than 1,000 digits. Such files are refused,
located at the offending node.

Passing: anchors and aliases used a few times. Failing::

    a: &a [x, x, x, x, x, x, x, x, x]
    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]   # ... and so on
""",
        ),
        LoadCheck(
            "schema",
            Severity.ERROR,
            """The entity does not match its kind's schema (see docs/reference/file-formats.md).

Unknown fields (with a did-you-mean suggestion), missing required fields, wrong
types (``tier: "1"`` is a string, not a number), invalid names, durations,
timestamps without an offset, dates and enumerated values are reported at the
offending node. The JSON Schemas in ``schemas/`` express the same rules for editors.

Passing::

    spec: {type: technical, tier: 2, lifecycle: live, owner: payments}

Failing::

    spec: {type: technical, teir: 2, lifecycle: live, owner: payments}
""",
        ),
    )
}
