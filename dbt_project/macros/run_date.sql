{#-
  The run date as a Spark date literal. The pipeline gives it as the session setting
  `lakehouse.run_date` (spark_jobs.gold.dbt_runner.run_dbt(..., vars={"run_date": ...}) sets it
  for the one invocation), read here when a model is compiled: as a dbt var it would change
  dbt's vars every day, and dbt re-parses the whole project whenever they change. A var
  `run_date` given to plain dbt still wins.
  `dbt run` and `dbt build` refuse to build a model that uses it without a valid run date;
  compile, docs and show render `current_date()` instead, so they need no run date; the docs
  site does not even ask the session (a query per use, on every report).
-#}
{% macro run_date() -%}
    {%- set value = var('run_date', none) -%}
    {%- if value is none and execute and flags.WHICH != 'generate' -%}
        {%- set value = session_run_date() -%}
    {%- endif -%}
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

{#- The session setting `lakehouse.run_date`, or none when it is not set. -#}
{% macro session_run_date() -%}
    {%- set rows = run_query("SET lakehouse.run_date") -%}
    {%- set value = rows.rows[0][1] if rows is not none and rows.rows | length > 0 else none -%}
    {{- return(none if value in (none, '', '<undefined>') else value | string) -}}
{%- endmacro %}
