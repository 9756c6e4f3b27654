"""The national data sets (datasets.yaml): which table, which key, which national field names,
and the projection of a table's rows onto them.

The projection is plain Spark SQL over a temporary view of the rows (a snapshot or a change
feed), so the same definition serves the first full batch and every incremental one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from spark_jobs.contracts import all_contracts
from spark_jobs.core.settings import Settings

CONFIG = Path(__file__).with_name("datasets.yaml")
# Envelope columns, first in every record (national 前置库 convention, yyyymmdd+5 batch).
ENVELOPE = ("cd_id", "cd_operation", "cd_batch", "cd_time", "cd_source")
# Change-feed columns carried through the projection, and the row lineage when a table has it.
CHANGE_COLUMNS = ("_change_type", "_commit_version", "_commit_timestamp")
LINEAGE = ("_source_file", "_row_number", "_batch_id")
_COLUMN_REF = re.compile(r"\b([a-z])\.([A-Za-z_][A-Za-z0-9_]*)")


class PersonalDataInExport(RuntimeError):
    """A national field would be computed from a column classed as personal data."""


@dataclass(frozen=True)
class Join:
    alias: str
    table: str  # <layer>.<table> the join reads
    sql: str  # LEFT JOIN ... AS <alias> ON ...


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    table: str  # <layer>.<table>
    key: str  # SQL over `r`
    department: str | None  # SQL over `r`, the national department code
    fields: dict[str, str]  # national field name -> SQL over `r` (and the joins)
    joins: tuple[Join, ...] = ()
    contract: str | None = None  # the delivery contract whose personal data fields are refused

    @property
    def layer(self) -> str:
        return self.table.split(".", 1)[0]

    @property
    def table_name(self) -> str:
        return self.table.split(".", 1)[1]

    def referenced_columns(self) -> set[str]:
        """Columns of the source row (`r.<column>`) the projection reads."""
        text = " ".join([self.key, self.department or "", *self.fields.values()])
        return {col for alias, col in _COLUMN_REF.findall(text) if alias == "r"}


@dataclass(frozen=True)
class ExchangeConfig:
    province_division_code: str
    datasets: dict[str, Dataset]


def load_config(path: Path = CONFIG) -> ExchangeConfig:
    raw = yaml.safe_load(path.read_text("utf-8"))
    datasets = {
        name: Dataset(
            name=name,
            title=spec["title"],
            table=spec["table"],
            key=spec["key"],
            department=spec.get("department"),
            fields=dict(spec["fields"]),
            joins=tuple(Join(**j) for j in spec.get("joins") or ()),
            contract=spec.get("contract"),
        )
        for name, spec in raw["datasets"].items()
    }
    code = str(raw["province_division_code"])
    if not re.fullmatch(r"[0-9]{2}0000", code):
        raise ValueError(f"{path}: province_division_code {code!r} is not a province (xx0000)")
    return ExchangeConfig(province_division_code=code, datasets=datasets)


def feed_tables(path: Path = CONFIG) -> set[str]:
    """The `<layer>.<table>` names whose change data feed the exchange reads: one per data set
    (its joins are read as they are, not as changes)."""
    return {d.table for d in load_config(path).datasets.values()}


def check_no_personal_data(dataset: Dataset, settings: Settings) -> None:
    """Refuse a data set whose fields read a raw personal-data column of its contract (of any
    contract when it names none)."""
    contracts = all_contracts(settings.contract_dir)
    if dataset.contract:
        contracts = [c for c in contracts if c.name == dataset.contract]
        if not contracts:
            raise ValueError(f"national data set {dataset.name}: no contract {dataset.contract}")
    pii = {f.name for c in contracts for f in c.pii_fields}
    leaked = sorted(dataset.referenced_columns() & pii)
    if leaked:
        raise PersonalDataInExport(
            f"national data set {dataset.name} ({dataset.title}) reads personal data "
            f"columns {leaked}: use their *_masked or *_token forms"
        )


def project(spark, dataset: Dataset, rows, cd_source_prefix: str):
    """`rows` (a DataFrame of the data set's table, optionally with the change-feed columns)
    as national records: cd_id, cd_source, the national fields as text, then the change-feed
    and lineage columns that `rows` has (null otherwise) and `_h`, a hash of the national
    fields that tells a real change from a rewrite of the same values."""
    view = f"_national_{dataset.name}"
    rows.createOrReplaceTempView(view)
    present = set(rows.columns)
    department = f"coalesce({dataset.department}, '00')" if dataset.department else "'00'"
    joins = [j for j in dataset.joins if spark.catalog.tableExists(j.table)]
    missing = {j.alias for j in dataset.joins} - {j.alias for j in joins}
    fields = [
        f"CAST({'NULL' if _reads(expr, missing) else expr} AS STRING) AS `{name}`"
        for name, expr in dataset.fields.items()
    ]
    passthrough = [f"r.{c}" if c in present else f"NULL AS {c}" for c in CHANGE_COLUMNS + LINEAGE]
    sql = (
        f"SELECT *, sha2(to_json(named_struct({', '.join(_pairs(dataset))})), 256) AS _h "  # noqa: S608 - expressions from the repository's data-set definitions; the prefix is checked when they load
        f"FROM (SELECT CAST({dataset.key} AS STRING) AS cd_id, "
        f"concat('{cd_source_prefix}', {department}) AS cd_source, "
        f"CAST({dataset.department or 'NULL'} AS STRING) AS department_code, "
        f"{', '.join(fields)}, {', '.join(passthrough)} "
        f"FROM {view} AS r {' '.join(j.sql for j in joins)})"
    )
    return spark.sql(sql)


def _pairs(dataset: Dataset) -> list[str]:
    return [f"'{i}', `{name}`" for i, name in enumerate(dataset.fields)]


def _reads(expr: str, aliases: set[str]) -> bool:
    return any(alias in aliases for alias, _ in _COLUMN_REF.findall(expr))
