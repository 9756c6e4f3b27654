-- gold.credit_classes: the monthly credit class (信用分类 A-D) of every entity, one row per
-- uscc and class_month; latest marks each entity's most recent class.
select
    uscc,
    entity_name,
    class_month,
    credit_class,
    score,
    classified_by,
    division_code,
    row_number() over (partition by uscc order by class_month desc) = 1 as latest,
    delivery_date
from {{ ref('stg_credit_classes') }}
