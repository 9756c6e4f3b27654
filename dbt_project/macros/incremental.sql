{#-
  The filter of an incremental mart: on an incremental run, only the rows silver (re)wrote
  after the newest row this mart already holds (`_silver_at`, stamped by every silver MERGE:
  new, superseding and released rows alike). On the first run and on --full-refresh: no filter.
  A mart fed by several silver tables passes `part` (e.g. "channel = '12345'") so each source is
  compared with its own newest row.

  The newest `_silver_at` is looked up first and written into the SQL as a literal
  (`timestamp_micros(<microseconds>)`, exact): Delta skips the files whose `_silver_at`
  statistics are all older only when the bound is known at planning time. With the bound as a
  scalar subquery every run read the whole history of silver and of the mart (docs/pitfalls.md,
  "Data skipping needs literals").
  For the docs site (`dbt docs generate`, flags.WHICH 'generate') the bound is written as the
  subquery it stands for, and nothing is queried.
-#}
{% macro newer_silver_rows(column='_silver_at', part=none) %}
{%- if is_incremental() and execute and flags.WHICH == 'generate' -%}
{{ column }} > (select max({{ column }}) from {{ this }}{% if part %} where {{ part }}{% endif %})
{%- elif is_incremental() -%}
{%- set newest = none -%}
{%- if execute -%}
{%- set newest_sql -%}
select unix_micros(max({{ column }})) from {{ this }}{% if part %} where {{ part }}{% endif %}
{%- endset -%}
{%- set newest = run_query(newest_sql).columns[0].values()[0] -%}
{%- endif -%}
{%- if newest is none -%}
true
{%- else -%}
{{ column }} > timestamp_micros({{ newest | int }})
{%- endif -%}
{%- else -%}
true
{%- endif -%}
{% endmacro %}

{#-
  The rows of gold.supervision_actions of some action types that silver wrote since this
  mart's newest row: the national data sets (inspections, coercive measures, other actions)
  are cuts of the one actions mart.
-#}
{% macro actions_of_type(action_types) %}
    select *
    from {{ ref('supervision_actions') }}
    where
        action_type in ('{{ action_types | join("', '") }}')
        and {{ newer_silver_rows() }}
{% endmacro %}

{#-
  dbt-spark's MERGE of an incremental model, skipped when the model has no rows for it: a
  Delta MERGE with an empty source still materialises it and joins it with the whole target
  (about 6 s on the 170,000-row actions marts, for nothing: no commit). A mart opts in with
  `meta: {skip_empty_merge: true}` (dbt_project.yml, the marts folder): its rows are those silver
  wrote since the mart's newest row (newer_silver_rows), so the probe `limit 1` reads only the
  files that bound keeps. Not for the incremental metrics: their rows are computed over the
  year, and the probe would compute them twice. The skipped statement is a `select` that
  says so in dbt's log.
-#}
{% macro spark__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) %}
{%- if execute and (config.get('meta') or {}).get('skip_empty_merge') -%}
{%- set probe = run_query('select 1 from ' ~ source ~ ' limit 1') -%}
{%- if probe.rows | length == 0 -%}
{{ return("select 'no new rows: no merge into " ~ target ~ "' as skipped") }}
{%- endif -%}
{%- endif -%}
{{ return(dbt.spark__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates)) }}
{% endmacro %}
