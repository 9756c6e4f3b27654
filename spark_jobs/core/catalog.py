"""The lake is the catalog: every Delta table under `<lake>/<layer>/<table>` is `<layer>.<table>`.

Spark keeps an in-process catalog, and each process (a job, an Airflow task, dbt, `spark-sql`)
registers the tables it finds in the lake (path-based, external). Nothing is shared between
processes but the Delta logs themselves, so two Spark processes at once can neither lock nor
corrupt a metastore, and a new process sees every table by name (README, "Catalog").
The catalog itself is the only record of what is registered: no module-level mirror.
"""

from __future__ import annotations

import re
from functools import cached_property
from pathlib import Path
from types import SimpleNamespace

from spark_jobs.core.settings import LAYERS, Settings


def _is_commit(name: str) -> bool:
    """A Delta log entry that makes a version (`<20 digits>.json` or a checkpoint). A folder
    whose `_delta_log` has none is a first write that was killed before its commit: not a table
    (registering it would fail every task that starts a session)."""
    return _COMMIT.search(name) is not None


_COMMIT = re.compile(r"(^|/)\d{20}\.(json|checkpoint\.parquet|checkpoint\.[^/]*\.parquet)$")


def lake_tables(settings: Settings) -> list[tuple[str, str, str]]:
    """(layer, table, location) of every Delta table in the lake (a log with at least one
    commit), found without starting Spark."""
    found = []
    if settings.mode == "minio":
        from spark_jobs.core.storage import MinioStorage

        client = MinioStorage(settings)
        for layer in LAYERS:
            for obj in client.client.list_objects(client.bucket, prefix=f"lake/{layer}/"):
                table = obj.object_name.rstrip("/").rsplit("/", 1)[-1]
                probe = client.client.list_objects(
                    client.bucket, prefix=f"lake/{layer}/{table}/_delta_log/"
                )
                if obj.is_dir and any(_is_commit(o.object_name) for o in probe):
                    found.append((layer, table, settings.table_path(layer, table)))
        return found
    for layer in LAYERS:
        base = Path(settings.lake_root) / layer
        if base.is_dir():
            for child in sorted(base.iterdir()):
                if any(_is_commit(f.name) for f in (child / "_delta_log").glob("0*")):
                    found.append((layer, child.name, settings.table_path(layer, child.name)))
    return found


def _same_place(a: str, b: str) -> bool:
    """Locations as the catalog shows them (`file:/x/`) and as settings build them (`/x`)."""

    def norm(x: str) -> str:
        return x.removeprefix("file://").removeprefix("file:").rstrip("/")

    return norm(a) == norm(b)


def registered_location(spark, layer: str, table: str) -> str | None:
    """Where the catalog's `<layer>.<table>` points, or None when the name is not registered."""
    catalog = spark._jsparkSession.sessionState().catalog()
    external = catalog.externalCatalog()
    if not external.databaseExists(layer) or not external.tableExists(layer, table):
        return None
    return _location(external, layer, table)


def _location(external, layer: str, table: str) -> str:
    """A registered name's location as the catalog shows it ("" for a view)."""
    uri = external.getTable(layer, table).storage().locationUri()
    return str(uri.get().toString()) if uri.isDefined() else ""


class _Names:
    """Writes and drops names in the session catalog directly, as the statements would.

    A name is the entry `CREATE TABLE <layer>.<table> USING DELTA LOCATION '...'` leaves:
    external, provider delta, the location, and nothing else (Delta keeps the schema, the
    partitioning and the properties in its log and stores none of them in the catalog). The
    statement loads the table's Delta snapshot to check it, about 70 ms a table in a new
    process: 5.5 s of every task's start on a lake of 76 tables; `DROP TABLE` loads it too,
    to uncache plans that read it (a plan cached over the old location keeps reading that
    location; a new read by name resolves the new one). Written here, a few py4j calls each,
    with the JVM classes looked up once (each lookup is a round trip)."""

    def __init__(self, spark):
        self._spark = spark
        self.catalog = spark._jsparkSession.sessionState().catalog()

    @cached_property
    def _j(self) -> SimpleNamespace:
        """The JVM classes and constants, looked up on the first name written or dropped (a
        process that has its names, `get_spark` about 35 times a day, never pays for them)."""
        jvm = self._spark._jvm
        catalog = jvm.org.apache.spark.sql.catalyst.catalog
        utils = jvm.org.apache.spark.api.python.PythonUtils
        return SimpleNamespace(
            some=jvm.scala.Some,
            uri=jvm.java.net.URI,
            ident=jvm.org.apache.spark.sql.catalyst.TableIdentifier,
            storage=catalog.CatalogStorageFormat,
            table=catalog.CatalogTable,
            database=catalog.CatalogDatabase,
            external=catalog.CatalogTableType.EXTERNAL(),
            schema=jvm.org.apache.spark.sql.types.StructType(),  # Delta's log holds it
            delta=jvm.scala.Some("delta"),
            none=jvm.scala.Option.empty(),
            map=utils.toScalaMap(jvm.java.util.HashMap()),
            seq=utils.toSeq(jvm.java.util.ArrayList()),
            now=jvm.java.lang.System.currentTimeMillis(),
            version=self._spark.version,
        )

    def ensure_layers(self, layers) -> None:
        """Create the layers' databases that do not exist, as `CREATE DATABASE` does (the
        default path under the warehouse)."""
        for layer in layers:
            if not self.catalog.databaseExists(layer):
                where = self.catalog.getDefaultDBPath(layer)
                self.catalog.createDatabase(self._j.database(layer, "", where, self._j.map), True)

    def drop(self, layer: str, table: str) -> None:
        """Forget the name (an external table: its files stay)."""
        ident = self._j.ident.apply(table, self._j.some(layer))
        self.catalog.invalidateCachedTable(ident)
        self.catalog.dropTable(ident, True, False)

    def create(self, layer: str, table: str, location: str) -> None:
        j = self._j
        none = j.none
        uri = location if "://" in location else Path(location).as_uri()
        entry = j.table(
            j.ident.apply(table, j.some(layer)),
            j.external,
            j.storage(j.some(j.uri(uri)), none, none, none, False, j.map),
            j.schema,
            j.delta,  # provider
            j.seq,  # partition columns: in the log
            none,  # bucket spec
            "",  # owner
            j.now,  # created
            -1,  # last access: unknown
            j.version,  # created by Spark <version>
            j.map,  # properties: in the log
            none,  # stats
            none,  # view text
            none,  # comment
            none,  # collation
            j.seq,  # unsupported features
            True,  # partitions tracked by the catalog, as Delta sets it
            True,  # schema preserves case
            j.map,  # ignored properties
            none,  # view original text
        )
        self.catalog.createTable(entry, False, False)

    def point(self, layer: str, table: str, location: str, current: str | None) -> None:
        """`<layer>.<table>` → `location`, dropping a name that points elsewhere first."""
        if current is not None:
            self.drop(layer, table)
        self.create(layer, table, location)


def register_table(spark, layer: str, table: str, location: str) -> None:
    """Name a path-based Delta table in this session's catalog (no-op when already there).

    A name that points at another location (a test's other lake, a moved lake) is re-pointed;
    dropping an external table's name never deletes its files.
    """
    current = registered_location(spark, layer, table)
    if current is not None and _same_place(current, location):
        return
    names = _Names(spark)
    names.ensure_layers((layer,))
    names.point(layer, table, location, current)


def registered_locations(spark, layers: tuple[str, ...] = LAYERS) -> dict[tuple[str, str], str]:
    """(layer, table) → location of every table the session's catalog names in `layers`, read
    from the catalog in one pass (about 0.04 s for 75 tables, where asking name by name took
    0.5 s: `tableExists` resolves each Delta table). Temporary views are not in it."""
    external = spark._jsparkSession.sessionState().catalog().externalCatalog()
    found = {}
    for layer in layers:
        if not external.databaseExists(layer):
            continue
        names = external.listTables(layer).iterator()
        while names.hasNext():
            table = names.next()
            found[(layer, table)] = _location(external, layer, table)
    return found


def register_lake_tables(spark, settings: Settings) -> list[str]:
    """Register every Delta table under the lake as `<layer>.<table>`; return their names.

    Names in the lake's layers that this lake does not have (left from another lake in the same
    process, as in the tests) are dropped so that nothing reads a stale table by mistake. Runs
    on every `get_spark`: what is already registered where it should be costs no statement.
    """
    catalog = _Names(spark)
    catalog.ensure_layers(LAYERS)
    registered = registered_locations(spark)
    names = []
    for layer, table, location in lake_tables(settings):
        current = registered.pop((layer, table), None)
        if current is None or not _same_place(current, location):
            catalog.point(layer, table, location, current)
        names.append(f"{layer}.{table}")
    for layer, table in registered:  # names this lake does not have; external: files stay
        catalog.drop(layer, table)
    return names


def registration_sql(settings: Settings) -> str:
    """The SQL a non-Python client (the spark-sql CLI) runs at start to see the lake's tables."""
    lines = [f"CREATE DATABASE IF NOT EXISTS {layer};" for layer in LAYERS]
    lines += [
        f"CREATE TABLE IF NOT EXISTS {layer}.{table} USING DELTA LOCATION '{location}';"
        for layer, table, location in lake_tables(settings)
    ]
    return "\n".join(lines) + "\n"
