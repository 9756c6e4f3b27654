-- gold.collection_indicators: how each department delivers its supervision-action data
-- (数据归集监测指标), one row per run date, period (month or year to date, as
-- coverage_periodic), department and indicator, with its numerator, denominator, value
-- (rounded half up to 4 decimals before any comparison) and the warning level its configured
-- thresholds give (var collection_indicators, OUR ASSUMPTION; docs/evaluation.md):
--   timeliness         actions dated in the period submitted within timeliness_days
--   completeness       configured optional fields filled, over actions x fields
--   rejection_rate     delivered rows silver rejected, over rows delivered in the period
--   never_acted_share  items in force at the period's end with no action ever, over items in force
-- The department is the action's department_code (who delivered it); for never_acted_share
-- the catalog's owner of the item.
{%- set collection = var('collection_indicators') %}
{{
    config(
        unique_key=['run_date', 'period_grain', 'period_start', 'department_code', 'indicator'],
        on_schema_change='append_new_columns',
        post_hook=["{{ delete_stale_run_rows() }}"],
    )
}}

with periods as (
    {{ metric_periods() }}
),

actions as (
    select * from {{ ref('supervision_actions') }}
),

items as (
    select * from {{ ref('int_item_retirements') }}
),

departments as (
    select
        department_code,
        min(department_name) as department_name
    from (
        select
            department_code,
            department_name
        from items
        union all
        select
            department_code,
            department_name
        from actions
    ) as named
    where department_code is not null
    group by department_code
),

acted as (
    select
        periods.period_grain,
        periods.period_start,
        actions.department_code,
        count(*) as actions,
        count_if(
            datediff(actions.submitted_date, actions.action_date)
            <= {{ collection['timeliness_days'] }}
        ) as timely
    from periods
    inner join actions on actions.action_date between periods.period_start and periods.period_end
    group by periods.period_grain, periods.period_start, actions.department_code
),

-- completeness (per action and field) and rejection rate (per row delivered): the rows of
-- gold.collection_events, which the trail lists
events as (
    select
        periods.period_grain,
        periods.period_start,
        events.department_code,
        count_if(events.measure = 'completeness') as field_slots,
        count_if(events.measure = 'completeness' and events.hit) as fields_filled,
        count_if(events.measure = 'rejection_rate' and not events.hit) as rows_accepted,
        count_if(events.measure = 'rejection_rate' and events.hit) as rows_rejected
    from periods
    inner join {{ ref('collection_events') }} as events
        on events.event_date between periods.period_start and periods.period_end
    group by periods.period_grain, periods.period_start, events.department_code
),

-- the catalog's items per period and owning department (gold.coverage_items, the rows the
-- trail lists): in force on the period's last day, and never acted on by then
never_acted as (
    select
        period_grain,
        period_start,
        subject_code as department_code,
        count(*) as items_in_force,
        count_if(first_action_date is null or first_action_date > period_end) as items_never_acted
    from {{ ref('coverage_items') }}
    where subject_type = 'department' and in_force_at_end
    group by period_grain, period_start, subject_code
),

spine as (
    select
        periods.period_grain,
        periods.period_start,
        periods.period_end,
        departments.department_code,
        departments.department_name,
        coalesce(acted.actions, 0) as actions,
        coalesce(acted.timely, 0) as timely,
        coalesce(events.field_slots, 0) as field_slots,
        coalesce(events.fields_filled, 0) as fields_filled,
        coalesce(events.rows_accepted, 0) as rows_accepted,
        coalesce(events.rows_rejected, 0) as rows_rejected,
        coalesce(never_acted.items_in_force, 0) as items_in_force,
        coalesce(never_acted.items_never_acted, 0) as items_never_acted
    from periods
    cross join departments
    left join acted
        on
            periods.period_grain = acted.period_grain
            and periods.period_start = acted.period_start
            and departments.department_code = acted.department_code
    left join events
        on
            periods.period_grain = events.period_grain
            and periods.period_start = events.period_start
            and departments.department_code = events.department_code
    left join never_acted
        on
            periods.period_grain = never_acted.period_grain
            and periods.period_start = never_acted.period_start
            and departments.department_code = never_acted.department_code
),

indicators as (
    select
        *,
        stack(
            4,
            'timeliness', timely, actions,
            'completeness', fields_filled, field_slots,
            'rejection_rate', rows_rejected, rows_rejected + rows_accepted,
            'never_acted_share', items_never_acted, items_in_force
        ) as (indicator, numerator, denominator)
    from spine
),

valued as (
    select
        period_grain,
        period_start,
        period_end,
        department_code,
        department_name,
        indicator,
        numerator,
        denominator,
        {{ metric_rate('numerator', 'denominator') }} as indicator_value
    from indicators
),

thresholds as (
    {{ collection_thresholds() }}
),

-- the most severe level whose threshold the value misses (at_least: below it; at_most:
-- above it); a value equal to a threshold meets it
breached as (
    select
        valued.period_grain,
        valued.period_start,
        valued.department_code,
        valued.indicator,
        min_by(thresholds.warning_level, thresholds.severity) as warning_level,
        min_by(thresholds.threshold, thresholds.severity) as warning_threshold
    from valued
    inner join thresholds
        on
            valued.indicator = thresholds.indicator
            and (
                (thresholds.direction = 'at_least' and valued.indicator_value < thresholds.threshold)
                or (thresholds.direction = 'at_most' and valued.indicator_value > thresholds.threshold)
            )
    group by valued.period_grain, valued.period_start, valued.department_code, valued.indicator
)

select
    {{ run_date() }} as run_date,
    valued.period_grain,
    valued.period_start,
    valued.period_end,
    valued.department_code,
    valued.department_name,
    valued.indicator,
    valued.numerator,
    valued.denominator,
    valued.indicator_value,
    breached.warning_level,
    breached.warning_threshold,
    '{{ invocation_id | default("") }}' as _dbt_invocation_id
from valued
left join breached
    on
        valued.period_grain = breached.period_grain
        and valued.period_start = breached.period_start
        and valued.department_code = breached.department_code
        and valued.indicator = breached.indicator
