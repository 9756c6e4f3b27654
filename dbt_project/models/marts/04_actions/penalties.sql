-- gold.penalties: administrative penalties (行政处罚), one row per action_id, each with the
-- inspection it followed: the national 检查行为编号 (inspection_action_id) the department
-- delivered, which silver requires of every penalty and checks against silver's inspections,
-- and that inspection's date from gold.inspections. Penalties published on the credit
-- platform (gold.credit_events) name their action_id.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='action_id',
    on_schema_change='append_new_columns',
) }}

with penalties as (
    select *
    from {{ ref('supervision_actions') }}
    where
        action_type = 'penalty'
        and {{ newer_silver_rows() }}
),

inspections as (
    select
        action_id,
        action_date
    from {{ ref('inspections') }}
)

select
    p.*,
    i.action_date as inspection_date
from penalties as p
left join inspections as i
    on p.inspection_action_id = i.action_id
