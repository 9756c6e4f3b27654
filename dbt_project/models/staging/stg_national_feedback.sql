-- National quality-check feedback (国家质检反馈) without raw personal data: every column of silver.national_feedback except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('national_feedback') }}
from {{ source('silver', 'national_feedback') }}
