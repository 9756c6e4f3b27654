"""What every DAG file shares: defaults, the Spark pool, the Assets of the lake's tables, XCom."""
