-- gold.supervision_items: the supervision item catalog (docs/layers.md, "gold").
select
    item_code,
    department_code,
    department_name,
    main_item_name,
    sub_item_name,
    object_type,
    object_type_name,
    item_level
from {{ ref('stg_supervision_items') }}
