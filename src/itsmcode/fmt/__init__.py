"""``itsm fmt``: one canonical layout per kind, comments and meaning kept."""
