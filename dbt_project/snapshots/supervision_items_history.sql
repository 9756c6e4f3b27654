{#-
  gold.supervision_items_history: the catalog with its history (SCD type 2). One row per
  version of an item: a new version whenever a delivery changes its department, names, object
  type or level; dbt_valid_from / dbt_valid_to bound each version (dbt_valid_to null: the
  current one). Items never disappear from silver (deliveries MERGE), so a version closes
  only when a later one replaces it.
-#}
{% snapshot supervision_items_history %}

{{ config(
    unique_key='item_code',
    strategy='check',
    check_cols=[
        'department_code', 'department_name', 'main_item_name', 'sub_item_name',
        'object_type', 'item_level',
    ],
) }}

select
    item_code,
    department_code,
    department_name,
    main_item_name,
    sub_item_name,
    object_type,
    object_type_name,
    item_level,
    delivery_date
from {{ source('silver', 'supervision_items') }}

{% endsnapshot %}
