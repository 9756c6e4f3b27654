-- gold.entity_supervision_chain: the supervision chain of every entity (by USCC) in date
-- order: licences granted (许可) -> inspections (检查) -> penalties (处罚) -> credit records
-- (信用) -> complaints (投诉举报). One row per event; step_no numbers an entity's events.
with events as (
    select
        entity_uscc as uscc,
        granted_date as event_date,
        1 as step_order,
        'licence' as step,
        licence_no as event_id,
        licence_name as event_detail,
        department_code
    from {{ ref('stg_approvals') }}
    union all
    select
        entity_uscc as uscc,
        action_date as event_date,
        2 as step_order,
        'inspection' as step,
        action_id as event_id,
        action_name as event_detail,
        department_code
    from {{ ref('inspections') }}
    union all
    select
        entity_uscc as uscc,
        action_date as event_date,
        3 as step_order,
        'penalty' as step,
        action_id as event_id,
        action_name as event_detail,
        department_code
    from {{ ref('penalties') }}
    union all
    select
        uscc,
        event_date,
        4 as step_order,
        'credit' as step,
        event_id,
        event_kind as event_detail,
        department_code
    from {{ ref('credit_events') }}
    union all
    select
        entity_uscc as uscc,
        received_date as event_date,
        5 as step_order,
        'complaint' as step,
        complaint_id as event_id,
        complaint_kind as event_detail,
        department_code
    from {{ ref('complaints') }}
)

select
    uscc,
    row_number() over (
        partition by uscc order by event_date, step_order, event_id
    ) as step_no,
    event_date,
    step,
    event_id,
    event_detail,
    department_code
from events
where uscc is not null and event_date is not null
