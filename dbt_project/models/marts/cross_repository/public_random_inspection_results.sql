-- gold.public_random_inspection_results: the published results of double-random inspections
-- (双随机、一公开): who was inspected, under which item, by whom, and the result. No
-- personal data: no contacts, no officers, no free-text content.
select
    action_id,
    action_name,
    item_code,
    main_item_name,
    entity_uscc,
    entity_name,
    division_code,
    department_code,
    department_name,
    action_date,
    result_code
from {{ ref('inspections') }}
where action_type = 'random_inspection'
