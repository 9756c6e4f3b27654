{#-
  Fails (one row per offending column) when the model has a column that holds raw personal
  data. Gold keeps only masked or tokenised forms (contact_name_masked, contact_phone_token).
  The check reads the built table's columns at run time, so it also catches a column that a
  `select *` upstream would bring in.
-#}
{% test no_personal_data_columns(model, columns=none) %}
    {#- by default every raw personal column the contracts declare (macros/personal_data.sql) -#}
    {%- set forbidden = (columns if columns is not none else personal_column_names()) | map('lower') | list -%}
    {%- set relation_columns = adapter.get_columns_in_relation(model) if execute else [] -%}
    {%- set found = relation_columns | map(attribute='name') | map('lower')
        | select('in', forbidden) | list %}
    select personal_data_column
    from (
        select cast(null as string) as personal_data_column
        {% for name in found %}
            union all
            select '{{ name }}' as personal_data_column
        {% endfor %}
    ) as columns_found
    where personal_data_column is not null
{% endtest %}
