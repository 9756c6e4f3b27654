"""Landing zone → bronze: readers per delivery format, the bronze writer, the ingest task."""
