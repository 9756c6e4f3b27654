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
{#- the kinds of source row each kind of stage-one signal looks at, and its matched values #}
{%- set row_kinds = {
    'complaint_category': ['complaint'], 'keywords': ['complaint', 'opinion'],
    'opinion_topic': ['opinion'], 'reading_over_limit': ['reading'],
    'credit_list': ['credit'], 'penalty': ['penalty'],
} %}
{%- set match_key = {
    'complaint_category': 'codes', 'opinion_topic': 'topics',
    'reading_over_limit': 'indicator_codes', 'credit_list': 'event_kinds',
    'penalty': 'item_keywords', 'keywords': 'keywords',
} %}
{%- set stage_one_signals = [] %}
{%- set licence_signals = [] %}
{%- for model_key, model in models.items() %}
    {%- for s in model['signals'] %}
        {%- if s['kind'] == 'licence_missing' %}
            {%- do licence_signals.append((model_key, s)) %}
        {%- elif s['kind'] in match_key %}
            {%- do stage_one_signals.append((model_key, s)) %}
        {%- else %}
    {{ exceptions.raise_compiler_error("risk_models: unknown signal kind " ~ s['kind'] ~ " in " ~ model_key) }}
        {%- endif %}
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

candidates as (
    -- every source row a signal may hit, read once for all signals (a branch per signal
    -- planned every source again per signal and per use of the hits: hundreds of table scans
    -- for a few dozen rows, docs/risk.md): its kind, the value its signals match and the
    -- evidence a hit shows
    select
        'complaint' as row_kind,
        'gold.complaints' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        category as match_value,
        cast(null as string) as sentiment,
        search_text,
        concat('分类 ', category) as evidence
    from complaints
    union all
    select
        'opinion' as row_kind,
        'gold.public_opinion' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        topic as match_value,
        sentiment,
        search_text,
        concat('舆情 ', topic, ' ', sentiment) as evidence
    from opinions
    union all
    select
        'reading' as row_kind,
        'gold.monitoring_readings' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        indicator_code as match_value,
        cast(null as string) as sentiment,
        cast(null as string) as search_text,
        concat('超限 ', indicator_code, ' ', value, '/', limit_value) as evidence
    from readings
    union all
    select
        'credit' as row_kind,
        'gold.credit_events' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        event_kind as match_value,
        cast(null as string) as sentiment,
        cast(null as string) as search_text,
        concat('信用 ', event_kind) as evidence
    from credit
    union all
    select
        'penalty' as row_kind,
        'gold.penalties' as source_table,
        source_key,
        uscc,
        entity_name,
        signal_date,
        main_item_name as match_value,
        cast(null as string) as sentiment,
        cast(null as string) as search_text,
        concat('处罚 ', main_item_name) as evidence
    from penalties
),

feature_words as (
    -- the keywords of each risk feature in force (风险特征库), by its title
    select
        title,
        flatten(collect_list(keywords)) as words
    from {{ ref('knowledge_base') }}
    where
        kind = 'risk_feature'
        and in_force
        and keywords is not null
    group by title
),

signal_values as (
    -- per stage-one signal: the kinds of row it looks at, the values it matches and, for a
    -- keywords signal, its configured words and the title of its risk feature
    {%- if stage_one_signals %}
        select *
        from
            values
            {%- for model_key, s in stage_one_signals %}
                (
                    '{{ model_key }}', '{{ s["name"] }}', '{{ s["kind"] }}',
                    {{ risk_strings(row_kinds[s['kind']]) }},
                    {{ risk_strings(s.get(match_key[s['kind']])) }},
                    {{ risk_strings(s.get('exclude_codes')) }},
                    {{ risk_strings(s.get('sentiments')) }},
                    '{{ s.get("feature", "") }}'
                ){% if not loop.last %},{% endif %}
            {%- endfor %}
                as p (risk_model, signal_name, signal_kind, row_kinds, match_values, exclude_values, sentiments, feature)
    {%- else %}
        select
            cast(null as string) as risk_model,
            cast(null as string) as signal_name,
            cast(null as string) as signal_kind,
            cast(array() as array<string>) as row_kinds,
            cast(array() as array<string>) as match_values,
            cast(array() as array<string>) as exclude_values,
            cast(array() as array<string>) as sentiments,
            cast(null as string) as feature
        where false
    {%- endif %}
),

signal_params as (
    -- a keywords signal matches its configured words, then its risk feature's
    select
        p.risk_model,
        p.signal_name,
        p.signal_kind,
        p.row_kinds,
        p.exclude_values,
        p.sentiments,
        case
            when p.signal_kind = 'keywords'
                then array_distinct(concat(p.match_values, coalesce(f.words, cast(array() as array<string>))))
            else p.match_values
        end as match_values
    from signal_values as p
    left join feature_words as f on p.signal_kind = 'keywords' and p.feature = f.title
),

licence_params as (
    -- per licence_missing signal, the names of the licences it looks for
    {%- for model_key, s in licence_signals %}
        {%- if not loop.first %}
            union all
        {%- endif %}
        select
            '{{ model_key }}' as risk_model,
            '{{ s["name"] }}' as signal_name,
            {{ risk_strings(s['licence_names']) }} as licence_names
    {%- endfor %}
    {%- if not licence_signals %}
        select
            cast(null as string) as risk_model,
            cast(null as string) as signal_name,
            cast(array() as array<string>) as licence_names
        where false
    {%- endif %}
),

licence_lookup as (
    -- per licence_missing signal, each entity's latest licence of its names, and whether any
    -- of them is valid on the run date
    select
        p.risk_model,
        p.signal_name,
        l.entity_uscc as uscc,
        l.licence_no,
        l.licence_name,
        l.licence_status,
        l.valid_until,
        l.entity_name,
        row_number() over (
            partition by p.risk_model, p.signal_name, l.entity_uscc
            order by l.valid_until desc nulls last, l.licence_no desc
        ) as licence_rank,
        max(
            l.licence_status = 'valid'
            and (l.valid_until is null or l.valid_until >= {{ run_date() }})
        ) over (partition by p.risk_model, p.signal_name, l.entity_uscc) as has_valid
    from {{ ref('approval_supervision_linkage') }} as l
    inner join licence_params as p on array_contains(p.licence_names, l.licence_name)
    where l.entity_uscc is not null
),

stage_one as (
    -- every hit of a signal other than licence_missing
    select
        p.risk_model,
        p.signal_name,
        c.source_table,
        c.source_key,
        c.uscc,
        c.entity_name,
        c.signal_date,
        case
            when p.signal_kind = 'keywords'
                then concat('特征词 ', array_join(filter(p.match_values, k -> instr(c.search_text, k) > 0), '、'))
            else c.evidence
        end as evidence
    from candidates as c
    inner join signal_params as p on array_contains(p.row_kinds, c.row_kind)
    where
        case p.signal_kind
            when 'complaint_category'
                then
                    exists(p.match_values, code -> startswith(c.match_value, code))
                    and not exists(p.exclude_values, code -> startswith(c.match_value, code))
            when 'keywords' then exists(p.match_values, k -> instr(c.search_text, k) > 0)
            when 'opinion_topic'
                then array_contains(p.match_values, c.match_value) and array_contains(p.sentiments, c.sentiment)
            when 'penalty' then exists(p.match_values, k -> instr(c.match_value, k) > 0)
            -- reading_over_limit, credit_list
            else array_contains(p.match_values, c.match_value)
        end
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
        ) as hit_rank,
        -- a supporting signal counts only beside a non-supporting one (a window, not a join
        -- to primary_entities: that would plan stage_one a third time)
        max(not c.supporting) over (partition by h.risk_model, h.uscc) as has_primary
    from hits as h
    inner join signal_config as c on h.risk_model = c.risk_model and h.signal_name = c.signal_name
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
where has_primary
