{#-
  Fails (one row per offending column) when the model has a column that holds raw personal
  data. Gold keeps only masked or tokenised forms (contact_name_masked, contact_phone_token).
  The check reads the built table's columns at run time, so it also catches a column that a
  `select *` upstream would bring in.
-#}
{% test no_personal_data_columns(model, columns=['contact_name', 'contact_phone', 'id_number']) %}
    {%- set forbidden = columns | map('lower') | list -%}
    {%- set found = [] -%}
    {%- if execute -%}
        {%- for col in adapter.get_columns_in_relation(model) -%}
            {%- if col.name | lower in forbidden -%}
                {%- do found.append(col.name) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if found %}
        {%- for name in found %}
    select '{{ name }}' as personal_data_column
            {%- if not loop.last %} union all{% endif %}
        {%- endfor %}
    {%- else %}
    select cast(null as string) as personal_data_column where 1 = 0
    {%- endif %}
{% endtest %}
