-- Supervised entities (监管对象) without raw personal data: every column of silver.supervised_entities except the
-- ones its contract marks as personal (macros/personal_data.sql): person_name, id_number, legal_rep.
select
    {{ non_personal_columns('supervised_entities') }}
from {{ source('silver', 'supervised_entities') }}
