-- Public opinion (网络舆情) without raw personal data: every column of silver.third_party_opinion except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('third_party_opinion') }}
from {{ source('silver', 'third_party_opinion') }}
