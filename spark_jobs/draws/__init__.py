"""Double-random draws (双随机、一公开): a plan, an entity pool and an officer pool from gold, and
a draw that anyone can re-compute from its record (seed, pool snapshot and its hash, algorithm).

`python -m spark_jobs.draws draw --plan <plan.yaml>` draws and records; `... verify <draw_id>`
re-draws from the record and proves the same selection (README, "Double-random draws").
"""
