-- gold.coverage_periodic: supervision-action data coverage (监管行为数据覆盖率) per period
-- (every month of the run date's year so far, and the year to date) for each department
-- (scope 'department': the catalog items it owns) and each region (scope 'region': the items
-- agencies of the region claimed with a checklist, county -> city -> province). Only items in
-- force in the period count: an item retired or suspended on date R leaves the denominator of
-- every period starting on or after R, and only its actions before R count (docs/coverage.md).
-- Rates are rounded half up to 4 decimals before the target comparison. The items behind each
-- value are gold.coverage_items (one row per period, subject and item), counted here.
-- Incremental MERGE on the key below; the post-hook drops the run date's rows of subjects
-- that are gone (macros/metrics.sql), so a re-run leaves exactly the date's rows.
{{
    config(
        unique_key=['run_date', 'period_grain', 'period_start', 'subject_type', 'subject_code'],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

with items as (
    select * from {{ ref('coverage_items') }}
),

counted as (
    select
        period_grain,
        period_start,
        period_end,
        subject_type,
        subject_code,
        min(subject_name) as subject_name,
        min(division_level) as division_level,
        count_if(in_force) as items_in_force,
        count_if(not in_force) as items_retired,
        count_if(is_covered) as items_covered
    from items
    group by period_grain, period_start, period_end, subject_type, subject_code
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
