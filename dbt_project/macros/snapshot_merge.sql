{#-
  dbt-spark's snapshot MERGE, skipped when the staging relation holds no change: the check
  strategy's staging rows are only the inserted, updated and deleted versions, and a day that
  changes no item (most days: the catalog changes rarely) would otherwise MERGE nothing. That
  empty MERGE still materialises its source (it calls current_timestamp(), so Delta must) and
  took about 10 s of a day's gold build on the province; the probe reads 400 items twice.
-#}
{% macro spark__snapshot_merge_sql(target, source, insert_cols) -%}
    {%- if execute -%}
        {%- set probe = run_query('select 1 from ' ~ source ~ ' limit 1') -%}
        {%- if probe.rows | length == 0 -%}
            {{ return("select 'no changes: no merge into " ~ target ~ "' as skipped") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(dbt.spark__snapshot_merge_sql(target, source, insert_cols)) }}
{%- endmacro %}
