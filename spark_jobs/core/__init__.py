"""What every stage stands on: settings, the Spark session, the catalog, storage, Delta, ops log."""
