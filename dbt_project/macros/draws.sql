{#-
  The published double-random draws as a subquery: one row per drawn object of a draw that has
  its record (entity_key, item_code, department_code, draw_id, drawn_on, task_name).
  draws.draw_objects and draws.draw_records are written by `python -m spark_jobs.draws draw`,
  not by dbt, and exist only once a draw was made: they are looked up in the catalog when the
  model runs (not declared as sources, which would fail on a lake without draws); without them
  the subquery is empty.
-#}
{% macro published_draws() -%}
    {%- set objects = adapter.get_relation(database=none, schema='draws', identifier='draw_objects') if execute else none -%}
    {%- set records = adapter.get_relation(database=none, schema='draws', identifier='draw_records') if execute else none -%}
    {%- if objects is not none and records is not none -%}
        select o.entity_key, o.item_code, o.department_code, o.draw_id, o.drawn_on, r.task_name
        from {{ objects }} as o
        inner join {{ records }} as r on o.draw_id = r.draw_id
    {%- else -%}
        select
            cast(null as string) as entity_key, cast(null as string) as item_code,
            cast(null as string) as department_code, cast(null as string) as draw_id,
            cast(null as date) as drawn_on, cast(null as string) as task_name
        where false
    {%- endif -%}
{%- endmacro %}
