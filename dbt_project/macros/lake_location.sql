{#-
  Where a materialised model is written: `<lake root>/<location_root>/<alias>`
  (dbt_project.yml sets `+location_root: gold`). The lake root reaches dbt as the session
  setting `lakehouse.lake_root`, which spark_jobs/gold/dbt_runner.py sets for each invocation,
  and is read when the table is created: nothing lake-specific is in the parsed project, so one
  stored parse serves every lake (spark_jobs/gold/parse_cache.py). A var `lake_root` given to
  plain dbt still wins. Overrides dbt-spark's spark__location_clause, which writes the
  parse-time `location_root` as it is.
-#}
{% macro spark__location_clause() %}
    {%- set location_root = config.get('location_root', validator=validation.any[basestring]) -%}
    {%- if location_root is not none %}
        location '{{ lake_root() }}/{{ location_root }}/{{ model['alias'] }}'
    {%- endif %}
{%- endmacro -%}

{#- The lake root (`file:/...` or `s3a://...`): the var, else the session setting. -#}
{% macro lake_root() -%}
    {%- set value = var('lake_root', none) -%}
    {%- if value is none and execute -%}
        {%- set rows = run_query("SET lakehouse.lake_root") -%}
        {%- set value = rows.rows[0][1] if rows is not none and rows.rows | length > 0 else none -%}
    {%- endif -%}
    {%- if value in (none, '', '<undefined>') -%}
        {{- exceptions.raise_compiler_error(
            "the lake root is unknown: run dbt through spark_jobs.gold.dbt_runner, which sets "
            ~ "the session setting lakehouse.lake_root (or pass --vars '{lake_root: ...}')") -}}
    {%- endif -%}
    {{- return(value | string) -}}
{%- endmacro %}
