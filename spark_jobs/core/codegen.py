"""Compiled or interpreted expressions, and adaptive query execution, chosen by the size of the lake.

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
province's first day is 3.6 MB, the million-action day 107 MB), compiled from then on. Bronze's
size is the bytes its tables' latest Delta checksums state (`layer_bytes`), not its storage; an
ingest adds the bytes of the delivery it writes. 0 keeps Spark's compiled default everywhere. Both
modes compute the same values: Spark runs its own expression tests in both, and the suite runs
our stages in both (docs/pitfalls.md).

The same small-lake mode turns adaptive query execution off and shuffles into two partitions.
AQE runs every shuffle and broadcast of a query as a job of its own and plans the rest again
after each: the risk signals' query on the province ran 115 jobs (222 stages) with it and 47
without, for 69 rows. Measured in one warm process, alternating (docs/pitfalls.md): the
province's silver 33.0 s -> 27.5 s, its eleven gold parts 51.3 s -> 44.2 s. Two partitions, not
one: one was as fast on the province but lost 8 s in silver at 171,278 actions (13.8 MB of
bronze, still a small lake), where two were even with AQE. On a large lake AQE chooses joins
and partition counts from the real sizes, so it stays on there.

`factoryMode` is a setting Spark documents as internal (its tests switch it); it is the only
switch for expression codegen. All four are runtime SQL settings, so a long-lived process (the
main job, a test session) changes mode between tasks as its lake grows.
"""

from __future__ import annotations

import logging

from spark_jobs.core.delta import latest_checksum
from spark_jobs.core.session import put_conf
from spark_jobs.core.settings import Settings

log = logging.getLogger(__name__)

FACTORY_MODE = "spark.sql.codegen.factoryMode"
WHOLE_STAGE = "spark.sql.codegen.wholeStage"
ADAPTIVE = "spark.sql.adaptive.enabled"
SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"
# The small-lake mode, and the large-lake one: Spark's defaults, and the session's launch
# value of the shuffle partitions (None: unset).
SMALL_LAKE: dict[str, str | None] = {
    FACTORY_MODE: "NO_CODEGEN",
    WHOLE_STAGE: "false",
    ADAPTIVE: "false",
    SHUFFLE_PARTITIONS: "2",
}
LARGE_LAKE: dict[str, str | None] = {FACTORY_MODE: None, WHOLE_STAGE: None, ADAPTIVE: None}


def layer_bytes(spark, settings: Settings, layer: str = "bronze") -> int:
    """Live bytes of the lake's `layer` (0 before its first table): each table's size as its
    latest commit's checksum states it, local disk or S3A alike, no Spark job. Not the bytes on
    storage: the nightly OPTIMIZE leaves the files it replaced until VACUUM removes them, and a
    30-day province held 309.6 MB under bronze for 11.5 MB that a query reads, so it ran compiled
    from its second week on. A table without a checksum counts its folder's bytes."""
    jvm = spark._jvm
    root = jvm.org.apache.hadoop.fs.Path(f"{settings.lake_root}/{layer}")
    fs = root.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(root):
        return 0
    return sum(
        _table_bytes(spark, fs, status.getPath())
        for status in fs.listStatus(root)
        if status.isDirectory()
    )


def _table_bytes(spark, fs, table) -> int:
    """`tableSizeBytes` of the table's latest checksum (`core/delta.latest_checksum`); the
    folder's bytes where that checksum is missing."""
    checksum = latest_checksum(spark, str(table)) or {}
    size = checksum.get("tableSizeBytes")
    return size if isinstance(size, int) else int(fs.getContentSummary(table).getLength())


def _bytes_under(spark, uri: str) -> int:
    """Bytes of the files under `uri` (a delivery's landing folder), from one file-system
    summary."""
    jpath = spark._jvm.org.apache.hadoop.fs.Path(uri)
    fs = jpath.getFileSystem(spark._jsc.hadoopConfiguration())
    if not fs.exists(jpath):
        return 0
    return int(fs.getContentSummary(jpath).getLength())


def interpreted_for(settings: Settings, bronze_bytes: int) -> bool:
    """Whether a lake whose bronze holds `bronze_bytes` runs with interpreted expressions."""
    return bronze_bytes < settings.interpreted_below_mb * 1024 * 1024


def set_mode(spark, interpreted: bool) -> None:
    """The small-lake mode (True: interpreted expressions, no AQE, two shuffle partitions) or
    Spark's defaults with the session's own shuffle partitions (False) for the next queries."""
    if interpreted:
        put_conf(spark, SMALL_LAKE)
    else:
        launched = spark.sparkContext.getConf().get(SHUFFLE_PARTITIONS, None)
        put_conf(spark, {**LARGE_LAKE, SHUFFLE_PARTITIONS: launched})


def fit_to_lake(spark, settings: Settings, delivery: str | None = None) -> bool:
    """Set the session to the small-lake mode or Spark's defaults for this lake's size; return
    True for the small-lake mode. A pipeline task calls it once, when it starts (`pipeline.tasks`).
    Ingest passes the day's landing folder (`delivery`, relative to the landing zone), whose
    bytes count with bronze's: it writes the delivery, which can be a million rows on an empty
    lake."""
    if settings.interpreted_below_mb > 0:
        size = layer_bytes(spark, settings)
        if delivery is not None:
            size += _bytes_under(spark, f"{settings.landing_root}/{delivery}")
    else:
        size = None
    interpreted = size is not None and interpreted_for(settings, size)
    set_mode(spark, interpreted)
    log.info(
        "%s (bronze%s %s bytes, threshold %s MB)",
        "small lake: expressions interpreted, adaptive execution off, two shuffle partitions"
        if interpreted
        else "expressions compiled, adaptive execution on",
        " and the delivery" if delivery is not None else "",
        size,
        settings.interpreted_below_mb,
    )
    return interpreted
