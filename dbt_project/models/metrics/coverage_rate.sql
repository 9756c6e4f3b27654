-- gold.coverage_rate: supervision-action data coverage (监管行为数据覆盖率) per department and
-- run date. coverage_rate = catalog items in force with at least one action from 1 January to
-- the run date (before the item's retirement) / the department's catalog items in force in
-- that period; the two targets are project vars (docs/coverage.md).
--
-- Incremental MERGE on (run_date, department_code): a run adds or replaces the run date's rows
-- and leaves every other date's rows alone (history). unique_key is required: a merge without
-- it compiles to `ON FALSE` and would duplicate every row on a re-run (docs/pitfalls.md).
-- The post-hook deletes the run date's rows of a department the catalog no longer has (the
-- MERGE only updates and inserts; Delta's DELETE takes no subquery, hence a second MERGE with
-- `not matched by source`), so a re-run leaves exactly the date's current rows.
-- The table is found by name in every process (register_lake_tables), so a new process merges
-- into it instead of rebuilding it empty.
{{
    config(
        unique_key=['run_date', 'department_code'],
        on_schema_change='append_new_columns',
        post_hook=[
            "merge into {{ this }} as target"
            ~ " using (select distinct department_code from {{ ref('supervision_items') }})"
            ~ " as catalog on target.department_code = catalog.department_code"
            ~ " when not matched by source and target.run_date = {{ run_date() }} then delete"
        ],
    )
}}

-- the department's year to date in gold.coverage_items: the rows coverage_periodic counts,
-- so the two agree and the trail lists these items
with items as (
    select * from {{ ref('coverage_items') }}
    where subject_type = 'department' and period_grain = 'year_to_date'
),

per_department as (
    select
        subject_code as department_code,
        period_start,
        period_end,
        -- one name per department in the catalog; min() keeps a re-run deterministic if not
        min(subject_name) as department_name,
        count_if(in_force) as items_total,
        count_if(not in_force) as items_retired,
        count_if(is_covered) as items_covered
    from items
    group by subject_code, period_start, period_end
),

rated as (
    select
        department_code,
        department_name,
        period_start,
        period_end,
        items_total,
        items_retired,
        items_covered,
        -- rounded half up to 4 places before the target comparison; null with no item in force
        {{ metric_rate('items_covered', 'items_total', 7, 4) }} as coverage_rate
    from per_department
)

select
    period_end as run_date,
    department_code,
    department_name,
    period_start,
    period_end,
    items_total,
    items_covered,
    coverage_rate,
    coalesce(coverage_rate >= {{ var('coverage_target_80') }}, false) as meets_80_target,
    coalesce(coverage_rate >= {{ var('coverage_target_100') }}, false) as meets_100_target,
    items_retired
from rated
