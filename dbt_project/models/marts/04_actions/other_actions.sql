-- gold.other_actions: Other administrative actions (其他行政行为), one row per action_id: the national
-- data set of that kind, cut from gold.supervision_actions. Incremental like the mart it reads.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='action_id',
    on_schema_change='append_new_columns',
) }}

{{ actions_of_type(['other']) }}
