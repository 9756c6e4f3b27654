-- gold.penalties: administrative penalties (行政处罚), one row per action_id, each linked to
-- the inspection that led to it: the latest inspection of the same entity and catalog item on
-- or before the penalty date (inspection_action_id; null when there is none). The delivery
-- carries no explicit link, so the link is derived; penalties published on the credit
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
        entity_uscc,
        item_code,
        action_date
    from {{ ref('inspections') }}
),

candidates as (
    select
        p.action_id,
        i.action_id as inspection_action_id,
        i.action_date as inspection_date,
        row_number() over (
            partition by p.action_id order by i.action_date desc, i.action_id desc
        ) as nearest
    from penalties as p
    inner join inspections as i
        on
            p.entity_uscc = i.entity_uscc
            and p.item_code = i.item_code
            and p.action_date >= i.action_date
)

select
    p.*,
    c.inspection_action_id,
    c.inspection_date
from penalties as p
left join candidates as c
    on p.action_id = c.action_id and c.nearest = 1
