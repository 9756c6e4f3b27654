-- gold.supervision_actions: every silver column except contact_name / contact_phone, plus
-- main_item_name from the catalog and officer_count (docs/layers.md, "gold").
-- Incremental: MERGE on action_id of the rows silver wrote since this mart's newest
-- _silver_at (macros/incremental.sql), so a day costs the same at day 1 and day 300.
-- Left join: an action whose item is missing from the catalog still reaches gold (with a null
-- main_item_name) and fails the relationships test, which keeps it from being published.
{{ config(
    materialized='incremental',
    incremental_strategy='merge',
    unique_key='action_id',
    on_schema_change='append_new_columns',
) }}

with actions as (
    select * from {{ ref('stg_supervision_actions') }}
    where {{ newer_silver_rows() }}
),

items as (
    select
        item_code,
        main_item_name
    from {{ ref('stg_supervision_items') }}
)

select
    a.action_id,
    a.action_name,
    a.item_code,
    i.main_item_name,
    a.action_type,
    a.action_type_name,
    a.inspection_action_id,
    a.entity_uscc,
    a.entity_name,
    a.division_code,
    a.action_date,
    a.result_code,
    a.department_code,
    a.department_name,
    a.officer_license_nos,
    size(a.officer_license_nos) as officer_count,
    a.content,
    a.contact_name_masked,
    a.contact_phone_masked,
    a.contact_phone_token,
    a.submitted_date,
    a.delivery_date,
    a._source_file,
    a._file_sha256,
    a._row_number,
    a._batch_id,
    a._ingested_at,
    a._silver_at
from actions as a
left join items as i
    on a.item_code = i.item_code
