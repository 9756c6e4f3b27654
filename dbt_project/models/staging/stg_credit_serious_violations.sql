-- Serious-violation list (严重违法失信名单) without raw personal data: every column of silver.credit_serious_violations except the
-- ones its contract marks as personal (macros/personal_data.sql): legal_rep.
select
    {{ non_personal_columns('credit_serious_violations') }}
from {{ source('silver', 'credit_serious_violations') }}
