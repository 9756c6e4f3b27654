-- Monitoring readings (监测监控数据) without raw personal data: every column of silver.third_party_readings except the
-- ones its contract marks as personal (macros/personal_data.sql).
select
    {{ non_personal_columns('third_party_readings') }}
from {{ source('silver', 'third_party_readings') }}
