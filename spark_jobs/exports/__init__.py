"""Gold → files for the national system (datasets plus a manifest, published atomically)."""
