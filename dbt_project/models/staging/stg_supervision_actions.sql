-- Actions without raw personal data. The columns are listed one by one on purpose: a
-- `select *` would carry any personal column silver gains later straight into gold.
-- contact_name and contact_phone are NOT selected (only their masked / tokenised forms).
select
    action_id,
    action_name,
    item_code,
    action_type,
    action_type_name,
    -- contract 1.1.0; null on a silver table its next build has not widened yet
    {{ column_or_null(source('silver', 'supervision_actions'), 'inspection_action_id', 'string') }},
    entity_uscc,
    entity_name,
    division_code,
    action_date,
    result_code,
    department_code,
    department_name,
    officer_license_nos,
    content,
    contact_name_masked,
    contact_phone_masked,
    contact_phone_token,
    submitted_date,
    delivery_date,
    _source_file,
    _file_sha256,
    _row_number,
    _batch_id,
    _ingested_at,
    _silver_at
from {{ source('silver', 'supervision_actions') }}
