-- gold.public_random_inspection_results: the published results of double-random inspections
-- (双随机、一公开): who was inspected, under which item, by whom, and the result, with the draw
-- that selected the entity where one was recorded: the latest published draw of the same
-- entity, item and department on or before the inspection date (macros/draws.sql; null
-- without one). No personal data: no contacts, no officers, no free-text content.
with inspections as (
    select
        action_id,
        action_name,
        item_code,
        main_item_name,
        entity_uscc,
        entity_name,
        division_code,
        department_code,
        department_name,
        action_date,
        result_code
    from {{ ref('inspections') }}
    where action_type = 'random_inspection'
),

drawn as (
    {{ published_draws() }}
),

matched as (
    select
        inspections.action_id,
        drawn.draw_id,
        drawn.task_name,
        drawn.drawn_on,
        row_number() over (
            partition by inspections.action_id
            order by drawn.drawn_on desc, drawn.draw_id asc
        ) as draw_rank
    from inspections
    inner join drawn
        on
            inspections.entity_uscc = drawn.entity_key
            and inspections.item_code = drawn.item_code
            and inspections.department_code = drawn.department_code
            and inspections.action_date >= drawn.drawn_on
)

select
    inspections.*,
    matched.draw_id,
    matched.task_name as draw_task_name,
    matched.drawn_on
from inspections
left join matched
    on inspections.action_id = matched.action_id and matched.draw_rank = 1
