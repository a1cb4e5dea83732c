"""Suite-wide settings: the lint cache lives in a folder of this run, never in ~/.cache."""

from __future__ import annotations

import os
import tempfile


def pytest_configure() -> None:
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="itsm-test-cache-")
