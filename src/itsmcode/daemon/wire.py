"""Messages between the lint client and server: a JSON header, then raw byte blobs.

Each message is the header's length (4 bytes, big-endian), the header (a JSON object
that lists the blobs' lengths under ``"blobs"``), then the blobs. Text that is not
valid UTF-8 (file names, environment values) crosses as JSON's ``\\udcxx`` escapes
and arrives exactly as it left; output crosses as the bytes to be written.
"""

from __future__ import annotations

import json
import socket
import struct

# No ``typing`` import: the client runs these on every commit, and it costs milliseconds.

#: Generous for arguments and environment, small enough that a garbled length cannot
#: make either side allocate without bound.
MAX_HEADER = 1 << 24
MAX_BLOB = 1 << 30


class WireError(Exception):
    """The other side sent something that is not a message (or went away)."""


def send(connection: socket.socket, header: dict[str, object], *blobs: bytes) -> None:
    body = json.dumps({**header, "blobs": [len(b) for b in blobs]}).encode("ascii")
    connection.sendall(struct.pack(">I", len(body)) + body + b"".join(blobs))


def receive(connection: socket.socket) -> tuple[dict[str, object], list[bytes]]:
    (size,) = struct.unpack(">I", _exactly(connection, 4))
    if size > MAX_HEADER:
        raise WireError("header too large")
    try:
        header = json.loads(_exactly(connection, size))
    except ValueError as exc:
        raise WireError(f"unreadable header: {exc}") from None
    sizes = header.get("blobs") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(
        isinstance(n, int) and 0 <= n <= MAX_BLOB for n in sizes
    ):
        raise WireError("header without blob sizes")
    return header, [_exactly(connection, n) for n in sizes]


def _exactly(connection: socket.socket, size: int) -> bytes:
    chunks: list[bytes] = []
    left = size
    while left:
        chunk = connection.recv(min(left, 1 << 20))
        if not chunk:
            raise WireError("connection closed mid-message")
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def exchange(
    path: str, header: dict[str, object], connect_timeout: float, answer_timeout: float
) -> tuple[dict[str, object], list[bytes]] | None:
    """Send one request to the socket at ``path`` and take its answer; None when nothing
    answers whole (no server, a refused or broken connection, a garbled reply)."""
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
            connection.settimeout(connect_timeout)
            connection.connect(path)
            connection.settimeout(answer_timeout)
            send(connection, header)
            return receive(connection)
    except (OSError, WireError):
        return None
