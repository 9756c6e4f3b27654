-- gold.indicator_events: every source row an event-based indicator counts (指标明细), one row
-- per measure and row, with the row's key in its silver table, so that any indicator value of
-- gold.evaluation_indicators (supervision volume, timeliness, complaints handled on time,
-- ratings, opinion, accidents) and the timeliness of gold.collection_indicators can be traced
-- to its rows and, through silver's lineage columns, to the landing file and row number:
-- `python -m spark_jobs.metrics trail` (docs/evaluation.md). evaluation_indicators counts
-- these rows, so the trail and the figure cannot disagree. Rebuilt in full at every run: it
-- describes the current marts; the trail of an earlier run date reads this table as of that
-- run (Delta time travel, `--as-of-version`).
{{ config(materialized='table') }}

with actions as (
    select
        'supervision_actions' as source_table,
        action_id as source_key,
        item_code,
        action_date as event_date,
        department_code,
        division_code,
        datediff(submitted_date, action_date)
        <= {{ var('collection_indicators')['timeliness_days'] }} as is_timely
    from {{ ref('supervision_actions') }}
),

closed_complaints as (
    select
        case channel
            when '12345' then 'hotline_12345'
            when '12315' then 'complaints_12315'
            else 'national_dispatched_complaints'
        end as source_table,
        source_id as source_key,
        closed_date as event_date,
        department_code,
        division_code,
        not overdue as on_time
    from {{ ref('complaints') }}
    where closed_date is not null
),

rated_orders as (
    select
        'hotline_12345' as source_table,
        work_order_id as source_key,
        to_date(closed_at) as event_date,
        handling_department_code as department_code,
        division_code,
        satisfaction in ('satisfied', 'basically_satisfied') as is_satisfied
    from {{ ref('stg_hotline_12345') }}
    where closed_at is not null and satisfaction is not null
),

opinion as (
    select
        'third_party_opinion' as source_table,
        opinion_id as source_key,
        published_at as event_date,
        cast(null as string) as department_code,
        division_code,
        sentiment = 'negative' as is_negative
    from {{ ref('public_opinion') }}
),

readings as (
    select
        'third_party_readings' as source_table,
        reading_id as source_key,
        measured_at as event_date,
        cast(null as string) as department_code,
        division_code,
        over_limit
    from {{ ref('monitoring_readings') }}
)

select
    'supervision_volume' as measure,
    event_date,
    department_code,
    division_code,
    true as hit,
    source_table,
    source_key,
    item_code
from actions
union all
select
    'timeliness' as measure,
    event_date,
    department_code,
    division_code,
    coalesce(is_timely, false) as hit,
    source_table,
    source_key,
    item_code
from actions
union all
select
    'complaints_on_time' as measure,
    event_date,
    department_code,
    division_code,
    coalesce(on_time, false) as hit,
    source_table,
    source_key,
    cast(null as string) as item_code
from closed_complaints
union all
select
    'ratings' as measure,
    event_date,
    department_code,
    division_code,
    is_satisfied as hit,
    source_table,
    source_key,
    cast(null as string) as item_code
from rated_orders
union all
select
    'opinion' as measure,
    event_date,
    department_code,
    division_code,
    coalesce(is_negative, false) as hit,
    source_table,
    source_key,
    cast(null as string) as item_code
from opinion
union all
select
    'accidents' as measure,
    event_date,
    department_code,
    division_code,
    coalesce(over_limit, false) as hit,
    source_table,
    source_key,
    cast(null as string) as item_code
from readings
