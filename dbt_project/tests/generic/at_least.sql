{#- Fails for every row whose column is below min_value (nulls are left to not_null). -#}
{% test at_least(model, column_name, min_value) %}
select {{ column_name }} as failing_value
from {{ model }}
where {{ column_name }} < {{ min_value }}
{% endtest %}
