{#-
  Working days (工作日) from `start_date` to `end_date`: the weekdays after the start day up to
  and including the end day (Saturdays and Sundays excluded; the State Council's holiday
  calendar is not in the lake, so public holidays count as working days). Null when either
  date is null; 0 when the end is not after the start.
-#}
{% macro working_days(start_date, end_date) %}
    case
        when {{ start_date }} is null or {{ end_date }} is null then null
        when {{ end_date }} <= {{ start_date }} then 0
        else size(filter(
            sequence(date_add({{ start_date }}, 1), {{ end_date }}),
            d -> weekday(d) < 5
        ))
    end
{% endmacro %}
