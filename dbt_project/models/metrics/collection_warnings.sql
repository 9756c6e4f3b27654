-- gold.collection_warnings: the collection indicators whose value misses a configured
-- threshold (数据归集预警), one row per run date, period, department and indicator, with the
-- warning level (the most severe one missed) and its threshold. A cut of
-- gold.collection_indicators; the post-hook drops the run date's warnings a re-run no longer
-- raises.
{{
    config(
        unique_key=['run_date', 'period_grain', 'period_start', 'department_code', 'indicator'],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

select
    run_date,
    period_grain,
    period_start,
    period_end,
    department_code,
    department_name,
    indicator,
    warning_level,
    indicator_value,
    warning_threshold,
    numerator,
    denominator,
    '{{ invocation_id | default("") }}' as _dbt_invocation_id
from {{ ref('collection_indicators') }}
where run_date = {{ run_date() }} and warning_level is not null
