"""Calendar time: change freezes from one-off and recurring (RFC 5545) calendar entries."""
