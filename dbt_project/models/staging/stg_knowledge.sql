-- Knowledge base (知识库) without raw personal data: every column of silver.knowledge except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('knowledge') }}
from {{ source('silver', 'knowledge') }}
