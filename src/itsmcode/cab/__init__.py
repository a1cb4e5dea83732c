"""The change advisory board: its agenda and its minutes (docs/cab.md)."""
