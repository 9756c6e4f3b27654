-- gold.supervision_items: the supervision item catalog (docs/layers.md, "gold").
-- The column list lives in stg_supervision_items (the one place that picks silver's columns).
select * from {{ ref('stg_supervision_items') }}
