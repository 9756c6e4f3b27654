-- Catalog items as gold publishes them: the business columns, no lineage columns.
select
    item_code,
    department_code,
    department_name,
    main_item_name,
    sub_item_name,
    object_type,
    object_type_name,
    item_level
from {{ source('silver', 'supervision_items') }}
