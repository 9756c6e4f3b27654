-- One row per catalog item: its supervision actions dated from 1 January of the run date's
-- year to the run date, and whether there is at least one (the coverage definition in
-- docs/coverage.md). Reads the gold marts rather than staging, so in a `dbt build` coverage
-- is computed only after the marts have passed their tests.
with items as (
    select
        item_code,
        department_code,
        department_name
    from {{ ref('supervision_items') }}
),

period as (
    select
        trunc({{ run_date() }}, 'YEAR') as period_start,
        {{ run_date() }} as period_end
),

actions_in_period as (
    select
        actions.item_code,
        count(*) as action_count
    from {{ ref('supervision_actions') }} as actions
    cross join period
    where actions.action_date between period.period_start and period.period_end
    group by actions.item_code
)

select
    items.item_code,
    items.department_code,
    items.department_name,
    period.period_start,
    period.period_end,
    coalesce(actions_in_period.action_count, 0) as actions_in_period,
    actions_in_period.item_code is not null as is_covered
from items
cross join period
left join actions_in_period
    on items.item_code = actions_in_period.item_code
