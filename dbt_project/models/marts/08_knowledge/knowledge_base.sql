-- gold.knowledge_base: laws, cases, plans, rules and risk features (知识库), one row per doc_id,
-- with the catalog items each applies to; in_force marks documents currently valid.
select
    doc_id,
    kind,
    kind_name,
    title,
    body,
    issued_date,
    effective_date,
    issuer,
    validity,
    validity_name,
    validity = 'valid' as in_force,
    department_code,
    item_codes,
    keywords,
    delivery_date
from {{ ref('stg_knowledge') }}
