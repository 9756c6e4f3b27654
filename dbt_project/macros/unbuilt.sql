{#-
  A mart as a subquery, for models that can stand without it. When the build leaves the mart's
  source out (var unbuilt_sources: never delivered, or held by the quality gate; set by
  spark_jobs/gold/publish.py), the published gold table is read as it stands, and with none
  the subquery is empty with `columns` ([(name, type)]). Otherwise it is a plain ref, so dbt
  orders the mart first. Without this, a model reading the mart is excluded with its source
  (`--exclude source:silver.<name>+`).
-#}
{% macro mart_or_published(name, columns) -%}
    {%- set unbuilt = name in var('unbuilt_sources', []) -%}
    {%- set published = adapter.get_relation(database=none, schema='gold', identifier=name) if execute and unbuilt else none -%}
    {%- if not unbuilt -%}
        {{ ref(name) }}
    {%- elif published is not none -%}
        (select * from {{ published }})
    {%- else -%}
        (select
        {%- for column, type in columns %}
            cast(null as {{ type }}) as {{ column }}{{ "," if not loop.last }}
        {%- endfor %}
        where false)
    {%- endif -%}
{%- endmacro %}
