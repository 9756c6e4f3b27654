{#-
  The run date as a Spark date literal: dbt var `run_date` (YYYY-MM-DD), which the pipeline
  passes with --vars (spark_jobs.gold.dbt_runner.run_dbt(..., vars={"run_date": ...})).
  `dbt run` and `dbt build` refuse to build a model that uses it without a valid run date;
  compile, docs and show render `current_date()` instead, so they need no run date.
-#}
{% macro run_date() -%}
    {%- set value = var('run_date', none) -%}
    {%- if execute and flags.WHICH in ('run', 'build') -%}
        {%- if value is none or not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', value | string) -%}
            {{- exceptions.raise_compiler_error(
                "the run date is missing or not YYYY-MM-DD: pass --vars '{run_date: YYYY-MM-DD}' "
                ~ "(run_dbt(args, settings, vars={'run_date': ...})); got " ~ value) -}}
        {%- endif -%}
    {%- endif -%}
    {%- if value is none -%}
        current_date()
    {%- else -%}
        date'{{ value }}'
    {%- endif -%}
{%- endmacro %}
