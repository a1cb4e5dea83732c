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
#: Files defining the entities the file references, not onwards (REFERENCES without
#: what those reference in turn).
DIRECT = "direct"
#: Files on a cycle of references through the file (each reached from it, onwards, and
#: reaching it back): its strongly connected component, usually none.
CYCLES = "cycles"
#: Files whose references name the file's entity (the other side of a link).
LINKS = "links"
#: Services that depend on a service the file references, directly or through others
#: (the blast radius): a walk from those services in name order that stops once
#: DEPENDENTS_ENOUGH of them are found (each found one with the ones linking it to the
#: file's), or all of them when the walk meets a name two files define. A rule that must
#: count more than DEPENDENTS_ENOUGH dependents needs EVERYTHING.
DEPENDENTS = "dependents"
DEPENDENTS_ENOUGH = 10
#: Changes and incidents referencing a service the file references (the other changes
#: and incidents on the same services), and the incidents referencing those changes
#: (as their cause).
SIBLINGS = "siblings"
#: Services directly related to a service the file references (one depends on the other,
#: either way) and the changes referencing them.
NEIGHBOURS = "neighbours"
#: For each team listing the file's requester (a change's ``spec.requester``) as a
#: member: the services referencing the team (its owner or support), and their
#: SIBLINGS (the team's change history).
OWNED = "owned"
#: Every file of the kinds that are few (all but services, changes, incidents, problems).
SMALL_KINDS = "small-kinds"
#: The whole repository (a rule without ``NEEDS`` is taken to need it).
EVERYTHING = "everything"

#: Every part this version knows (lint/scope.py); a rule naming another needs EVERYTHING.
PARTS = frozenset(
    {SAME_NAME, REFERENCES, DIRECT, CYCLES, LINKS, SMALL_KINDS, DEPENDENTS, SIBLINGS}
    | {NEIGHBOURS, OWNED, EVERYTHING}
)

#: In a rule's ``READS`` (kind -> the fields of *other* files of that kind it reads, as
#: dotted YAML paths such as ``spec.tier``): every field. A kind not listed is not read
#: beyond its files' kind and name; a rule without ``READS`` reads every field of every
#: file (lint/incremental.py). A rule may narrow that per part in ``READS_VIA`` (part ->
#: kind -> fields read of the files that part brings; a part not listed reads ``READS``):
#: a cached full run after an edit then re-judges only the files whose diagnostics can
#: see the changed fields.
ALL = frozenset({"*"})
