-- gold.complaints: 12345 work orders, 12315 complaints and reports, and nationally dispatched
-- complaints (投诉举报) in one model, one row per complaint_id ('<channel>:<id>'), with a
-- common status lifecycle (received -> dispatched -> handling -> closed, or rejected), the
-- deadline, working days to close and whether it is overdue. Free text arrives masked from
-- silver; the callers' names and phones never reach gold (masked and token forms only).
-- Incremental on _silver_at, MERGE on complaint_id.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='complaint_id',
    on_schema_change='append_new_columns',
) }}

with hotline as (
    select
        concat('12345:', work_order_id) as complaint_id,
        '12345' as channel,
        work_order_id as source_id,
        appeal_type as complaint_kind,
        appeal_type_name as complaint_kind_name,
        received_at,
        title as subject,
        target_uscc as entity_uscc,
        target_name as entity_name,
        division_code,
        handling_department_code as department_code,
        handling_unit,
        status as source_status,
        status_name as source_status_name,
        case status
            when 'accepted' then 'received'
            when 'dispatched' then 'dispatched'
            when 'closed' then 'closed'
            else 'handling'
        end as lifecycle_status,
        deadline,
        to_date(closed_at) as closed_date,
        caller_phone_token as complainant_token,
        delivery_date,
        _silver_at
    from {{ ref('stg_hotline_12345') }}
    where {{ newer_silver_rows(part="channel = '12345'") }}
),

consumer as (
    select
        concat('12315:', reg_no) as complaint_id,
        '12315' as channel,
        reg_no as source_id,
        reg_type as complaint_kind,
        reg_type_name as complaint_kind_name,
        received_at,
        coalesce(complaint_service_name, tip_service_name) as subject,
        coalesce(complaint_object_cert_code, tip_enterprise_credit_code) as entity_uscc,
        coalesce(complaint_object, tip_object) as entity_name,
        cast(null as string) as division_code,
        handling_department_code as department_code,
        handling_unit,
        status as source_status,
        cast(null as string) as source_status_name,
        case status
            when '01' then 'received'
            when '02' then 'handling'
            when '03' then 'closed'
            when '04' then 'closed'
            when '05' then 'rejected'
        end as lifecycle_status,
        cast(null as date) as deadline,
        closed_date,
        complainant_phone_token as complainant_token,
        delivery_date,
        _silver_at
    from {{ ref('stg_complaints_12315') }}
    where {{ newer_silver_rows(part="channel = '12315'") }}
),

dispatched as (
    select
        concat('national:', task_no) as complaint_id,
        'national' as channel,
        task_no as source_id,
        problem_type as complaint_kind,
        cast(null as string) as complaint_kind_name,
        dispatched_at as received_at,
        task_name as subject,
        case when credentials_type = '001' then credentials_value end as entity_uscc,
        object_name as entity_name,
        division_code,
        department_code,
        initiating_unit as handling_unit,
        status as source_status,
        status_name as source_status_name,
        case status
            when 'dispatched' then 'dispatched'
            when 'claimed' then 'handling'
            when 'fed_back' then 'closed'
            when 'finished' then 'closed'
        end as lifecycle_status,
        deadline,
        feedback_date as closed_date,
        cast(null as string) as complainant_token,
        delivery_date,
        _silver_at
    from {{ ref('stg_national_dispatched_complaints') }}
    where {{ newer_silver_rows(part="channel = 'national'") }}
),

all_complaints as (
    select * from hotline
    union all
    select * from consumer
    union all
    select * from dispatched
)

select
    complaint_id,
    channel,
    source_id,
    complaint_kind,
    complaint_kind_name,
    received_at,
    to_date(received_at) as received_date,
    subject,
    entity_uscc,
    entity_name,
    division_code,
    department_code,
    handling_unit,
    source_status,
    source_status_name,
    lifecycle_status,
    deadline,
    closed_date,
    {{ working_days('to_date(received_at)', 'closed_date') }} as working_days_to_close,
    coalesce(
        closed_date > deadline or (closed_date is null and deadline < delivery_date), false
    ) as overdue,
    complainant_token,
    delivery_date,
    _silver_at
from all_complaints
