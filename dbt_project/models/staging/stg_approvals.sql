-- Administrative licences (approvals) (行政许可) without raw personal data: every column of silver.approvals except the
-- ones its contract marks as personal (macros/personal_data.sql): legal_rep.
select
    {{ non_personal_columns('approvals') }}
from {{ source('silver', 'approvals') }}
