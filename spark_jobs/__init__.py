"""The lakehouse's importable, unit-tested work: every DAG task calls a function here."""
