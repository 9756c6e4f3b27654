-- gold.public_opinion: public-opinion items (舆情信息) about supervised entities, one row per
-- opinion_id, keyed to the entity by USCC (null when the item names none).
select
    opinion_id,
    platform,
    platform_name,
    published_at,
    url,
    title,
    summary,
    sentiment,
    sentiment_name,
    heat,
    topic,
    keywords,
    entity_uscc,
    entity_name,
    division_code,
    delivery_date
from {{ ref('stg_third_party_opinion') }}
