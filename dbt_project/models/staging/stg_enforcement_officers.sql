-- Enforcement officers (执法人员) without raw personal data: every column of silver.enforcement_officers except the
-- ones its contract marks as personal (macros/personal_data.sql): name, id_number, phone.
select
    {{ non_personal_columns('enforcement_officers') }}
from {{ source('silver', 'enforcement_officers') }}
