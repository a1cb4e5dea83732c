"""``itsm lint``: the engine (``engine``) and one module per rule (``rules/``)."""
