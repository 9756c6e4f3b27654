-- Complaints dispatched by the national system (国家下发投诉举报) without raw personal data: every column of silver.national_dispatched_complaints except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('national_dispatched_complaints') }}
from {{ source('silver', 'national_dispatched_complaints') }}
