"""The parts of a repository a lint rule can declare it reads to judge one file.

A rule module's ``NEEDS`` is a frozenset of these (``lint.scope`` reads it; kept here,
free of imports, so that the light paths of ``itsm lint`` can name them).
"""

from __future__ import annotations

# A rule's own file is always read, and every file's kind and name are always known
# (``catalog.names``, ``catalog.unloaded``); see docs/development.md, "Writing a rule".

#: Files of the same kind and name (duplicates).
SAME_NAME = "same-name"
#: Files defining the entities the file references, and what those reference, onwards.
REFERENCES = "references"
#: Files whose references name the file's entity (the other side of a link).
LINKS = "links"
#: Every file of the kinds that are few (all but services, changes, incidents, problems).
SMALL_KINDS = "small-kinds"
#: The whole repository (a rule without ``NEEDS`` is taken to need it).
EVERYTHING = "everything"

#: In a rule's ``READS`` (kind -> the fields of *other* files of that kind it reads, as
#: dotted YAML paths such as ``spec.tier``): every field. A kind not listed is not read
#: beyond its files' kind and name; a rule without ``READS`` reads every field of every
#: file (lint/incremental.py).
ALL = frozenset({"*"})
