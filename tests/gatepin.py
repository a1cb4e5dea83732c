"""A pinned itsmcode source for ``itsm init`` in tests: the flags and the values."""

from __future__ import annotations

from itsmcode.workflows.pin import GateSource

#: A source and commit as a user would give them (a made-up commit).
GATE = GateSource(
    "https://github.com/example-org/itsmcode", "0123456789abcdef0123456789abcdef01234567"
)
PIN = ["--gate-source", GATE.url, "--gate-ref", GATE.ref]
