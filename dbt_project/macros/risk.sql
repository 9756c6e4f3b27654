{#-
  Helpers of the risk-warning models (models/risk/, docs/risk.md).
-#}

{#-
  The models' configuration: dbt var risk_models (dbt_project.yml, OUR ASSUMPTION). sqlfluff's
  jinja templater returns a placeholder string for any var, so when linting (and only then) a
  sample with one model and every signal kind stands in, for the linter to see every branch;
  its figures are placeholders, never used by dbt.
-#}
{% macro risk_models() %}
{%- set cfg = var('risk_models') -%}
{%- if cfg is string -%}
{%- set kinds = ['complaint_category', 'keywords', 'opinion_topic', 'reading_over_limit',
    'credit_list', 'penalty', 'licence_missing'] -%}
{%- set signals = [] -%}
{%- for kind in kinds -%}
{%- do signals.append({'name': kind, 'label': kind, 'kind': kind, 'codes': ['00'],
    'exclude_codes': ['0000'], 'keywords': ['x'], 'feature': 'x', 'topics': ['x'],
    'sentiments': ['negative'], 'indicator_codes': ['x'], 'event_kinds': ['x'],
    'item_keywords': ['x'], 'licence_names': ['x'], 'points': 1, 'max_hits': 1,
    'supporting': kind == 'licence_missing'}) -%}
{%- endfor -%}
{%- set cfg = {'lookback_days': 1, 'levels': {'red': 3, 'orange': 2}, 'models': {'lint': {
    'name': 'lint', 'department_code': '00', 'threshold': 1, 'weight': 1, 'signals': signals}}} -%}
{%- endif -%}
{{ return(cfg) }}
{% endmacro %}

{#- A Spark SQL array<string> literal of `values` (an empty list gives a typed empty array). -#}
{% macro risk_strings(values) -%}
{%- if values -%}
array({% for v in values %}'{{ v | string | replace("\\", "\\\\") | replace("'", "\\'") }}'{% if not loop.last %}, {% endif %}{% endfor %})
{%- else -%}
cast(array() as array<string>)
{%- endif -%}
{%- endmacro %}

{#- The first day a signal may be dated to count: lookback_days before the run date. -#}
{% macro risk_window_start() -%}
date_sub({{ run_date() }}, {{ risk_models()['lookback_days'] }})
{%- endmacro %}

{#-
  The handling results the departments returned (处置反馈) as a subquery: the latest row per
  warning_id of ops.risk_warning_feedback (written by `python -m spark_jobs.risk feedback`,
  not by dbt). The table exists only once a department's feedback was loaded: it is looked up
  in the catalog when the model runs (not a source, which would fail on a lake without
  feedback); without it the subquery is empty.
-#}
{% macro risk_feedback() -%}
{%- set feedback = adapter.get_relation(database=none, schema='ops', identifier='risk_warning_feedback') if execute else none -%}
{%- if feedback is not none -%}
select warning_id, handling_status, handled_on, handling_result, handling_unit
from (
    select
        *,
        row_number() over (
            partition by warning_id order by handled_on desc, loaded_at desc
        ) as feedback_rank
    from {{ feedback }}
)
where feedback_rank = 1
{%- else -%}
select
    cast(null as string) as warning_id, cast(null as string) as handling_status,
    cast(null as date) as handled_on, cast(null as string) as handling_result,
    cast(null as string) as handling_unit
where false
{%- endif -%}
{%- endmacro %}
