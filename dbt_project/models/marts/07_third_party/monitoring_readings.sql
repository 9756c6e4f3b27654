-- gold.monitoring_readings: online monitoring readings (在线监测数据) keyed to the entity (by
-- entity_id and enterprise USCC), one row per reading_id; over_limit = '1' marks a reading
-- above its limit. Incremental: readings arrive every day and never change.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='reading_id',
    on_schema_change='append_new_columns',
) }}

select
    reading_id,
    point_code,
    point_name,
    entity_id,
    enterprise_uscc,
    enterprise_name,
    indicator_code,
    value,
    unit,
    limit_value,
    over_limit = '1' as over_limit,
    measured_at,
    division_code,
    source_system,
    delivery_date,
    _silver_at
from {{ ref('stg_third_party_readings') }}
where {{ newer_silver_rows() }}
