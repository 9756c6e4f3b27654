{#-
  Personal data, as the delivery contracts declare it. staging/_sources.yml is generated from
  schemas/*.yaml and marks every personal-data column of silver with `meta: {pii: ...}`; these
  macros read that mark from dbt's graph, so a personal column a contract gains later can never
  reach gold through a staging model, and the guard test knows every such column by name.
-#}

{#- The silver source node of `table_name` (graph.sources is filled at execution time). -#}
{% macro _silver_source(table_name) %}
    {%- for node in graph.sources.values() -%}
        {%- if node.source_name == 'silver' and node.name == table_name -%}
            {{ return(node) }}
        {%- endif -%}
    {%- endfor -%}
    {{ exceptions.raise_compiler_error("no source silver." ~ table_name ~ " in staging/_sources.yml") }}
{% endmacro %}

{%- macro _pii_kind(column) -%}
    {%- set meta = column.get('meta') or {} -%}
    {%- set config_meta = (column.get('config') or {}).get('meta') or {} -%}
    {{ return(meta.get('pii') or config_meta.get('pii')) }}
{%- endmacro -%}

{#-
  The select list of a staging model: every column of silver.<table_name> that is not raw
  personal data (the `_masked` / `_token` forms stay), in silver's order, minus `except`.
-#}
{% macro non_personal_columns(table_name, except=[]) %}
    {%- if not execute -%}
        {{ return('*') }}
    {%- endif -%}
    {%- set node = _silver_source(table_name) -%}
    {%- set names = [] -%}
    {%- for column in node.columns.values() -%}
        {%- if not _pii_kind(column) and column.name not in except -%}
            {%- do names.append(column.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names | join(',\n    ')) }}
{% endmacro %}

{#-
  Names of raw personal-data columns in silver that no contract also uses for non-personal data
  (an officer's `name` is personal, an entity's `name` is not: such a name is checked by the
  staging select list instead).
-#}
{% macro personal_column_names() %}
    {%- if not execute -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set personal = [] -%}
    {%- set other = [] -%}
    {%- for node in graph.sources.values() if node.source_name == 'silver' -%}
        {%- for column in node.columns.values() -%}
            {%- do (personal if _pii_kind(column) else other).append(column.name | lower) -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(personal | reject('in', other) | unique | sort | list) }}
{% endmacro %}
