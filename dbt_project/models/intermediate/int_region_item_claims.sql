-- One row per catalog item and region that claimed it (认领): a region claims an item when an
-- agency in it (the checklist's division_code, rolled up county -> city -> province,
-- GB/T 2260) published an inspection checklist for the item. The claim is retired from the
-- latest published_date once every checklist of the item in the region has a status of var
-- coverage_periodic.retired_statuses (as int_item_retirements does for the whole catalog).
-- Without the checklists in this build, their published mart (macros/unbuilt.sql); with none,
-- no region has claimed anything.
{%- set retired = var('coverage_periodic')['retired_statuses'] %}
{%- set checklist_columns = [
    ('item_code', 'string'), ('checklist_code', 'string'), ('division_code', 'string'),
    ('status', 'string'), ('published_date', 'date'),
] %}

with checklists as (
    select
        published.item_code,
        published.checklist_code,
        min(published.division_code) as division_code,
        bool_and(published.status in ('{{ retired | join("', '") }}')) as is_retired,
        max(published.published_date) as published_date
    from {{ mart_or_published('inspection_checklists', checklist_columns) }} as published
    group by published.item_code, published.checklist_code
),

rolled_up as (
    select
        item_code,
        is_retired,
        published_date,
        explode({{ division_rollup('division_code') }}) as region_code
    from checklists
    where division_code is not null
)

select
    item_code,
    region_code as division_code,
    {{ division_level('region_code') }} as division_level,
    count(*) as checklists,
    count_if(is_retired) as checklists_retired,
    case when bool_and(is_retired) then max(published_date) end as retired_on
from rolled_up
group by item_code, region_code
