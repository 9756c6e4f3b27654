-- Singular test: every scorecard subject and period is scored on indicators whose configured
-- weights sum to 100 (var evaluation_scorecard). Returns the offending subjects.
select
    run_date,
    period_grain,
    period_start,
    subject_type,
    subject_code,
    sum(weight) as weights
from {{ ref('evaluation_indicators') }}
group by run_date, period_grain, period_start, subject_type, subject_code
having sum(weight) != 100
