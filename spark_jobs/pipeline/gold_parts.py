"""The parts of the gold build, as the DAG runs them: one per dbt tag, in dependency order.

A part is a supervision repository (`repository_<N>`, the models in
`dbt_project/models/marts/<0N>_<name>/`), the cross-repository views or the metrics. Each part
is its own write-audit-publish (`spark_jobs.gold.publish`). File names only, no Spark: the DAG
file reads this at parse time to name each task's gold Assets.
"""

from __future__ import annotations

from spark_jobs.core.settings import REPO_ROOT

MODELS = REPO_ROOT / "dbt_project" / "models"
# History tables (dbt snapshots, dbt_project/snapshots/) and the part that writes them.
SNAPSHOTS = {"supervision_items_history": "repository_1"}

# part -> the parts whose marts it reads (dbt `ref`s across tags).
GOLD_PARTS: dict[str, tuple[str, ...]] = {
    "repository_1": (),
    "repository_2": (),
    "repository_3": (),
    "repository_4": ("repository_1", "repository_3"),
    "repository_5": (),
    "repository_6": ("repository_2",),  # entity_credit_classes reads the entities
    "repository_7": (),
    "repository_8": (),
    "cross_repository": ("repository_4", "repository_5", "repository_6"),
    "metrics": ("repository_1", "repository_4", "repository_5", "repository_7"),
    # the five risk-warning models read complaints, opinion, readings, credit, penalties,
    # the catalog, the knowledge base's risk features and the licences (approval linkage)
    "risk": (
        "repository_1",
        "repository_2",
        "repository_4",
        "repository_5",
        "repository_6",
        "repository_7",
        "repository_8",
        "cross_repository",
    ),
}

# The parts holding a model computed on the run date (dbt tag `as_of_run_date`): built on
# every run date. The others are skipped when nothing they read changed
# (`spark_jobs.gold.part_inputs`); tests/unit/gold/test_gold_parts.py keeps this set true.
AS_OF_PARTS = frozenset({"repository_6", "metrics", "risk"})


def part_folder(part: str):
    """The models folder of `part` (its dbt_project.yml tag)."""
    if part.startswith("repository_"):
        number = int(part.removeprefix("repository_"))
        (folder,) = (MODELS / "marts").glob(f"{number:02d}_*")
        return folder
    return {
        "cross_repository": MODELS / "marts" / "cross_repository",
        "metrics": MODELS / "metrics",
        "risk": MODELS / "risk",
    }[part]


def gold_models(part: str) -> list[str]:
    """The gold tables `part` writes: its models (every mart and metric is materialised) and
    its snapshots."""
    models = {p.stem for p in part_folder(part).glob("*.sql")}
    return sorted(models | {name for name, owner in SNAPSHOTS.items() if owner == part})
