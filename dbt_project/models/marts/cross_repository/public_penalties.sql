-- gold.public_penalties: administrative penalties as they are disclosed (行政处罚公示), only
-- those in force (public_status '0') and still inside their disclosure period on the
-- delivery date. No legal representative and no other personal data.
select
    record_id,
    decision_no,
    case_name,
    party_name,
    party_cert_type,
    party_uscc,
    illegal_fact,
    punish_basis,
    punish_type,
    fine,
    confiscated,
    decision_date,
    public_end_date,
    authority,
    authority_uscc,
    division_code,
    department_code,
    item_code,
    action_id
from {{ ref('stg_credit_penalties') }}
where
    public_status = '0'
    and (public_end_date is null or public_end_date >= delivery_date)
