-- 12345 hotline work orders (12345热线工单) without raw personal data: every column of silver.hotline_12345 except the
-- ones its contract marks as personal (macros/personal_data.sql): caller_name, caller_phone.
select
    {{ non_personal_columns('hotline_12345') }}
from {{ source('silver', 'hotline_12345') }}
