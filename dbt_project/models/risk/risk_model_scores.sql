-- gold.risk_model_scores: the score 0-100 of each of the five risk-warning models for every
-- legal person with a counted signal (风险模型评分), one row per model and uscc: the sum of the
-- points of its counted hits in gold.risk_signals, capped at 100, against the model's warning
-- threshold; `warned` when the score reaches it, with the level. Figures: dbt var risk_models
-- (dbt_project.yml, OUR ASSUMPTION).
{%- set cfg = risk_models() %}
{%- set models = cfg['models'] %}

with model_config as (
    {%- for model_key, model in models.items() %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ model_key }}' as risk_model,
            {{ model['threshold'] }} as threshold,
            '{{ model["department_code"] }}' as department_code
    {%- endfor %}
),

registry as (
    select
        uscc,
        max_by(name, delivery_date) as registry_name
    from {{ ref('supervised_entities') }}
    where kind = 'legal_person' and uscc is not null
    group by uscc
),

summed as (
    select
        risk_model,
        max(model_name) as model_name,
        uscc,
        max(entity_name) as signal_entity_name,
        least(100, sum(case when counted then points else 0 end)) as score,
        count_if(counted) as counted_signals,
        count(*) as signal_hits,
        max(case when counted then signal_date end) as latest_signal_date
    from {{ ref('risk_signals') }}
    group by risk_model, uscc
)

select
    s.risk_model,
    s.model_name,
    s.uscc,
    coalesce(r.registry_name, s.signal_entity_name) as entity_name,
    s.score,
    c.threshold,
    s.score >= c.threshold as warned,
    case
        when s.score < c.threshold then null
        when s.score >= {{ cfg['levels']['red'] }} then 'red'
        when s.score >= {{ cfg['levels']['orange'] }} then 'orange'
        else 'yellow'
    end as warning_level,
    c.department_code,
    s.counted_signals,
    s.signal_hits,
    s.latest_signal_date,
    {{ run_date() }} as as_of
from summed as s
inner join model_config as c on s.risk_model = c.risk_model
left join registry as r on s.uscc = r.uscc
