"""Where the workflows install itsmcode from: a git repository at a full commit sha.

The gate's code must be fixed by configuration on the base branch, never by what the
pull request contains and never by whoever owns a name on a package index. So every
workflow installs ``itsmcode @ git+<source>@<commit>`` with both values in its
top-level ``env:`` (``ITSMCODE_SOURCE``, ``ITSMCODE_REF``): git checks out exactly that
commit, and changing either is an edit of ``.github/workflows/``, which the approval
policy's governance rule covers. docs/ci.md says how to choose and bump them.

``itsm init`` writes the pair (``--gate-source``/``--gate-ref``, or the commit the
running itsm was installed from, which pip records per PEP 610); the shipped templates
carry this project's own pin, and ``render`` replaces it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import metadata

SOURCE_ENV = "ITSMCODE_SOURCE"
REF_ENV = "ITSMCODE_REF"

#: An https URL of a git repository: no credentials (``@``), query or fragment, nothing
#: that needs quoting in YAML or in the shell.
_URL = re.compile(r"^https://[A-Za-z0-9.-]+(?::[0-9]{1,5})?(?:/[A-Za-z0-9._~-]+)+/?$")
#: A full commit id, SHA-1 or SHA-256: a branch or tag name could move under the gate.
_SHA = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
_ENV_LINE = r"^(?P<indent>[ ]+){name}: (?P<value>.*)$"


class PinError(ValueError):
    """A gate source or ref that cannot be pinned, with what to give instead."""


@dataclass(frozen=True)
class GateSource:
    """A git repository of itsmcode and the commit of it the workflows install."""

    url: str
    ref: str

    @classmethod
    def parse(cls, url: str, ref: str) -> GateSource:
        """Checked values, or PinError saying which one is wrong and why."""
        url = url.strip()
        ref = ref.strip().lower()
        if not _URL.match(url):
            raise PinError(
                f"invalid gate source '{url}': give the https URL of a git repository of "
                "itsmcode, e.g. https://github.com/itsmcode/itsmcode (no credentials, "
                "no '@', '?' or '#')"
            )
        if not _SHA.match(ref):
            raise PinError(
                f"invalid gate ref '{ref}': give a full 40-character commit sha "
                "(a branch or tag can move; `git rev-parse <tag>^{commit}` prints the sha)"
            )
        return cls(url, ref)

    @property
    def requirement(self) -> str:
        """What pip installs: PEP 508 direct reference to the pinned commit."""
        return f"itsmcode @ git+{self.url}@{self.ref}"


def read(text: str) -> GateSource | None:
    """The pin a workflow's text carries, or None when it installs no itsmcode."""
    url = _env_value(text, SOURCE_ENV)
    ref = _env_value(text, REF_ENV)
    if url is None or ref is None:
        return None
    return GateSource(url, ref)


def render(text: str, gate: GateSource) -> str:
    """``text`` with the values of its two env lines replaced by ``gate``'s.

    A workflow without them is returned unchanged (the review trigger installs nothing).
    """
    for name, value in ((SOURCE_ENV, gate.url), (REF_ENV, gate.ref)):
        line = f"{name}: {value}"

        def replace(match: re.Match[str], line: str = line) -> str:
            return match.group("indent") + line

        text = re.sub(_ENV_LINE.format(name=name), replace, text, flags=re.M)
    return text


def installed() -> GateSource | None:
    """The repository and commit the running itsmcode was installed from, if pip knows.

    pip writes ``direct_url.json`` (PEP 610) for ``pip install "itsmcode @ git+URL@SHA"``;
    an editable, local or index install has no commit to pin, and gives None.
    """
    try:
        text = metadata.distribution("itsmcode").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    if not text:
        return None
    try:
        data = json.loads(text)
        vcs = data.get("vcs_info") or {}
        if vcs.get("vcs") != "git":
            return None
        return GateSource.parse(str(data["url"]), str(vcs["commit_id"]))
    except (ValueError, KeyError, TypeError, AttributeError):
        # A record we cannot read is no pin: init then asks for the flags.
        return None


def _env_value(text: str, name: str) -> str | None:
    match = re.search(_ENV_LINE.format(name=name), text, re.M)
    return match.group("value").strip() if match else None
