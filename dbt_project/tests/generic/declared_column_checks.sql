{#-
  The column tests declared on the model's columns in its yml (not_null, unique,
  accepted_values, at_least, not_before: var `declared_column_checks`), checked in one query:
  one scan of the model instead of one Spark query per column test. On a small day each query
  costs about as much as the scan itself (docs/pitfalls.md, "A dbt test is a Spark query"), and
  gold declares about 170 such tests.

  The pipeline's gold builds run this test and exclude the column tests it covers
  (spark_jobs/gold/publish.build_args); `dbt build` by hand runs both, with the same outcome.
  The yml declarations stay the one place a check is written: the column tests are read from
  dbt's graph when this test runs, so a test added to a column is checked at once.

  Returns one row per declared test that fails, named as that test's node (for example
  not_null_supervision_actions_action_id), with the number of failing rows. For `unique` that
  number is the rows beyond the first of each repeated value (dbt's own test counts the
  repeated values); for `accepted_values` it is the rows, not the distinct values. Zero rows:
  every declared test passes. A covered test with its own `where`, severity or thresholds
  cannot share the query: compiling this test then fails and names it.
-#}
{% test declared_column_checks(model) %}
    {%- set checks = declared_column_check_list(model) -%}
    {%- if checks | length == 0 %}
    select cast(null as string) as test_name, cast(0 as bigint) as failures
    where false
    {%- else %}
    select test_name, failures
    from (
        select stack(
            {{ checks | length }},
            {%- for check in checks %}
            '{{ check.name }}', `{{ check.name }}`{{ "," if not loop.last }}
            {%- endfor %}
        ) as (test_name, failures)
        from (
            select
            {%- for check in checks %}
                {{ check.failing_rows }} as `{{ check.name }}`{{ "," if not loop.last }}
            {%- endfor %}
            from {{ model }}
        ) as counted
    ) as per_test
    where failures > 0
    {%- endif %}
{% endtest %}
