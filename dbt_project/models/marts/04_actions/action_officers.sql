-- gold.action_officers: the officers of every action (one row per action and licence number),
-- with the officer's department and whether the licence was valid on the action date.
-- Left join: an action naming an officer missing from gold.enforcement_officers keeps its row
-- (officer_known = false) and shows in the relationships test (a warning: the officer
-- repository is delivered by other departments on other days).
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key=['action_id', 'license_no'],
    on_schema_change='append_new_columns',
) }}

with actions as (
    select
        action_id,
        action_date,
        department_code,
        officer_license_nos,
        _silver_at
    from {{ ref('supervision_actions') }}
    where {{ newer_silver_rows() }}
),

officers as (
    select
        license_no,
        department_code,
        unit_name,
        status,
        valid_until
    from {{ ref('enforcement_officers') }}
),

per_officer as (
    select
        action_id,
        action_date,
        department_code as action_department_code,
        explode(array_distinct(officer_license_nos)) as license_no,
        _silver_at
    from actions
)

select
    a.action_id,
    a.license_no,
    a.action_date,
    a.action_department_code,
    o.department_code as officer_department_code,
    o.unit_name as officer_unit_name,
    o.status as officer_status,
    o.license_no is not null as officer_known,
    coalesce(o.valid_until >= a.action_date, false) as licence_valid_on_action_date,
    a._silver_at
from per_officer as a
left join officers as o
    on a.license_no = o.license_no
