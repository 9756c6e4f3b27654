-- Red and black lists (红黑名单) without raw personal data: every column of silver.credit_red_black_lists except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('credit_red_black_lists') }}
from {{ source('silver', 'credit_red_black_lists') }}
