{#- A column a contract gained in a later version (supervision_actions 1.1.0:
    inspection_action_id): the column itself, or a typed null while the silver table predates
    it (silver widens a table when it next builds that source, and a day may build none). -#}
{% macro column_or_null(relation, column, type) %}
    {%- set names = [] -%}
    {%- if execute -%}
        {%- for c in adapter.get_columns_in_relation(relation) -%}
            {%- do names.append(c.name | lower) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not execute or column | lower in names -%}
        {{ column }}
    {%- else -%}
        cast(null as {{ type }}) as {{ column }}
    {%- endif -%}
{% endmacro %}
