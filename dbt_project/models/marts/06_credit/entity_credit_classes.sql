-- gold.entity_credit_classes: the credit class A-D (企业信用风险分类) of every legal person of
-- gold.supervised_entities, one row per uscc, as the double-random draws use it. A delivered
-- class wins: the latest gold.credit_classes row, else the registry's credit_class. Otherwise
-- the class of the indicator model in dbt var credit_class_model (dbt_project.yml, OUR
-- ASSUMPTION, no national weights): start points minus, per kind of credit record in force
-- in gold.credit_events on the run date, points x least(records, max_events); class by the
-- thresholds.
{{ config(tags=['as_of_run_date']) }}  {#- computed on the run date: dbt_project.yml, metrics #}
{%- set model = var('credit_class_model') %}
{%- set deductions = model['deductions'] %}
{%- set thresholds = model['thresholds'] %}

with registry as (
    select
        uscc,
        name as entity_name,
        division_code,
        credit_class as registry_class,
        -- a USCC delivered under two entity ids: the later delivery describes it
        row_number() over (
            partition by uscc order by delivery_date desc, entity_id desc
        ) as registry_rank
    from {{ ref('supervised_entities') }}
    where kind = 'legal_person' and uscc is not null
),

legal_persons as (
    select
        uscc,
        entity_name,
        division_code,
        registry_class
    from registry
    where registry_rank = 1
),

delivered as (
    select
        uscc,
        credit_class
    from {{ ref('credit_classes') }}
    where latest and credit_class is not null
),

in_force as (
    select
        uscc,
        count_if(event_kind = 'serious_violation') as serious_violations_in_force,
        count_if(event_kind = 'black_list') as black_lists_in_force,
        count_if(event_kind = 'abnormal_operation') as abnormal_operations_in_force,
        count_if(event_kind = 'penalty') as penalties_in_force
    from {{ ref('credit_events') }}
    where
        event_status = 'in_force'
        and uscc is not null
        -- a list entry or a publication period that ended before the run date no longer counts
        and (end_date is null or end_date >= {{ run_date() }})
    group by uscc
),

counted as (
    select
        e.uscc,
        e.entity_name,
        e.division_code,
        coalesce(d.credit_class, e.registry_class) as published_class,
        case
            when d.credit_class is not null then 'credit_classes'
            when e.registry_class is not null then 'entity_registry'
            else 'model'
        end as class_source,
        coalesce(f.serious_violations_in_force, 0) as serious_violations_in_force,
        coalesce(f.black_lists_in_force, 0) as black_lists_in_force,
        coalesce(f.abnormal_operations_in_force, 0) as abnormal_operations_in_force,
        coalesce(f.penalties_in_force, 0) as penalties_in_force
    from legal_persons as e
    left join delivered as d on e.uscc = d.uscc
    left join in_force as f on e.uscc = f.uscc
),

scored as (
    select
        *,
        {{ model['start_points'] }}
        - {{ deductions['serious_violation']['points'] }}
        * least(serious_violations_in_force, {{ deductions['serious_violation']['max_events'] }})
        - {{ deductions['black_list']['points'] }}
        * least(black_lists_in_force, {{ deductions['black_list']['max_events'] }})
        - {{ deductions['abnormal_operation']['points'] }}
        * least(abnormal_operations_in_force, {{ deductions['abnormal_operation']['max_events'] }})
        - {{ deductions['penalty']['points'] }}
        * least(penalties_in_force, {{ deductions['penalty']['max_events'] }}) as model_score
    from counted
),

classed as (
    select
        *,
        case
            when model_score >= {{ thresholds['A'] }} then 'A'
            when model_score >= {{ thresholds['B'] }} then 'B'
            when model_score >= {{ thresholds['C'] }} then 'C'
            else 'D'
        end as model_class
    from scored
)

select
    uscc,
    entity_name,
    division_code,
    coalesce(published_class, model_class) as credit_class,
    class_source,
    published_class,
    model_score,
    model_class,
    serious_violations_in_force,
    black_lists_in_force,
    abnormal_operations_in_force,
    penalties_in_force,
    {{ run_date() }} as as_of
from classed
