-- gold.evaluation_scorecard: the supervision-effectiveness scorecard (监管效能评估) per run date,
-- period (as coverage_periodic), scope (department or region) and subject: the score out of
-- 100 and its grade (var evaluation_scorecard, OUR ASSUMPTION; docs/evaluation.md).
-- score = sum of the points of the scored indicators x 100 / the sum of their weights
-- (an indicator without a value is left out and the others are scaled up to 100), rounded
-- half up to 2 decimals before the grade bands are compared. The values behind every score
-- are in gold.evaluation_indicators.
{{
    config(
        unique_key=['run_date', 'period_grain', 'period_start', 'subject_type', 'subject_code'],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

with indicators as (
    select * from {{ ref('evaluation_indicators') }}
    where run_date = {{ run_date() }}
),

summed as (
    select
        period_grain,
        period_start,
        period_end,
        subject_type,
        subject_code,
        min(subject_name) as subject_name,
        min(division_level) as division_level,
        count_if(scored) as indicators_scored,
        sum(case when scored then weight else 0 end) as weight_scored,
        sum(points) as points
    from indicators
    group by period_grain, period_start, period_end, subject_type, subject_code
),

scored as (
    select
        *,
        cast(points * 100 / nullif(weight_scored, 0) as decimal(5, 2)) as score
    from summed
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
    indicators_scored,
    weight_scored,
    points,
    score,
    {{ scorecard_grade('score') }} as grade,
    {{ scorecard_grade('score', 'name') }} as grade_name,
    '{{ invocation_id | default("") }}' as _dbt_invocation_id
from scored
