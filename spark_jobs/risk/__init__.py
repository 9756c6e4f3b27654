"""Risk warnings (风险预警): the departments' handling results fed back into the lake.

The five models themselves are dbt models (`dbt_project/models/risk/`, docs/risk.md).
"""
