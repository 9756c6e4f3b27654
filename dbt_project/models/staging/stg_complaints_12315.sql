-- 12315 complaints and reports (12315投诉举报) without raw personal data: every column of silver.complaints_12315 except the
-- ones its contract marks as personal (macros/personal_data.sql): complainant_name, complainant_phone.
select
    {{ non_personal_columns('complaints_12315') }}
from {{ source('silver', 'complaints_12315') }}
