"""Compiled or interpreted expressions, chosen by the size of the lake.

Spark turns every query's expressions into Java source, compiles it with Janino, and the JIT
then compiles those classes again. On a small lake (a province's first days, the demo, the
tests) that compiling costs more than evaluating the rows: a gold build of the province's
first day ran about 2,200 compilations. With expressions interpreted
(`spark.sql.codegen.factoryMode=NO_CODEGEN`, whole-stage codegen off), the actions' and the
credit repositories' gold parts, built again and again in one warm process, took 12.6-13.4 s
against 17.1-19.2 s compiled (about 30 % less JVM CPU), and the demo day 81.3 s against 94.0 s.
On a large lake it is the other way round: the five action marts over one million actions took
98-102 s interpreted against 32-56 s compiled. So each task chooses when it starts
(`fit_to_lake`): interpreted while bronze, which holds every row ever delivered, is smaller than
`Settings.interpreted_below_mb` (`LAKEHOUSE_INTERPRETED_BELOW_MB`, 16 MB by default; the
province's first day is 3.6 MB, the million-action day 107 MB), compiled from then on. 0 keeps
Spark's compiled default everywhere. Both modes compute the same values: Spark runs its own
expression tests in both, and the suite runs our stages in both (docs/pitfalls.md).

`factoryMode` is a setting Spark documents as internal (its tests switch it); it is the only
switch for expression codegen. It and `wholeStage` are runtime SQL settings, so a long-lived
process (the main job, a test session) changes mode between tasks as its lake grows.
"""

from __future__ import annotations

import logging

from spark_jobs.core.session import put_conf
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

FACTORY_MODE = "spark.sql.codegen.factoryMode"
WHOLE_STAGE = "spark.sql.codegen.wholeStage"
INTERPRETED: dict[str, str | None] = {FACTORY_MODE: "NO_CODEGEN", WHOLE_STAGE: "false"}
COMPILED: dict[str, str | None] = {FACTORY_MODE: None, WHOLE_STAGE: None}  # Spark's defaults


def layer_bytes(spark, settings: Settings, layer: str = "bronze") -> int:
    """Bytes under the lake's `layer` folder (data files and logs; 0 before the first table),
    from one file-system summary: local disk or S3A alike, no Spark job."""
    jpath = spark._jvm.org.apache.hadoop.fs.Path(f"{settings.lake_root}/{layer}")
    fs = jpath.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(jpath):
        return 0
    return int(fs.getContentSummary(jpath).getLength())


def interpreted_for(settings: Settings, bronze_bytes: int) -> bool:
    """Whether a lake whose bronze holds `bronze_bytes` runs with interpreted expressions."""
    return bronze_bytes < settings.interpreted_below_mb * 1024 * 1024


def set_mode(spark, interpreted: bool) -> None:
    """Interpreted (True) or Spark's compiled default (False) for the session's next queries."""
    put_conf(spark, INTERPRETED if interpreted else COMPILED)


def fit_to_lake(spark, settings: Settings) -> bool:
    """Set the session to interpreted or compiled expressions for this lake's size; return
    True when interpreted. A pipeline task calls it once, when it starts (`pipeline.tasks`).
    Ingest always compiles: it writes the day's delivery, a million rows on an empty lake."""
    size = layer_bytes(spark, settings) if settings.interpreted_below_mb > 0 else None
    interpreted = size is not None and interpreted_for(settings, size)
    set_mode(spark, interpreted)
    log.info(
        "expressions %s (bronze %s bytes, threshold %s MB)",
        "interpreted" if interpreted else "compiled",
        size,
        settings.interpreted_below_mb,
    )
    return interpreted
