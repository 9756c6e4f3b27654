-- gold.risk_warnings: the warnings of the five risk-warning models (风险预警信息), pushed to
-- the responsible department: one row per model and legal person whose model score reached
-- the threshold (warning_id = '<model>:<uscc>'), with the signals behind it (each naming its
-- source row), an explanation, the department of the model (dbt var risk_models) and the
-- handling result the department fed back (ops.risk_warning_feedback, loaded by
-- `python -m spark_jobs.risk feedback`). One table partitioned by department_code: each
-- department reads its own partition (docs/risk.md says why not one table per department).
-- A handled warning with counted signals dated after its handling date is `reopened`.
{{ config(partition_by=['department_code']) }}

with warned as (
    select * from {{ ref('risk_model_scores') }}
    where warned
),

signals as (
    select
        risk_model,
        uscc,
        sort_array(
            collect_list(
                named_struct(
                    'signal_date', signal_date,
                    'signal_name', signal_name,
                    'signal_label', signal_label,
                    'points', points,
                    'counted', counted,
                    'source_table', source_table,
                    'source_key', source_key,
                    'evidence', evidence
                )
            ),
            false
        ) as signals
    from {{ ref('risk_signals') }}
    group by risk_model, uscc
),

departments as (
    select
        department_code,
        max(department_name) as department_name
    from {{ ref('supervision_items') }}
    group by department_code
),

feedback as (
    {{ risk_feedback() }}
),

explained as (
    select
        concat(w.risk_model, ':', w.uscc) as warning_id,
        w.risk_model,
        w.model_name,
        w.uscc,
        w.entity_name,
        w.score,
        w.threshold,
        w.warning_level,
        w.counted_signals,
        s.signals,
        concat(
            w.model_name, ' ', w.score, '分（阈值', w.threshold, '）：',
            array_join(
                transform(
                    filter(s.signals, x -> x.counted),
                    x -> concat(
                        x.signal_label, ' +', x.points, '（', x.evidence, '；',
                        x.source_table, ' ', x.source_key, '）'
                    )
                ),
                '；'
            )
        ) as explanation,
        w.department_code,
        d.department_name,
        w.latest_signal_date,
        w.as_of
    from warned as w
    inner join signals as s on w.risk_model = s.risk_model and w.uscc = s.uscc
    left join departments as d on w.department_code = d.department_code
)

select
    e.warning_id,
    e.risk_model,
    e.model_name,
    e.uscc,
    e.entity_name,
    e.score,
    e.threshold,
    e.warning_level,
    e.counted_signals,
    e.signals,
    e.explanation,
    e.department_name,
    case
        when f.warning_id is null then 'pushed'
        when
            f.handling_status in ('handled', 'unfounded')
            and size(filter(e.signals, x -> x.counted and x.signal_date > f.handled_on)) > 0
            then 'reopened'
        else f.handling_status
    end as handling_status,
    f.handled_on,
    f.handling_result,
    f.handling_unit,
    coalesce(
        size(filter(e.signals, x -> x.counted and x.signal_date > f.handled_on)), 0
    ) as new_signals_since_handled,
    e.latest_signal_date,
    e.as_of as pushed_on,
    e.department_code
from explained as e
left join feedback as f on e.warning_id = f.warning_id
