-- One row per catalog item: its department and the date it left the catalog in force
-- (retired_on, null while in force). The catalog carries no status (docs/coverage.md,
-- "Items in force"), its inspection checklists do (事项状态 01 在用, 02 取消, 03 暂停, 99 其他):
-- an item is retired or suspended once every checklist it has is in one of the statuses of
-- var coverage_periodic.retired_statuses, from the latest published_date among them. An
-- item without a checklist, or with one still in force, stays in force.
--
-- When this build leaves the checklists out (never delivered, or held by the quality gate),
-- their published mart is read as it stands, and with none every item is in force
-- (macros/unbuilt.sql): coverage and the collection indicators of a province that delivers
-- only the catalog and its actions are still built.
{%- set retired = var('coverage_periodic')['retired_statuses'] %}
{%- set checklist_columns = [
    ('item_code', 'string'), ('checklist_code', 'string'), ('status', 'string'),
    ('published_date', 'date'),
] %}

with checklists as (
    select
        published.item_code,
        published.checklist_code,
        -- every check point row of a retired checklist carries the status
        bool_and(published.status in ('{{ retired | join("', '") }}')) as is_retired,
        max(published.published_date) as published_date
    from {{ mart_or_published('inspection_checklists', checklist_columns) }} as published
    group by published.item_code, published.checklist_code
),

per_item as (
    select
        item_code,
        count(*) as checklists,
        count_if(is_retired) as checklists_retired,
        max(published_date) as last_published_date
    from checklists
    group by item_code
)

select
    catalog_items.item_code,
    catalog_items.department_code,
    catalog_items.department_name,
    coalesce(per_item.checklists, 0) as checklists,
    coalesce(per_item.checklists_retired, 0) as checklists_retired,
    case
        when per_item.checklists > 0 and per_item.checklists_retired = per_item.checklists
            then per_item.last_published_date
    end as retired_on
from {{ ref('supervision_items') }} as catalog_items
left join per_item
    on catalog_items.item_code = per_item.item_code
