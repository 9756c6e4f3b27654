{#-
  Helpers of the metrics models (models/metrics/; definitions in docs/coverage.md and
  docs/evaluation.md). No figure lives here: thresholds, days and weights are dbt vars.
-#}

{#-
  numerator / denominator rounded half up to `scale` decimals (null when the denominator is
  0). Both are cast to decimal first, so the quotient is exact to 19 places before the one
  rounding (a double could land on the wrong side of a .00005).
-#}
{% macro metric_rate(numerator, denominator, precision=9, scale=4) -%}
    cast(
        cast({{ numerator }} as decimal(18, 0))
        / nullif(cast({{ denominator }} as decimal(18, 0)), 0)
        as decimal({{ precision }}, {{ scale }})
    )
{%- endmacro %}

{#-
  The periods of a run date D, one row each (period_grain, period_start, period_end): every
  calendar month from January of D's year to D's month (the last one ends on D), and the year
  to date (1 January to D).
-#}
{% macro metric_periods() -%}
    select
        'month' as period_grain,
        month_start as period_start,
        least(last_day(month_start), {{ run_date() }}) as period_end
    from (
        select
            explode(
                sequence(
                    trunc({{ run_date() }}, 'YEAR'),
                    trunc({{ run_date() }}, 'MM'),
                    interval 1 month
                )
            ) as month_start
    )
    union all
    select
        'year_to_date' as period_grain,
        trunc({{ run_date() }}, 'YEAR') as period_start,
        {{ run_date() }} as period_end
{%- endmacro %}

{#-
  A GB/T 2260 division code and the regions it rolls up into, as an array: the code itself,
  its city (first 4 digits + '00') and its province (first 2 + '0000'); a city or province
  code appears once.
-#}
{% macro division_rollup(code) -%}
    array_distinct(array(
        {{ code }},
        concat(substr({{ code }}, 1, 4), '00'),
        concat(substr({{ code }}, 1, 2), '0000')
    ))
{%- endmacro %}

{% macro division_level(code) -%}
    case
        when {{ code }} like '%0000' then 'province'
        when {{ code }} like '%00' then 'city'
        else 'county'
    end
{%- endmacro %}

{#-
  Post-hook of a metrics model keyed by run date: deletes the run date's rows this build did
  not write (a subject or indicator that is gone), so a re-run leaves exactly the date's
  current rows. Every row carries the dbt invocation that last merged it.
-#}
{% macro delete_stale_run_rows() -%}
    delete from {{ this }}
    where run_date = {{ run_date() }} and _dbt_invocation_id <> '{{ invocation_id }}'
{%- endmacro %}

{#-
  silver.quarantine as a subquery: the delivered supervision-action rows silver rejected and
  still holds (status 'quarantined'), one row per delivered row (source file, row number),
  with the department and delivery date. silver.quarantine is written by the silver job, not
  a contract's table, so it is looked up when the model runs (like macros/draws.sql); on a
  lake without it the subquery is empty.
-#}
{% macro rejected_action_rows() -%}
    {%- set quarantine = adapter.get_relation(database=none, schema='silver', identifier='quarantine') if execute else none -%}
    {%- if quarantine is not none -%}
        select
            department_code,
            delivery_date,
            _source_file,
            _row_number
        from {{ quarantine }}
        where source = 'supervision_actions' and status = 'quarantined'
        group by department_code, delivery_date, _source_file, _row_number
    {%- else -%}
        select
            cast(null as string) as department_code,
            cast(null as date) as delivery_date,
            cast(null as string) as _source_file,
            cast(null as bigint) as _row_number
        where false
    {%- endif -%}
{%- endmacro %}

{#-
  The configured thresholds of the collection indicators as rows (indicator, direction,
  warning_level, severity, threshold), from var collection_indicators: severity 1 is the most
  severe level of var collection_indicators.warning_levels.
-#}
{% macro collection_thresholds() -%}
    {%- set config = var('collection_indicators') -%}
    {%- set rows = [] -%}
    {%- for name in config['indicators'] -%}
        {%- set spec = config['indicators'][name] -%}
        {%- for level in config['warning_levels'] -%}
            {%- if level in spec['thresholds'] -%}
                {%- do rows.append((name, spec['direction'], level, loop.index, spec['thresholds'][level])) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- for name, direction, level, severity, threshold in rows %}
        {%- if not loop.first %} union all {% endif %}
        select
            '{{ name }}' as indicator,
            '{{ direction }}' as direction,
            '{{ level }}' as warning_level,
            {{ severity }} as severity,
            cast({{ threshold }} as decimal(9, 4)) as threshold
    {%- endfor -%}
{%- endmacro %}

{#-
  The scorecard's configured indicators as rows (indicator, indicator_name, weight, zero_at,
  full_at), from var evaluation_scorecard. Fails the compile when the weights do not sum to 100.
-#}
{% macro scorecard_indicators() -%}
    {%- set indicators = var('evaluation_scorecard')['indicators'] -%}
    {%- if execute -%}
        {%- set ns = namespace(total=0) -%}
        {%- for name in indicators -%}
            {%- set ns.total = ns.total + indicators[name]['weight'] -%}
        {%- endfor -%}
        {%- if ns.total != 100 -%}
            {{ exceptions.raise_compiler_error(
                "evaluation_scorecard: the weights sum to " ~ ns.total ~ ", not 100") }}
        {%- endif -%}
    {%- endif -%}
    {%- for name in indicators %}
        {%- set spec = indicators[name] %}
        {%- if not loop.first %} union all {% endif %}
        select
            '{{ name }}' as indicator,
            '{{ spec["name"] }}' as indicator_name,
            {{ spec['weight'] }} as weight,
            cast({{ spec['zero_at'] }} as decimal(9, 4)) as zero_at,
            cast({{ spec['full_at'] }} as decimal(9, 4)) as full_at
    {%- endfor -%}
{%- endmacro %}

{#- The grade of a score (decimal, already rounded): the first band whose min_score it reaches. -#}
{% macro scorecard_grade(score, field='grade') -%}
    {%- set grades = var('evaluation_scorecard')['grades'] -%}
    case
    {%- for band in grades %}
        when {{ score }} >= {{ band['min_score'] | default(0) }} then '{{ band[field] | default('') }}'
    {%- endfor %}
    end
{%- endmacro %}
