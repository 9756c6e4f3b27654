"""The quality gate on silver (Great Expectations) and the Data Docs quality officers read."""
