-- Inspection checklists (检查实施清单) without raw personal data: every column of silver.inspection_checklists except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('inspection_checklists') }}
from {{ source('silver', 'inspection_checklists') }}
