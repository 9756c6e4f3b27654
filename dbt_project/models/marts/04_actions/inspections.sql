-- gold.inspections: Inspections (行政检查), including double-random (双随机), mobile (移动) and off-site
-- (非现场) checks, one row per action_id: the national data set of that kind, cut from
-- gold.supervision_actions. Incremental like the mart it reads.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='action_id',
    on_schema_change='append_new_columns',
) }}

{{ actions_of_type(['inspection', 'random_inspection', 'mobile', 'off_site']) }}
