-- Enterprise credit risk classes (企业信用风险分类) without raw personal data: every column of silver.credit_classes except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('credit_classes') }}
from {{ source('silver', 'credit_classes') }}
