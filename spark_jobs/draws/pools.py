"""The two pools of a plan (一单两库), read from gold as the draw date sees them.

Entity pool (检查对象名录库): gold.supervised_entities of the plan's kinds in the plan's region,
still in business (registration status active, or none delivered), each with its credit class:
gold.entity_credit_classes where it has a row (published classes win there), else the class
the entity registry delivered, else the policy's `unclassified_class`.
Officer pool (执法检查人员名录库): gold.enforcement_officers of the plan's department, on duty
(status active) and with a licence valid on the draw date; identified by licence number.
"""

from __future__ import annotations

from pyspark.sql import functions as F

from spark_jobs.draws.algorithm import PoolEntity
from spark_jobs.draws.plan import Plan, PlanError, Policy

CLASSES_TABLE = "gold.entity_credit_classes"


def check_item(spark, plan: Plan) -> None:
    """The plan's item must be in the catalog (gold.supervision_items)."""
    found = spark.table("gold.supervision_items").where(F.col("item_code") == plan.item_code)
    if found.limit(1).count() == 0:
        raise PlanError(f"plan {plan.plan_id}: item_code {plan.item_code} is not in the catalog")


def entity_pool(spark, plan: Plan, policy: Policy) -> list[PoolEntity]:
    entities = spark.table("gold.supervised_entities").where(
        F.col("kind").isin(list(plan.entity_kinds))
        & F.col("division_code").startswith(plan.division_prefix)
        & F.coalesce(F.col("registration_status"), F.lit("active")).eqNullSafe("active")
    )
    delivered = F.col("e.credit_class")
    if spark.catalog.tableExists(CLASSES_TABLE):
        classes = spark.table(CLASSES_TABLE).select("uscc", F.col("credit_class").alias("cls"))
        entities = entities.alias("e").join(
            classes.alias("c"), (F.col("e.kind") == "legal_person") & (F.col("e.uscc") == F.col("c.uscc")), "left"
        )  # fmt: skip
        delivered = F.coalesce(F.col("c.cls"), F.col("e.credit_class"))
    else:
        entities = entities.alias("e")
    rows = entities.select(
        F.col("e.entity_key").alias("entity_key"),
        F.coalesce(delivered, F.lit(policy.unclassified_class)).alias("credit_class"),
    ).collect()
    return [PoolEntity(r.entity_key, r.credit_class) for r in rows if r.entity_key]


def officer_pool(spark, plan: Plan) -> list[str]:
    rows = (
        spark.table("gold.enforcement_officers")
        .where(
            (F.col("department_code") == plan.department_code)
            & (F.col("status") == "active")
            & (F.col("valid_until") >= F.lit(plan.drawn_on))
        )
        .select("license_no")
        .distinct()
        .collect()
    )
    return sorted(r.license_no for r in rows)
