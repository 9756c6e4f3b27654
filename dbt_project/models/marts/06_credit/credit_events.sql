-- gold.credit_events: the credit records of every entity (信用信息) in one model, one row per
-- event_id ('<kind>:<record_id>'): published administrative penalties (行政处罚信息), the
-- abnormal-operation list (经营异常名录), serious violations (严重违法失信名单) and red/black
-- lists (红黑名单), keyed to the entity by USCC. Legal representatives stay in silver.
-- Incremental on _silver_at per kind, MERGE on event_id.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='event_id',
    on_schema_change='append_new_columns',
) }}

with penalty as (
    select
        concat('penalty:', record_id) as event_id,
        'penalty' as event_kind,
        record_id,
        party_uscc as uscc,
        party_name as entity_name,
        decision_date as event_date,
        public_end_date as end_date,
        case public_status when '0' then 'in_force' when '1' then 'withdrawn' when '2' then 'deleted' end as event_status,
        concat_ws(' ', decision_no, case_name) as event_detail,
        authority,
        department_code,
        division_code,
        fine,
        action_id,
        delivery_date,
        _silver_at
    from {{ ref('stg_credit_penalties') }}
    where {{ newer_silver_rows(part="event_kind = 'penalty'") }}
),

abnormal as (
    select
        concat('abnormal_operation:', record_id) as event_id,
        'abnormal_operation' as event_kind,
        record_id,
        uscc,
        entity_name,
        list_date as event_date,
        remove_date as end_date,
        case list_status when '1' then 'in_force' else 'removed' end as event_status,
        concat_ws(' ', list_reason, remove_reason) as event_detail,
        list_authority as authority,
        cast(null as string) as department_code,
        division_code,
        cast(null as decimal(18, 2)) as fine,
        cast(null as string) as action_id,
        delivery_date,
        _silver_at
    from {{ ref('stg_credit_abnormal_operations') }}
    where {{ newer_silver_rows(part="event_kind = 'abnormal_operation'") }}
),

serious as (
    select
        concat('serious_violation:', record_id) as event_id,
        'serious_violation' as event_kind,
        record_id,
        uscc,
        entity_name,
        list_date as event_date,
        remove_date as end_date,
        case list_status when '1' then 'in_force' else 'removed' end as event_status,
        concat_ws(' ', decision_no, list_reason) as event_detail,
        list_authority as authority,
        cast(null as string) as department_code,
        division_code,
        cast(null as decimal(18, 2)) as fine,
        cast(null as string) as action_id,
        delivery_date,
        _silver_at
    from {{ ref('stg_credit_serious_violations') }}
    where {{ newer_silver_rows(part="event_kind = 'serious_violation'") }}
),

red_black as (
    select
        concat(list_type, '_list:', record_id) as event_id,
        concat(list_type, '_list') as event_kind,
        record_id,
        uscc,
        entity_name,
        list_date as event_date,
        valid_until as end_date,
        'in_force' as event_status,
        concat_ws(' ', list_name, basis) as event_detail,
        issuing_department as authority,
        issuing_department_code as department_code,
        division_code,
        cast(null as decimal(18, 2)) as fine,
        cast(null as string) as action_id,
        delivery_date,
        _silver_at
    from {{ ref('stg_credit_red_black_lists') }}
    where {{ newer_silver_rows(part="event_kind in ('red_list', 'black_list')") }}
)

select * from penalty
union all
select * from abnormal
union all
select * from serious
union all
select * from red_black
