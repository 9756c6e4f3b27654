-- gold.approval_supervision_linkage: approval -> supervision linkage (审批监管联动), one row
-- per licence: whether the supervising department claimed it (认领) and whether any
-- supervision action followed it (same entity and catalog item, on or after the grant date).
-- Unclaimed or unsupervised licences per department: group by department_code.
with licences as (
    select * from {{ ref('stg_approvals') }}
),

actions as (
    select
        entity_uscc,
        item_code,
        action_date,
        action_id
    from {{ ref('supervision_actions') }}
),

followed as (
    select
        l.licence_no,
        min(a.action_date) as first_action_date,
        count(a.action_id) as actions_after_grant
    from licences as l
    inner join actions as a
        on
            l.entity_uscc = a.entity_uscc
            and l.item_code = a.item_code
            and l.granted_date <= a.action_date
    group by l.licence_no
)

select
    l.licence_no,
    l.licence_name,
    l.approval_item,
    l.item_code,
    l.entity_uscc,
    l.entity_name,
    l.department_code,
    l.department_name,
    l.division_code,
    l.granted_date,
    l.valid_until,
    l.licence_status,
    l.claimed_by_department = 'yes' as claimed,
    l.claimed_date,
    l.claiming_department_code,
    f.first_action_date,
    coalesce(f.actions_after_grant, 0) as actions_after_grant,
    f.licence_no is not null as followed_by_supervision,
    l.delivery_date
from licences as l
left join followed as f
    on l.licence_no = f.licence_no
