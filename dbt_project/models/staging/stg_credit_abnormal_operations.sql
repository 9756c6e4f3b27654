-- Abnormal-operation list (经营异常名录) without raw personal data: every column of silver.credit_abnormal_operations except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('credit_abnormal_operations') }}
from {{ source('silver', 'credit_abnormal_operations') }}
