"""The synthetic province loaded once per test run: every source into bronze, then silver.

Session-scoped because a whole delivery through Delta is the most expensive fixture of the
suite; the bronze and silver province tests share it. Later tests register other lakes under
the same table names, so tests read the province's tables by path (`province.table`).
"""

import dataclasses
from datetime import date
from types import SimpleNamespace

import pytest

from spark_jobs.contracts import all_contracts, build_order
from spark_jobs.ingest import bronze
from spark_jobs.ingest.landing import stage_landing
from spark_jobs.silver import build as silver
from tests.synthetic import PROVINCE, SCHEMAS

PROVINCE_DAY = date(2024, 6, 28)


@pytest.fixture(scope="session")
def province(spark, base_settings, tmp_path_factory):
    lake = dataclasses.replace(base_settings, home=tmp_path_factory.mktemp("province"))
    stage_landing(lake, PROVINCE / "landing")
    contracts = build_order(all_contracts(SCHEMAS))
    ingested = {c.name: bronze.ingest(spark, lake, c, PROVINCE_DAY) for c in contracts}
    built = silver.build_all(spark, lake, contracts)  # as the pipeline's build_silver

    def table(layer: str, name: str):
        return spark.read.format("delta").load(lake.table_path(layer, name))

    return SimpleNamespace(
        lake=lake, contracts=contracts, bronze=ingested, silver=built, table=table
    )
