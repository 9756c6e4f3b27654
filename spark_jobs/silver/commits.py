"""The commits a silver build makes after its MERGEs, gathered across sources.

Each source's silver table has its own MERGE, but the quarantine rows of every source built in
one run go to `silver.quarantine` in one commit, and their `silver/done` ops rows to
`ops.batch_log` in one MERGE: on the province that was a quarantine commit (1.6 s) and an ops
MERGE (1.0 s) per source, 45 s of a 133 s silver stage for 18 sources.

Crash safety is unchanged: both are written after every MERGE of the run, and only the ops rows
mark batches done, so a run that dies before them is redone whole by the next (each MERGE is
idempotent, the quarantine rows of a batch are replaced, not added). The quarantine rows are
fetched to the driver (Arrow) while their source's validated rows are still cached: they are
the problem rows only, a few percent of a delivery.
"""

from __future__ import annotations

from datetime import date

import pyarrow as pa
from pyspark.sql import DataFrame

from spark_jobs.contracts import Contract
from spark_jobs.core import ops
from spark_jobs.core.settings import Settings
from spark_jobs.silver import release
from spark_jobs.silver.quarantine import (
    QUARANTINE_SCHEMA,
    quarantine_rows,
    replace_clause,
    write_quarantine,
)


class Commits:
    """What the sources of one build write after their MERGEs; `flush` writes it."""

    def __init__(self) -> None:
        self._quarantine: list[pa.Table] = []
        self._clauses: list[str] = []
        self._released: list[tuple[Contract, list[tuple[str, int]], date]] = []
        self._ops: list[dict] = []

    def quarantine(
        self, contract: Contract, classified: DataFrame, batch_ids: list[str], files: list[str]
    ) -> None:
        """The quarantine rows of these new batches (fetched now, while `classified` is cached)."""
        self._quarantine.append(quarantine_rows(contract, classified).toArrow())
        self._clauses.append(replace_clause(contract, batch_ids, files))

    def released(self, contract: Contract, rows: list[tuple[str, int]], day: date) -> None:
        if rows:
            self._released.append((contract, rows, day))

    def ops(self, rows: list[dict]) -> None:
        self._ops.extend(rows)

    def absorb(self, other: Commits) -> None:
        """Add what another source's build gathered (`build_all` gives each its own, as
        sources are built on several threads, and joins them in build order)."""
        self._quarantine.extend(other._quarantine)
        self._clauses.extend(other._clauses)
        self._released.extend(other._released)
        self._ops.extend(other._ops)

    def flush(self, spark, settings: Settings) -> None:
        """Quarantine (one commit), the released marks, then ops (one MERGE): ops last, so
        that a crash before it leaves the batches pending and the next run redoes them."""
        if self._clauses:
            table = pa.concat_tables(self._quarantine) if self._quarantine else None
            rows = (
                spark.createDataFrame(table)
                if table is not None and table.num_rows
                else spark.createDataFrame([], QUARANTINE_SCHEMA)
            )
            names = [f.name for f in QUARANTINE_SCHEMA]
            write_quarantine(spark, settings, rows.select(*names), self._clauses)
        for contract, rows_released, day in self._released:
            release.mark_released(spark, settings, contract, rows_released, day)
        ops.record(spark, settings, self._ops)
        self.__init__()  # type: ignore[misc]  # empty again: a second flush writes nothing
