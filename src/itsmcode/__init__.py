"""itsmcode: IT Service Management as code.

The service catalog, SLAs, calendars, change requests and approval policy of an
organisation live as YAML files in a git repository; the ``itsm`` command lints them,
diffs them between git refs, evaluates change approval and reads the audit trail.
"""

from __future__ import annotations

__version__ = "0.1.0"
API_VERSION = "itsmcode/v1"
