{#-
  The schema is exactly the configured one (`gold`), never dbt's default `<target>_<custom>`
  prefix: the lake layout is <lake_root>/<layer>/<table> and the catalog name <layer>.<table>.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema | trim }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
