"""The indicators' lineage: from a value of gold.evaluation_indicators (or the timeliness of
gold.collection_indicators) to the rows it counted and their landing files and row numbers
(`trail`). The indicators themselves are dbt models (dbt_project/models/metrics/)."""
