-- gold.collection_events: the rows behind the completeness and rejection rate of
-- gold.collection_indicators (归集指标明细), one row per measure and counted row, so that those
-- values can be traced to the landing file and row (`python -m spark_jobs.metrics trail
-- --collection`). collection_indicators counts exactly these rows.
--   completeness    one row per supervision action and configured field
--                   (var collection_indicators.completeness_fields): hit when filled
--   rejection_rate  one row per action accepted (hit false) and per delivered row silver
--                   rejected and still holds (hit true, its landing file and row), dated by
--                   its delivery date
-- Rebuilt in full at every run, as indicator_events.
{%- set fields = var('collection_indicators')['completeness_fields'] %}
{{ config(materialized='table') }}

with actions as (
    select * from {{ ref('supervision_actions') }}
),

-- one row per action and configured field (inline: the struct's fields become the columns
-- checked_field and is_filled)
completeness as (
    select
        action_id,
        action_date,
        department_code,
        inline(array(
            {%- for field in fields %}
                named_struct(
                    'checked_field', '{{ field }}',
                    'is_filled', nullif(trim(cast({{ field }} as string)), '') is not null
                ){{ "," if not loop.last }}
            {%- endfor %}
        ))
    from actions
),

quarantined as (
    {{ rejected_action_rows() }}
)

select
    'completeness' as measure,
    action_date as event_date,
    department_code,
    is_filled as hit,
    'supervision_actions' as source_table,
    action_id as source_key,
    checked_field,
    cast(null as string) as landing_file,
    cast(null as bigint) as landing_row
from completeness
union all
select
    'rejection_rate' as measure,
    delivery_date as event_date,
    department_code,
    false as hit,
    'supervision_actions' as source_table,
    action_id as source_key,
    cast(null as string) as checked_field,
    cast(null as string) as landing_file,
    cast(null as bigint) as landing_row
from actions
union all
select
    'rejection_rate' as measure,
    delivery_date as event_date,
    department_code,
    true as hit,
    'quarantine' as source_table,
    concat(_source_file, ':', _row_number) as source_key,
    cast(null as string) as checked_field,
    _source_file as landing_file,
    _row_number as landing_row
from quarantined
