-- gold.risk_signals: every signal hit of the five risk-warning models (风险预警信号), one row per
-- model, signal and source row, each naming its source row (source_table, source_key): a
-- complaint, a public-opinion item, a monitoring reading, a credit record, a penalty or a
-- licence. Signals, points and windows are dbt var risk_models (dbt_project.yml, OUR
-- ASSUMPTION); `counted` marks the hits the score uses (the newest max_hits per signal).
-- A supporting signal is kept only for an entity with a non-supporting hit in the same model;
-- licence_missing is looked for only on such entities. Legal persons only (keyed by uscc): a
-- row that names no USCC cannot be attributed and gives no signal.
{%- set cfg = risk_models() %}
{%- set models = cfg['models'] %}
{%- set stage_one = [] %}
{%- set licence_signals = [] %}
{%- set keyword_signals = [] %}
{%- for model_key, model in models.items() %}
    {%- for s in model['signals'] %}
        {%- do (licence_signals if s['kind'] == 'licence_missing' else stage_one).append((model_key, s)) %}
        {%- if s['kind'] == 'keywords' %}{% do keyword_signals.append((model_key, s)) %}{% endif %}
    {%- endfor %}
{%- endfor %}

with complaint_texts as (
    select
        concat('12345:', work_order_id) as complaint_id,
        category_code as category,
        concat_ws(' ', title, content) as search_text
    from {{ ref('stg_hotline_12345') }}
    union all
    select
        concat('12315:', reg_no) as complaint_id,
        coalesce(complaint_type, tip_type) as category,
        concat_ws(
            ' ', complaint_service_name, complaint_detail, tip_service_name, tip_detail
        ) as search_text
    from {{ ref('stg_complaints_12315') }}
    union all
    select
        concat('national:', task_no) as complaint_id,
        problem_type as category,
        concat_ws(' ', task_name, content) as search_text
    from {{ ref('stg_national_dispatched_complaints') }}
),

complaints as (
    -- accepted complaints and reports about a legal person, received within the window
    select
        c.complaint_id as source_key,
        c.entity_uscc as uscc,
        c.entity_name,
        c.received_date as signal_date,
        t.category,
        t.search_text
    from {{ ref('complaints') }} as c
    inner join complaint_texts as t on c.complaint_id = t.complaint_id
    where
        c.entity_uscc is not null
        and c.lifecycle_status != 'rejected'
        and c.received_date between {{ risk_window_start() }} and {{ run_date() }}
),

opinions as (
    select
        opinion_id as source_key,
        entity_uscc as uscc,
        entity_name,
        published_at as signal_date,
        topic,
        sentiment,
        concat_ws(' ', title, summary, array_join(keywords, ' ')) as search_text
    from {{ ref('public_opinion') }}
    where
        entity_uscc is not null
        and published_at between {{ risk_window_start() }} and {{ run_date() }}
),

texts as (
    select
        'gold.complaints' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        search_text
    from complaints
    union all
    select
        'gold.public_opinion' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        search_text
    from opinions
),

readings as (
    select
        reading_id as source_key,
        enterprise_uscc as uscc,
        enterprise_name as entity_name,
        measured_at as signal_date,
        indicator_code,
        value,
        limit_value
    from {{ ref('monitoring_readings') }}
    where
        over_limit
        and enterprise_uscc is not null
        and measured_at between {{ risk_window_start() }} and {{ run_date() }}
),

credit as (
    -- credit records in force on the run date (an entry past its end date no longer counts)
    select
        event_id as source_key,
        uscc,
        entity_name,
        event_date as signal_date,
        event_kind
    from {{ ref('credit_events') }}
    where
        event_status = 'in_force'
        and uscc is not null
        and (end_date is null or end_date >= {{ run_date() }})
),

penalties as (
    select
        action_id as source_key,
        entity_uscc as uscc,
        entity_name,
        action_date as signal_date,
        main_item_name
    from {{ ref('penalties') }}
    where
        entity_uscc is not null
        and action_date between {{ risk_window_start() }} and {{ run_date() }}
),

signal_words as (
    -- the keywords of each keywords signal: its configured ones, then its risk feature's
    {%- if keyword_signals %}
        {%- for model_key, s in keyword_signals %}
            {%- if not loop.first %}
                union all
        {%- endif %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                array_distinct(
                    concat({{ risk_strings(s.get('keywords')) }}, flatten(collect_list(keywords)))
                ) as words
            from {{ ref('knowledge_base') }}
            -- the keywords of the signal's risk feature in force (风险特征库)
            where
                kind = 'risk_feature'
                and in_force
                and keywords is not null
                and title = '{{ s.get("feature") }}'
        {%- endfor %}
    {%- else %}
        select
            cast(null as string) as risk_model,
            cast(null as string) as signal_name,
            keywords as words
        from {{ ref('knowledge_base') }}
        where false
    {%- endif %}
),

licence_lookup as (
    -- per licence_missing signal, each entity's latest licence of its names, and whether any
    -- of them is valid on the run date
    {%- if licence_signals %}
        {%- for model_key, s in licence_signals %}
            {%- if not loop.first %}
                union all
        {%- endif %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                entity_uscc as uscc,
                licence_no,
                licence_name,
                licence_status,
                valid_until,
                entity_name,
                row_number() over (
                    partition by entity_uscc order by valid_until desc nulls last, licence_no desc
                ) as licence_rank,
                max(
                    licence_status = 'valid'
                    and (valid_until is null or valid_until >= {{ run_date() }})
                ) over (partition by entity_uscc) as has_valid
            from {{ ref('approval_supervision_linkage') }}
            where
                entity_uscc is not null
                and array_contains({{ risk_strings(s['licence_names']) }}, licence_name)
        {%- endfor %}
    {%- else %}
        select
            cast(null as string) as risk_model,
            cast(null as string) as signal_name,
            cast(null as string) as uscc,
            cast(null as string) as licence_no,
            cast(null as string) as licence_name,
            cast(null as string) as licence_status,
            cast(null as date) as valid_until,
            cast(null as string) as entity_name,
            cast(null as int) as licence_rank,
            cast(null as boolean) as has_valid
        from {{ ref('approval_supervision_linkage') }}
        where false
    {%- endif %}
),

stage_one as (
{%- for model_key, s in stage_one %}
        {%- set kind = s['kind'] %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        {%- if kind == 'complaint_category' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                'gold.complaints' as source_table,
                source_key,
                uscc,
                entity_name,
                signal_date,
                concat('分类 ', category) as evidence
            from complaints
            where
                exists({{ risk_strings(s['codes']) }}, code -> startswith(category, code))
                and not exists({{ risk_strings(s.get('exclude_codes')) }}, code -> startswith(category, code))
        {%- elif kind == 'keywords' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                t.source_table,
                t.source_key,
                t.uscc,
                t.entity_name,
                t.signal_date,
                concat('特征词 ', array_join(filter(w.words, k -> instr(t.search_text, k) > 0), '、')) as evidence
            from texts as t
            inner join signal_words as w
                on w.risk_model = '{{ model_key }}' and w.signal_name = '{{ s["name"] }}'
            where exists(w.words, k -> instr(t.search_text, k) > 0)
        {%- elif kind == 'opinion_topic' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                'gold.public_opinion' as source_table,
                source_key,
                uscc,
                entity_name,
                signal_date,
                concat('舆情 ', topic, ' ', sentiment) as evidence
            from opinions
            where
                array_contains({{ risk_strings(s['topics']) }}, topic)
                and array_contains({{ risk_strings(s['sentiments']) }}, sentiment)
        {%- elif kind == 'reading_over_limit' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                'gold.monitoring_readings' as source_table,
                source_key,
                uscc,
                entity_name,
                signal_date,
                concat('超限 ', indicator_code, ' ', value, '/', limit_value) as evidence
            from readings
            where array_contains({{ risk_strings(s['indicator_codes']) }}, indicator_code)
        {%- elif kind == 'credit_list' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                'gold.credit_events' as source_table,
                source_key,
                uscc,
                entity_name,
                signal_date,
                concat('信用 ', event_kind) as evidence
            from credit
            where array_contains({{ risk_strings(s['event_kinds']) }}, event_kind)
        {%- elif kind == 'penalty' %}
            select
                '{{ model_key }}' as risk_model,
                '{{ s["name"] }}' as signal_name,
                'gold.penalties' as source_table,
                source_key,
                uscc,
                entity_name,
                signal_date,
                concat('处罚 ', main_item_name) as evidence
            from penalties
            where exists({{ risk_strings(s['item_keywords']) }}, k -> instr(main_item_name, k) > 0)
        {%- else %}
    {{ exceptions.raise_compiler_error("risk_models: unknown signal kind " ~ kind ~ " in " ~ model_key) }}
    {%- endif %}
    {%- endfor %}
),

signal_config as (
    select *
    from
        values
        {%- for model_key, model in models.items() %}
            {%- set outer = loop %}
            {%- for s in model['signals'] %}
                (
                    '{{ model_key }}', '{{ model["name"] }}', '{{ s["name"] }}', '{{ s["label"] }}',
                    '{{ s["kind"] }}', {{ s['points'] }}, {{ s['max_hits'] }},
                    {{ 'true' if s.get('supporting') else 'false' }}
                ){% if not (outer.last and loop.last) %},{% endif %}
            {%- endfor %}
        {%- endfor %}
            as cfg (risk_model, model_name, signal_name, signal_label, signal_kind, points, max_hits, supporting)
),

primary_entities as (
    -- entities with a hit of a non-supporting signal, per model
    select distinct
        h.risk_model,
        h.uscc
    from stage_one as h
    inner join signal_config as c on h.risk_model = c.risk_model and h.signal_name = c.signal_name
    where not c.supporting
),

licence_missing as (
    -- an entity with a primary hit and no valid licence of the signal's names: the source row
    -- is its latest lapsed licence, else the entity itself (it never held one)
    select
        c.risk_model,
        c.signal_name,
        case
            when l.licence_no is null then 'gold.supervised_entities'
            else 'gold.approval_supervision_linkage'
        end as source_table,
        coalesce(l.licence_no, p.uscc) as source_key,
        p.uscc,
        l.entity_name,
        coalesce(l.valid_until, {{ run_date() }}) as signal_date,
        case
            when l.licence_no is null then '未查到许可'
            else concat_ws(' ', '许可', l.licence_name, l.licence_status, cast(l.valid_until as string))
        end as evidence
    from signal_config as c
    inner join primary_entities as p on c.risk_model = p.risk_model
    left join licence_lookup as l
        on
            c.risk_model = l.risk_model
            and c.signal_name = l.signal_name
            and p.uscc = l.uscc
            and l.licence_rank = 1
    where c.signal_kind = 'licence_missing' and not coalesce(l.has_valid, false)
),

hits as (
    select * from stage_one
    union all
    select * from licence_missing
),

configured as (
    select
        h.*,
        c.model_name,
        c.signal_label,
        c.signal_kind,
        c.points,
        c.max_hits,
        c.supporting,
        row_number() over (
            partition by h.risk_model, h.uscc, h.signal_name
            order by h.signal_date desc, h.source_table asc, h.source_key asc
        ) as hit_rank
    from hits as h
    inner join signal_config as c on h.risk_model = c.risk_model and h.signal_name = c.signal_name
    -- a supporting signal counts only beside a non-supporting one
    left semi join primary_entities as p on h.risk_model = p.risk_model and h.uscc = p.uscc
)

select
    risk_model,
    model_name,
    uscc,
    entity_name,
    signal_name,
    signal_label,
    signal_kind,
    supporting,
    points,
    hit_rank <= max_hits as counted,
    source_table,
    source_key,
    signal_date,
    evidence,
    {{ run_date() }} as as_of
from configured
