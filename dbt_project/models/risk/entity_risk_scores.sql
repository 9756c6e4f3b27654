-- gold.entity_risk_scores: the risk score 0-100 of every legal person with a signal in any of
-- the five risk-warning models (主体风险综合评分), one row per uscc: least(100, the sum over the
-- models of weight x model score), with each model's score beside it. Weights: dbt var
-- risk_models (dbt_project.yml, OUR ASSUMPTION). An entity without any signal has no row
-- (its score is 0).
{%- set models = risk_models()['models'] %}

with scores as (
    select * from {{ ref('risk_model_scores') }}
),

pivoted as (
    select
        uscc,
        max(entity_name) as entity_name,
        {%- for model_key in models %}
            coalesce(max(case when risk_model = '{{ model_key }}' then score end), 0) as {{ model_key }}_score,
        {%- endfor %}
        count_if(warned) as warnings,
        max(latest_signal_date) as latest_signal_date
    from scores
    group by uscc
),

weighted as (
    select
        *,
        {%- for model_key, model in models.items() %}
            cast({{ model['weight'] }} as decimal(5, 2)) * {{ model_key }}_score{% if not loop.last %} +{% endif %}
        {%- endfor %} as weighted_sum
    from pivoted
)

select
    uscc,
    entity_name,
    cast(least(100, weighted_sum) as decimal(5, 1)) as risk_score,
    {%- for model_key in models %}
        {{ model_key }}_score,
    {%- endfor %}
    warnings,
    latest_signal_date,
    {{ run_date() }} as as_of
from weighted
