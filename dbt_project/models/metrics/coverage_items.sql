-- gold.coverage_items: the catalog items behind every coverage_periodic value (覆盖率明细), one
-- row per period of the run date, subject (department or region, as coverage_periodic) and
-- item: whether the item is in force in the period, whether an action covers it, and the
-- first action that does; and, for never_acted_share, whether it is in force on the period's
-- last day and its first action ever. coverage_periodic and collection_indicators count
-- exactly these rows, so a coverage or never-acted figure and its trail
-- (`python -m spark_jobs.metrics trail`) cannot disagree.
-- Rebuilt in full at every run: it describes the run date; an earlier run's rows are read
-- from this table as of that run (Delta time travel), as for indicator_events.
{{ config(materialized='table') }}

with periods as (
    {{ metric_periods() }}
),

items as (
    select * from {{ ref('int_item_retirements') }}
),

subject_items as (
    select
        'department' as subject_type,
        department_code as subject_code,
        department_name as subject_name,
        cast(null as string) as division_level,
        item_code,
        retired_on
    from items
    union all
    select
        'region' as subject_type,
        division_code as subject_code,
        cast(null as string) as subject_name,
        division_level,
        item_code,
        retired_on
    from {{ ref('int_region_item_claims') }}
),

actions as (
    select
        action_id,
        item_code,
        division_code,
        action_date
    from {{ ref('supervision_actions') }}
    where action_date between trunc({{ run_date() }}, 'YEAR') and {{ run_date() }}
),

-- the first action ever on each item (any date): an item never acted on by a period's end
-- (collection indicator never_acted_share) has none on or before that day
first_actions as (
    select
        item_code,
        min(action_date) as first_action_date
    from {{ ref('supervision_actions') }}
    group by item_code
),

-- each action with the subjects it counts for: the department owning its item in the catalog,
-- and every region its division rolls up into
acted as (
    select
        'department' as subject_type,
        items.department_code as subject_code,
        actions.action_id,
        actions.item_code,
        actions.action_date
    from actions
    inner join items on actions.item_code = items.item_code
    union all
    select
        'region' as subject_type,
        explode({{ division_rollup('division_code') }}) as subject_code,
        action_id,
        item_code,
        action_date
    from actions
),

item_periods as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        subject_items.subject_type,
        subject_items.subject_code,
        subject_items.subject_name,
        subject_items.division_level,
        subject_items.item_code,
        subject_items.retired_on,
        -- in force on at least the first day of the period
        coalesce(subject_items.retired_on > periods.period_start, true) as in_force,
        -- the last day the item counts: the period's end or the day before its retirement
        least(periods.period_end, date_sub(subject_items.retired_on, 1)) as counts_until
    from periods
    cross join subject_items
),

covered as (
    select
        item_periods.period_grain,
        item_periods.period_start,
        item_periods.subject_type,
        item_periods.subject_code,
        item_periods.item_code,
        count(*) as actions_counted,
        -- the earliest action that covers the item (by date, then id): the trail's evidence
        min_by(acted.action_id, struct(acted.action_date, acted.action_id)) as first_action_id
    from item_periods
    inner join acted
        on
            item_periods.subject_type = acted.subject_type
            and item_periods.subject_code = acted.subject_code
            and item_periods.item_code = acted.item_code
            and acted.action_date between item_periods.period_start and item_periods.counts_until
    where item_periods.in_force
    group by
        item_periods.period_grain,
        item_periods.period_start,
        item_periods.subject_type,
        item_periods.subject_code,
        item_periods.item_code
)

select
    {{ run_date() }} as run_date,
    item_periods.period_grain,
    item_periods.period_start,
    item_periods.period_end,
    item_periods.subject_type,
    item_periods.subject_code,
    item_periods.subject_name,
    item_periods.division_level,
    item_periods.item_code,
    item_periods.retired_on,
    item_periods.in_force,
    covered.item_code is not null as is_covered,
    coalesce(covered.actions_counted, 0) as actions_counted,
    covered.first_action_id,
    -- never_acted_share counts the items in force on the period's last day
    coalesce(item_periods.period_end < item_periods.retired_on, true) as in_force_at_end,
    first_actions.first_action_date
from item_periods
left join first_actions on item_periods.item_code = first_actions.item_code
left join covered
    on
        item_periods.period_grain = covered.period_grain
        and item_periods.period_start = covered.period_start
        and item_periods.subject_type = covered.subject_type
        and item_periods.subject_code = covered.subject_code
        and item_periods.item_code = covered.item_code
