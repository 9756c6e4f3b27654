-- gold.enforcement_officers: law-enforcement officers (执法人员) with their department and
-- licence validity, without the name, ID number and phone (masked and token forms only).
select
    *,
    valid_until >= delivery_date as licence_valid_on_delivery
from {{ ref('stg_enforcement_officers') }}
