-- gold.supervised_entities: one row per supervised entity (监管对象) of the six kinds, keyed by
-- entity_key: the USCC for legal persons, the ID-number token for natural persons, the entity
-- id for equipment, products, sites and projects. name_variants and seen_in collect the names
-- the other repositories deliver for the same USCC, and where each came from.
with entities as (
    select * from {{ ref('stg_supervised_entities') }}
),

names_elsewhere as (
    select
        entity_uscc as uscc,
        entity_name,
        'supervision_actions' as source_table
    from {{ ref('stg_supervision_actions') }}
    union all
    select
        entity_uscc as uscc,
        entity_name,
        'approvals' as source_table
    from {{ ref('stg_approvals') }}
    union all
    select
        party_uscc as uscc,
        party_name as entity_name,
        'credit_penalties' as source_table
    from {{ ref('stg_credit_penalties') }}
    union all
    select
        uscc,
        entity_name,
        'credit_abnormal_operations' as source_table
    from {{ ref('stg_credit_abnormal_operations') }}
    union all
    select
        entity_uscc as uscc,
        entity_name,
        'third_party_opinion' as source_table
    from {{ ref('stg_third_party_opinion') }}
),

variants as (
    select
        uscc,
        array_sort(collect_set(entity_name)) as variant_names,
        array_sort(collect_set(source_table)) as sources
    from names_elsewhere
    where uscc is not null and entity_name is not null
    group by uscc
)

select
    case
        when e.kind = 'legal_person' then e.uscc
        when e.kind = 'natural_person' then e.id_number_token
        else e.entity_id
    end as entity_key,
    e.entity_id,
    e.kind,
    e.kind_name,
    e.subtype,
    e.name,
    e.uscc,
    e.person_name_masked,
    e.id_number_masked,
    e.id_number_token,
    e.owner_uscc,
    e.owner_name,
    e.division_code,
    e.address,
    e.industry_code,
    e.industry_name,
    e.legal_rep_masked,
    e.registered_date,
    e.registration_status,
    e.registration_status_name,
    e.risk_focus,
    e.risk_focus_name,
    e.key_supervision,
    e.key_supervision_name,
    e.credit_class,
    array_sort(array_distinct(
        filter(
            concat(array(e.name), coalesce(v.variant_names, cast(array() as array<string>))),
            n -> n is not null
        )
    )) as name_variants,
    array_sort(array_distinct(
        concat(array('supervised_entities'), coalesce(v.sources, cast(array() as array<string>)))
    )) as seen_in,
    e.delivery_date
from entities as e
left join variants as v
    on e.kind = 'legal_person' and e.uscc = v.uscc
