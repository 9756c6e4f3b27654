-- Administrative penalty disclosures (行政处罚公示) without raw personal data: every column of silver.credit_penalties except the
-- ones its contract marks as personal (macros/personal_data.sql): legal_rep.
select
    {{ non_personal_columns('credit_penalties') }}
from {{ source('silver', 'credit_penalties') }}
