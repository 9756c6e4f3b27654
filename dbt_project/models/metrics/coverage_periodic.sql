-- gold.coverage_periodic: supervision-action data coverage (监管行为数据覆盖率) per period
-- (every month of the run date's year so far, and the year to date) for each department
-- (scope 'department': the catalog items it owns) and each region (scope 'region': the items
-- agencies of the region claimed with a checklist, county -> city -> province). Only items in
-- force in the period count: an item retired or suspended on date R leaves the denominator of
-- every period starting on or after R, and only its actions before R count (docs/coverage.md).
-- Rates are rounded half up to 4 decimals before the target comparison.
-- Incremental MERGE on the key below; the post-hook drops the run date's rows of subjects
-- that are gone (macros/metrics.sql), so a re-run leaves exactly the date's rows.
{{
    config(
        unique_key=['run_date', 'period_grain', 'period_start', 'subject_type', 'subject_code'],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

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
        item_code,
        division_code,
        action_date
    from {{ ref('supervision_actions') }}
    where action_date between trunc({{ run_date() }}, 'YEAR') and {{ run_date() }}
),

-- each action with the subjects it counts for: the department owning its item in the catalog,
-- and every region its division rolls up into
acted as (
    select
        'department' as subject_type,
        items.department_code as subject_code,
        actions.item_code,
        actions.action_date
    from actions
    inner join items on actions.item_code = items.item_code
    union all
    select
        'region' as subject_type,
        explode({{ division_rollup('division_code') }}) as subject_code,
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
    select distinct
        item_periods.period_grain,
        item_periods.period_start,
        item_periods.subject_type,
        item_periods.subject_code,
        item_periods.item_code
    from item_periods
    inner join acted
        on
            item_periods.subject_type = acted.subject_type
            and item_periods.subject_code = acted.subject_code
            and item_periods.item_code = acted.item_code
            and acted.action_date between item_periods.period_start and item_periods.counts_until
    where item_periods.in_force
),

counted as (
    select
        item_periods.period_grain,
        item_periods.period_start,
        item_periods.period_end,
        item_periods.subject_type,
        item_periods.subject_code,
        min(item_periods.subject_name) as subject_name,
        min(item_periods.division_level) as division_level,
        count_if(item_periods.in_force) as items_in_force,
        count_if(not item_periods.in_force) as items_retired,
        count(covered.item_code) as items_covered
    from item_periods
    left join covered
        on
            item_periods.period_grain = covered.period_grain
            and item_periods.period_start = covered.period_start
            and item_periods.subject_type = covered.subject_type
            and item_periods.subject_code = covered.subject_code
            and item_periods.item_code = covered.item_code
    group by
        item_periods.period_grain,
        item_periods.period_start,
        item_periods.period_end,
        item_periods.subject_type,
        item_periods.subject_code
),

rated as (
    select
        *,
        {{ metric_rate('items_covered', 'items_in_force', 7, 4) }} as coverage_rate
    from counted
)

select
    {{ run_date() }} as run_date,
    period_grain,
    period_start,
    period_end,
    subject_type,
    subject_code,
    subject_name,
    division_level,
    items_in_force,
    items_retired,
    items_covered,
    coverage_rate,
    coverage_rate >= {{ var('coverage_target_80') }} as meets_80_target,
    coverage_rate >= {{ var('coverage_target_100') }} as meets_100_target,
    '{{ invocation_id | default("") }}' as _dbt_invocation_id
from rated
