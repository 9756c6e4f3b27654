"""Silver → gold: dbt runs in-process on the lakehouse session (dbt_project/ holds the models)."""
