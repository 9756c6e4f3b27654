{#-
  Helpers of the generic test declared_column_checks (tests/generic/declared_column_checks.sql):
  which column tests of a model it covers, and each one's count of failing rows as a Spark
  aggregate over the model.
-#}

{#- The model, snapshot or seed node behind a test's relation (an ephemeral model's is a CTE). -#}
{% macro _checked_node(relation) %}
{%- set identifier = relation.identifier | replace('__dbt__cte__', '') -%}
{%- for node in graph.nodes.values() -%}
{%- if node.resource_type in ['model', 'snapshot', 'seed'] and (node.alias or node.name) == identifier -%}
{{ return(node) }}
{%- endif -%}
{%- endfor -%}
{{ exceptions.raise_compiler_error("declared_column_checks: no model named " ~ identifier) }}
{% endmacro %}

{#- The number of rows of the model that fail `test` (a test node of a covered kind). -#}
{% macro _failing_rows(test) %}
{%- set kind = test.test_metadata.name -%}
{%- set args = test.test_metadata.kwargs -%}
{%- set column = args.column_name -%}
{%- if kind == 'not_null' -%}
{{ return('count_if(' ~ column ~ ' is null)') }}
{%- elif kind == 'unique' -%}
{{ return('count(' ~ column ~ ') - count(distinct ' ~ column ~ ')') }}
{%- elif kind == 'accepted_values' -%}
{%- set quote = args.get('quote', true) -%}
{%- set values = [] -%}
{%- for value in args['values'] -%}
{%- do values.append(("'" ~ value ~ "'") if quote else (value | string)) -%}
{%- endfor -%}
{{ return('count_if(' ~ column ~ ' not in (' ~ values | join(', ') ~ '))') }}
{%- elif kind == 'at_least' -%}
{{ return('count_if(' ~ column ~ ' < ' ~ args.min_value ~ ')') }}
{%- elif kind == 'not_before' -%}
{%- set other = args.other_column -%}
{{ return('count_if(' ~ column ~ ' is not null and ' ~ other ~ ' is not null and '
    ~ column ~ ' < ' ~ other ~ ')') }}
{%- endif -%}
{{ exceptions.raise_compiler_error("declared_column_checks: cannot check " ~ kind) }}
{% endmacro %}

{#- Whether a test keeps dbt's defaults, so that its count can share one query. -#}
{% macro _plain_test(test) %}
{%- set c = test.config -%}
{{ return(
    c.get('where') is none and c.get('limit') is none
    and (c.get('severity') or 'error') | lower == 'error'
    and (c.get('fail_calc') or 'count(*)') == 'count(*)'
    and (c.get('warn_if') or '!= 0') == '!= 0'
    and (c.get('error_if') or '!= 0') == '!= 0'
) }}
{% endmacro %}

{#-
  The column tests of `relation`'s model that declared_column_checks covers, sorted by name:
  [{name, failing_rows}]. Empty at parse time (dbt's graph is filled when tests run).
-#}
{% macro declared_column_check_list(relation) %}
{%- if not execute -%}
{{ return([]) }}
{%- endif -%}
{%- set covered = var('declared_column_checks') -%}
{%- set node = _checked_node(relation) -%}
{%- set checks = [] -%}
{%- for test in graph.nodes.values() | sort(attribute='name') -%}
{%- if test.resource_type == 'test' and test.test_metadata
    and test.test_metadata.name in covered
    and test.attached_node == node.unique_id -%}
{%- if not _plain_test(test) -%}
{{ exceptions.raise_compiler_error(
    "declared_column_checks: " ~ test.name ~ " sets where, limit, severity or "
    ~ "thresholds, which one shared query cannot honour; write it as another "
    ~ "kind of test, or take its kind out of var declared_column_checks") }}
{%- endif -%}
{%- do checks.append({'name': test.name, 'failing_rows': _failing_rows(test)}) -%}
{%- endif -%}
{%- endfor -%}
{{ return(checks) }}
{% endmacro %}
