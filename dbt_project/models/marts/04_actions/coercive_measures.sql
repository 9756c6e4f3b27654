-- gold.coercive_measures: Administrative coercive measures (行政强制), one row per action_id: the
-- national data set of that kind, cut from gold.supervision_actions. Incremental like the mart it
-- reads.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='action_id',
    on_schema_change='append_new_columns',
) }}

{{ actions_of_type(['coercion']) }}
