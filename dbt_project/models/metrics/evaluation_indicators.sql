-- gold.evaluation_indicators: the values behind every score of the supervision-effectiveness
-- scorecard (监管效能评估指标), one row per run date, period (as coverage_periodic), scope
-- (department or region), subject and indicator of var evaluation_scorecard (OUR ASSUMPTION:
-- weights summing to 100, the value scoring zero and the value scoring full points;
-- docs/evaluation.md). Each indicator's numerator and denominator, its value (rounded half up
-- to 4 decimals), the share of its points it earns (linear from zero_at to full_at, clamped to
-- 0..1) and its points. An indicator without a basis (denominator 0, or not attributable to
-- the scope) has no value and is not scored.
{{
    config(
        unique_key=[
            'run_date', 'period_grain', 'period_start', 'subject_type', 'subject_code', 'indicator',
        ],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

with periods as (
    {{ metric_periods() }}
),

coverage as (
    select
        period_grain,
        period_start,
        subject_type,
        subject_code,
        subject_name,
        items_in_force,
        items_covered
    from {{ ref('coverage_periodic') }}
    where run_date = {{ run_date() }}
),

-- (measure, event_date, department_code, division_code, counts as numerator): one row per
-- source row counted, as gold.indicator_events lists them with their keys (the trail)
events as (
    select
        measure,
        event_date,
        department_code,
        division_code,
        hit
    from {{ ref('indicator_events') }}
),

-- the subjects an event counts for: its department, and every region its division rolls up to
event_subjects as (
    select
        measure,
        event_date,
        hit,
        'department' as subject_type,
        department_code as subject_code
    from events
    where department_code is not null
    union all
    select
        measure,
        event_date,
        hit,
        'region' as subject_type,
        explode({{ division_rollup('division_code') }}) as subject_code
    from events
    where division_code is not null
),

counted as (
    select
        periods.period_grain,
        periods.period_start,
        event_subjects.subject_type,
        event_subjects.subject_code,
        event_subjects.measure,
        count_if(event_subjects.hit) as hits,
        count(*) as events
    from periods
    inner join event_subjects
        on event_subjects.event_date between periods.period_start and periods.period_end
    group by
        periods.period_grain,
        periods.period_start,
        event_subjects.subject_type,
        event_subjects.subject_code,
        event_subjects.measure
),

rejection as (
    select
        period_grain,
        period_start,
        department_code as subject_code,
        numerator,
        denominator
    from {{ ref('collection_indicators') }}
    where run_date = {{ run_date() }} and indicator = 'rejection_rate'
),

subjects as (
    select
        period_grain,
        period_start,
        subject_type,
        subject_code
    from coverage
    union
    select
        period_grain,
        period_start,
        subject_type,
        subject_code
    from counted
    union
    select
        period_grain,
        period_start,
        'department' as subject_type,
        subject_code
    from rejection
),

spine as (
    select
        subjects.period_grain,
        subjects.period_start,
        periods.period_end,
        -- calendar months the period touches: supervision volume is per item and month
        cast(months_between(trunc(periods.period_end, 'MM'), periods.period_start) as int)
        + 1 as period_months,
        subjects.subject_type,
        subjects.subject_code,
        coverage.subject_name,
        coverage.items_in_force,
        coverage.items_covered
    from subjects
    inner join periods
        on
            subjects.period_grain = periods.period_grain
            and subjects.period_start = periods.period_start
    left join coverage
        on
            subjects.period_grain = coverage.period_grain
            and subjects.period_start = coverage.period_start
            and subjects.subject_type = coverage.subject_type
            and subjects.subject_code = coverage.subject_code
),

scoring as (
    {{ scorecard_indicators() }}
),

measured as (
    select
        spine.period_grain,
        spine.period_start,
        spine.period_end,
        spine.subject_type,
        spine.subject_code,
        spine.subject_name,
        scoring.indicator,
        scoring.indicator_name,
        scoring.weight,
        scoring.zero_at,
        scoring.full_at,
        case scoring.indicator
            when 'coverage' then spine.items_covered
            when 'rejection_rate' then rejection.numerator
            else counted.hits
        end as numerator,
        case scoring.indicator
            when 'coverage' then spine.items_in_force
            when 'supervision_volume' then spine.items_in_force * spine.period_months
            when 'rejection_rate' then rejection.denominator
            else counted.events
        end as denominator
    from spine
    cross join scoring
    left join counted
        on
            spine.period_grain = counted.period_grain
            and spine.period_start = counted.period_start
            and spine.subject_type = counted.subject_type
            and spine.subject_code = counted.subject_code
            and scoring.indicator = counted.measure
    left join rejection
        on
            spine.subject_type = 'department'
            and spine.period_grain = rejection.period_grain
            and spine.period_start = rejection.period_start
            and spine.subject_code = rejection.subject_code
),

valued as (
    select
        *,
        {{ metric_rate('numerator', 'denominator') }} as indicator_value
    from measured
),

scored as (
    select
        *,
        -- least/greatest skip nulls: an indicator without a value gets no fraction
        case
            when indicator_value is not null
                then cast(
                    least(greatest((indicator_value - zero_at) / (full_at - zero_at), 0), 1)
                    as decimal(9, 6)
                )
        end as score_fraction
    from valued
)

select
    {{ run_date() }} as run_date,
    period_grain,
    period_start,
    period_end,
    subject_type,
    subject_code,
    subject_name,
    case when subject_type = 'region' then {{ division_level('subject_code') }} end as division_level,
    indicator,
    indicator_name,
    numerator,
    denominator,
    indicator_value,
    weight,
    zero_at,
    full_at,
    score_fraction,
    cast(weight * score_fraction as decimal(9, 4)) as points,
    indicator_value is not null as scored,
    '{{ invocation_id | default("") }}' as _dbt_invocation_id
from scored
