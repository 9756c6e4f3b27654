{#-
  The filter of an incremental mart: on an incremental run, only the rows silver (re)wrote
  after the newest row this mart already holds (`_silver_at`, stamped by every silver MERGE:
  new, superseding and released rows alike). On the first run and on --full-refresh: no filter.
  Delta skips the files whose `_silver_at` statistics are all older, so a daily run reads
  the day's rows, not the years of history. A mart fed by several silver tables passes
  `part` (e.g. "channel = '12345'") so each source is compared with its own newest row.
-#}
{% macro newer_silver_rows(column='_silver_at', part=none) %}
{%- if is_incremental() -%}
{{ column }} > (
            select coalesce(max({{ column }}), timestamp'1900-01-01 00:00:00') from {{ this }}
{%- if part %} where {{ part }}{% endif %}
        )
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
