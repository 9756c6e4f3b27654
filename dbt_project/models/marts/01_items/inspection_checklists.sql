-- gold.inspection_checklists: the check points of every checklist (检查实施清单), each linked to
-- the catalog item it implements. Left join: a checklist whose item left the catalog stays and
-- fails the relationships test instead of disappearing.
with checklists as (
    select * from {{ ref('stg_inspection_checklists') }}
),

items as (
    select
        item_code,
        main_item_name,
        sub_item_name,
        department_code as item_department_code
    from {{ ref('stg_supervision_items') }}
)

select
    c.checklist_code,
    c.check_point_no,
    c.checklist_name,
    c.item_code,
    i.main_item_name,
    i.sub_item_name,
    i.item_department_code,
    c.agency_name,
    c.agency_uscc,
    c.level,
    c.division_code,
    c.check_point,
    c.check_method,
    c.check_type,
    c.legal_basis,
    c.penalty_basis,
    c.object_type,
    c.status,
    c.published_date,
    c.delivery_date
from checklists as c
left join items as i
    on c.item_code = i.item_code
