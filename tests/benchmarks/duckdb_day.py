"""A hand-written DuckDB reference for the day benchmark (`bench_day.py`): the supervision item
catalog and the supervision actions, landing files → silver → gate → gold → national export,
in one DuckDB connection, on the same delivered files as our pipeline.

    .venv/bin/python tests/benchmarks/duckdb_day.py <landing dir> <out dir> [--json FILE]

`landing dir` is a landing zone, `<source>/<yyyy-mm-dd>/<file>` (the folder name is the delivery
date); only `supervision_items` and `supervision_actions` are read. `run(landing_dir, out_dir)`
returns the seconds and row counts of each stage:

| stage | what it does here | what ours does there |
|---|---|---|
| `read` | each file's bytes hashed (SHA-256; a file delivered again byte for byte is skipped) and decoded in Python with the contract's encoding (UTF-8 with BOM, GB18030 for the GBK actions) and written again as UTF-8 (DuckDB's CSV reader reads only UTF-8/16 and Latin-1 without its `encodings` extension, which is not installed); header checked against the contract (missing or repeated contract column rejects the file); then `read_csv` (all strings, columns by header, `WITH ORDINALITY` as row number, `store_rejects` for rows with the wrong number of fields) | `ingest_source`: bytes, SHA-256, the contract's reader (Python csv → Arrow), one Delta append per file into bronze, ops.batch_log, already-ingested lookup |
| `silver` | from the contract (`schemas/*.yaml`, read with the same loader): trim (full-width space too), full-width → half-width in coded fields, the USCC `strip_label`/`upper_check` steps; typing (label → code, code lists, `try_strptime` dates, `;` lists); findings per row as a list: required (09), max length, pattern, code list, list size and item pattern (01), valid date, not after the delivery date, not before another date (10), USCC check character in SQL (06), GB/T 2260 division code against python-stdnum's table (01), item code against the accepted catalog (03); quarantine with one row per finding (file, row, field, value — never for personal data — reason, category) and category 05 for rows superseded in the same delivery; latest-wins dedupe on the natural key (delivery, file, row); contact name and phone masked, phone tokenised with HMAC-SHA256 in SQL (key from `LAKEHOUSE_MASKING_KEY`, else the development default), mobile numbers and the row's contact name masked inside `content`; per-file counts with `read = accepted + quarantined + superseded` checked; silver, quarantine and the counts written as Parquet | `silver.build`: the same rules as Spark expressions and pandas UDFs, MERGE into Delta tables, quarantine with the national validator messages (Chinese), held rows and their release, ops MERGE |
| `gate` | one aggregate query per table: row count ≥ 1, required not null, key unique, patterns, code sets, masked phone not a mobile, token 64 hex, submitted ≥ action date | Great Expectations checkpoint per silver table (contract-derived + hand-written suites), Data Docs, gate record |
| `gold` | Parquet: the catalog, the actions without raw personal data, the four action kinds (penalty linked to the latest earlier inspection of the same entity and item), officers per action, and the run date's coverage rate per department (catalog items with at least one action from 1 January to the run date / items) | dbt build of every repository's marts (most skip without their sources), tests, write-audit-publish, coverage_rate MERGE |
| `export` | the four national action data sets (envelope `cd_id, cd_operation, cd_batch, cd_time, cd_source`, national field names of `spark_jobs/exports/datasets.yaml`), JSON Lines sorted by `cd_id`, and a manifest with rows and SHA-256 per file | the same data sets from the Delta change data feed (only what changed since the last batch), ledger and fix queue in Delta, atomic publish |

Not done here, compared with ours: no Delta (no transaction log, time travel, change feed: a
first batch is all inserts), the already-ingested skip only within the run (no ops log of earlier
runs), no held rows and release,
no Chinese validator messages, free-text masking only of mobile numbers and the row's own
contact name (ours also finds ID numbers, landlines and cue-introduced names), a truncated file
(ending inside a quoted field) costs only its last row here instead of rejecting the file, and
row numbers after a malformed row count only the rows DuckDB parsed. It does not match our
output byte for byte; it does comparable work on the same files.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import re
import resource
import shutil
import sys
import time
from collections.abc import Collection
from datetime import date
from pathlib import Path

import duckdb

from spark_jobs.checks.identifiers import USCC_ALPHABET, _division_table
from spark_jobs.contracts import Contract, Field, get_contract
from spark_jobs.contracts.loader import DELIVERY_DATE
from spark_jobs.core.settings import DEVELOPMENT_MASKING_KEY, REPO_ROOT
from spark_jobs.silver.standardise import FULL_WIDTH, HALF_WIDTH, is_coded

SOURCES = ("supervision_items", "supervision_actions")  # in reference order
STAGES = ("read", "silver", "gate", "gold", "export")
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
PROVINCE_DIVISION = "140000"  # spark_jobs/exports/datasets.yaml, province_division_code

# checks.identifiers.IDENTIFIER_NOISE in RE2 (no look-around: the kept character is a group)
NOISE = (
    (r"[ \t\n\x0B\f\r\x{00a0}\x{2000}-\x{200b}\x{3000}\-\x{2010}\x{2011}\x{2013}\x{2014}\x{ff0d}]+", ""),
    (r"(?s)^.*[:\x{ff1a}]", ""),
    (r"([(\x{ff08}\[\x{3010}][^)\x{ff09}\]\x{3011}]*[)\x{ff09}\]\x{3011}])+$", ""),
    (r"^[^\x00-\x7F]+([0-9A-Za-z])", r"\1"),
    (r"([0-9A-Za-z])[^\x00-\x7F]+$", r"\1"),
)  # fmt: skip
EDGE_SPACE = r"^[\s\x{3000}]+|[\s\x{3000}]+$"
MOBILE_IN_TEXT = r"(^|[^0-9])(1[3-9][0-9])[0-9]{4}([0-9]{4})($|[^0-9])"

# national action data sets (spark_jobs/exports/datasets.yaml): action types, national fields
_COMMON_HEAD = (("监管事项目录编码", "r.item_code"),)
_PARTY = (
    ("实施机构", "r.department_name"),
    ("实施机构编码", "r.department_code"),
    ("监管对象", "r.entity_name"),
    ("行政相对人", "r.entity_name"),
    ("行政相对人性质", "CASE WHEN length(r.entity_uscc) = 18 THEN '02' END"),
    ("行政相对人证件类型", "CASE WHEN length(r.entity_uscc) = 18 THEN '001' END"),
    ("行政相对人编码", "r.entity_uscc"),
    ("行政区划代码", "r.division_code"),
)
_OFFICERS = (
    ("执法证号", "array_to_string(r.officer_license_nos, ',')"),
    ("报送时间", "strftime(r.submitted_date, '%Y-%m-%d')"),
)
DATASETS: dict[str, tuple[str, tuple[tuple[str, str], ...]]] = {
    "inspection_action": (
        "inspections",
        (
            ("检查行为编号", "r.action_id"),
            ("检查行为名称", "r.action_name"),
            *_COMMON_HEAD,
            ("监管事项检查实施清单编码", "NULL"),  # no checklists delivered in this benchmark
            *_PARTY,
            ("检查类别", "CASE WHEN r.action_type = 'off_site' THEN '02' ELSE '01' END"),
            ("检查方式", "CASE WHEN r.action_type = 'random_inspection' THEN '1' END"),
            ("检查结果", "r.result_code"),
            ("检查时间", "strftime(r.action_date, '%Y-%m-%d')"),
            *_OFFICERS,
        ),
    ),
    "penalty_action": (
        "penalties",
        (
            ("处罚行为编号", "r.action_id"),
            ("处罚行为名称", "r.action_name"),
            ("检查行为编号", "r.inspection_action_id"),
            *_COMMON_HEAD,
            *_PARTY,
            ("作出行政处罚决定日期", "strftime(r.action_date, '%Y-%m-%d')"),
            ("处罚结果", "r.content"),
            *_OFFICERS,
        ),
    ),
    "coercion_action": (
        "coercive_measures",
        (
            ("强制行为编号", "r.action_id"),
            ("强制行为名称", "r.action_name"),
            *_COMMON_HEAD,
            *_PARTY,
            ("实施强制措施的起始时间", "strftime(r.action_date, '%Y-%m-%d')"),
            ("强制结果", "r.content"),
            *_OFFICERS,
        ),
    ),
    "other_action": (
        "other_actions",
        (
            ("行为编号", "r.action_id"),
            ("行为名称", "r.action_name"),
            *_COMMON_HEAD,
            *_PARTY,
            ("开始时间", "strftime(r.action_date, '%Y-%m-%d')"),
            ("结案情况", "r.content"),
            *_OFFICERS,
        ),
    ),
}
ACTION_KINDS = {
    "inspections": ("inspection", "random_inspection", "mobile", "off_site"),
    "penalties": ("penalty",),
    "coercive_measures": ("coercion",),
    "other_actions": ("other",),
}


def lit(value: str | None) -> str:
    """A SQL string literal (or NULL)."""
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


def ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def strptime_format(spark_pattern: str) -> str:
    """A Spark date pattern of the contracts as a strptime format (the letters they use)."""
    out = spark_pattern
    for spark, c in (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M")):
        out = out.replace(spark, c)
    out = out.replace("ss", "%S")
    if re.search(r"[A-Za-z]", re.sub(r"%[YmdHMS]", "", out)):
        raise ValueError(f"date pattern {spark_pattern!r} is not handled by the reference")
    return out


# -- setup -----------------------------------------------------------------------------------
def _macros(con: duckdb.DuckDBPyConnection, masking_key: str) -> None:
    key = masking_key.encode("utf-8")
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    ipad = bytes(b ^ 0x36 for b in key).hex()
    opad = bytes(b ^ 0x5C for b in key).hex()
    weights = "[" + ", ".join(map(str, USCC_WEIGHTS)) + "]"
    alphabet = lit(USCC_ALPHABET)
    con.execute(
        # RFC 2104 HMAC-SHA256 from DuckDB's sha256: H(K^opad || H(K^ipad || m))
        f"CREATE MACRO hmac_sha256(v) AS CASE WHEN v IS NOT NULL AND v <> '' THEN "
        f"sha256(from_hex('{opad}') || unhex(sha256(from_hex('{ipad}') || encode(v)))) END"
    )
    con.execute(
        f"CREATE MACRO uscc_expected(c) AS substr({alphabet}, CAST((31 - list_sum(list_transform("
        f"range(17), lambda i: (strpos({alphabet}, substr(c, i + 1, 1)) - 1) * {weights}[i + 1])) "
        "% 31) % 31 + 1 AS BIGINT), 1)"
    )
    con.execute(
        "CREATE MACRO uscc_problem(c) AS CASE "
        "WHEN length(c) <> 18 THEN 'length ' || length(c) || ', expected 18' "
        "WHEN NOT regexp_full_match(c, '[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}') "
        "THEN 'characters outside the GB 32100 alphabet (no I, O, S, V, Z; upper case)' "
        "WHEN right(c, 1) <> uscc_expected(c) THEN 'check character ''' || right(c, 1) || "
        "''' should be ''' || uscc_expected(c) || '''' END"
    )
    con.execute("CREATE MACRO mask_name(n) AS CASE WHEN n <> '' THEN left(n, 1) || repeat('*', length(n) - 1) ELSE n END")  # fmt: skip
    con.execute(
        "CREATE MACRO mask_phone(p) AS CASE WHEN p IS NULL OR p = '' THEN p "
        "WHEN length(p) < 8 THEN repeat('*', length(p)) "
        "ELSE left(p, 3) || repeat('*', length(p) - 7) || right(p, 4) END"
    )
    retired = re.compile(r"^\[[0-9]*-[0-9]+\]")
    rows = [(code, bool(retired.match(name))) for code, name in _division_table().items()]
    con.execute("CREATE TABLE divisions (code VARCHAR PRIMARY KEY, retired BOOLEAN)")
    con.executemany("INSERT INTO divisions VALUES (?, ?)", rows)


# -- read --------------------------------------------------------------------------------------
def _read_source(
    con: duckdb.DuckDBPyConnection, contract: Contract, landing: Path, utf8: Path
) -> dict:
    """Decode, check the header, and `read_csv` every file of the source into raw_<source>."""
    files = sorted(p for p in (landing / contract.landing_dir).glob("*/*") if p.is_file())
    selects, rejected, skipped, read_bytes = [], [], [], 0
    seen: dict[str, str] = {}  # SHA-256 → the file first read with it (this run only)
    for path in files:
        rel = path.relative_to(landing).as_posix()
        day = path.parent.name
        data = path.read_bytes()
        read_bytes += len(data)
        digest = hashlib.sha256(data).hexdigest()
        if digest in seen:  # delivered again byte for byte: skipped, as bronze does
            skipped.append((rel, f"same content already read from {seen[digest]}"))
            continue
        seen[digest] = rel
        try:
            text = data.decode(contract.encoding)
        except UnicodeDecodeError as exc:
            rejected.append((rel, f"not valid {contract.encoding} at byte {exc.start}"))
            continue
        header = next(csv.reader(io.StringIO(text.split("\n", 1)[0])), [])
        header = [h.strip().lstrip("\ufeff") for h in header]
        missing = [f.header for f in contract.fields if f.header not in header]
        twice = [h for h in contract.headers if header.count(h) > 1]
        if not text.strip() or missing or twice:
            reason = (
                "empty file" if not text.strip() else f"header lacks {missing} or repeats {twice}"
            )
            rejected.append((rel, reason))
            continue
        target = utf8 / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text.lstrip("\ufeff"), encoding="utf-8")
        columns = "{" + ", ".join(f"{lit(f'c{i}')}: 'VARCHAR'" for i in range(len(header))) + "}"
        position = {h: i for i, h in enumerate(header)}
        values = ", ".join(
            f"c{position[f.header]} AS {ident(f.name)}" for f in contract.fields if f.header
        )
        selects.append(
            f"SELECT {lit(rel)} AS source_file, DATE {lit(day)} AS delivery_date, "
            f"ordinality::BIGINT AS row_number, NULL::VARCHAR AS parse_error, {values} "
            f"FROM read_csv({lit(str(target))}, header = true, auto_detect = false, "
            f"delim = {lit(contract.delimiter)}, quote = '\"', escape = '\"', "
            f"columns = {columns}, store_rejects = true, rejects_scan = 'scans_{contract.name}', "
            f"rejects_table = 'errors_{contract.name}') WITH ORDINALITY"
        )
    table = f"raw_{contract.name}"
    if selects:
        con.execute(f"CREATE TABLE {table} AS " + " UNION ALL ".join(selects))
        # rows with the wrong number of fields: kept as a row with its parse error
        nulls = ", ".join(f"NULL AS {ident(f.name)}" for f in contract.fields)
        con.execute(
            f"INSERT INTO {table} SELECT DISTINCT ON (s.file_path, e.line) "
            f"replace(s.file_path, {lit(str(utf8) + '/')}, '') AS source_file, "
            "CAST(regexp_extract(s.file_path, '/([0-9]{4}-[0-9]{2}-[0-9]{2})/', 1) AS DATE), "
            "e.line - 1, e.error_type || ': ' || e.error_message, "
            f"{nulls} FROM errors_{contract.name} e JOIN scans_{contract.name} s "
            "USING (scan_id, file_id)"
        )
    else:
        cols = ", ".join(f"{ident(f.name)} VARCHAR" for f in contract.fields)
        con.execute(
            f"CREATE TABLE {table} (source_file VARCHAR, delivery_date DATE, "
            f"row_number BIGINT, parse_error VARCHAR, {cols})"
        )
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return {
        "files": len(files),
        "rejected_files": rejected,
        "skipped_files": skipped,
        "rows": rows,
        "bytes": read_bytes,
    }


# -- silver ------------------------------------------------------------------------------------
def _standardised(f: Field, col: str) -> str:
    v = col
    if is_coded(f):
        v = f"translate({v}, {lit(FULL_WIDTH)}, {lit(HALF_WIDTH)})"
    v = f"regexp_replace({v}, {lit(EDGE_SPACE)}, '', 'g')"
    for step in f.standardise:
        if step == "strip_label":
            for pattern, repl in NOISE:
                v = f"regexp_replace({v}, {lit(pattern)}, {lit(repl)}, 'g')"
        elif step == "upper_check":
            v = (
                f"(SELECT CASE WHEN regexp_matches(left(x, -1), '[a-z]') THEN x "
                f"ELSE left(x, -1) || upper(right(x, 1)) END FROM (SELECT {v} AS x))"
            )
        else:
            raise ValueError(f"{f.name}: standardise step {step} not in the reference")
    return f"nullif({v}, '')"


def _typed(f: Field, col: str) -> str:
    if f.type == "date":
        formats = [strptime_format(p) for p in f.formats or ("yyyy-MM-dd",)]
        tries = [f"try_strptime({col}, {lit(fmt)})::DATE" for fmt in formats]
        return f"coalesce({', '.join(tries)})"
    if f.type == "code":
        if f.delivered_as == "label":
            cases = " ".join(
                f"WHEN {lit(label)} THEN {lit(code)}" for code, label in f.codes.items()
            )
            return f"CASE {col} {cases} END"
        return f"CASE WHEN {col} IN ({', '.join(lit(c) for c in f.codes)}) THEN {col} END"
    if f.type == "list":
        sep = re.escape(f.separator or ";")
        return (
            f"CASE WHEN {col} IS NOT NULL THEN list_filter(list_transform("
            f"regexp_split_to_array({col}, {lit(sep)}), lambda x: trim(x)), lambda x: x <> '') END"
        )
    if f.type in ("string",):
        return col
    raise ValueError(f"{f.name}: type {f.type} not in the reference")


def _finding(field: str, value: str, cond: str, reason: str, category: str, sev: str = "error"):
    return (
        f"CASE WHEN {cond} THEN {{'field': {lit(field)}, 'value': {value}, "
        f"'reason': {reason}, 'category': {lit(category)}, 'severity': {lit(sev)}}} END"
    )


def _holds(f: Field, codes: tuple[str, ...]) -> str:
    """SQL: the standardised column of the code field `f` holds one of `codes` (delivered as
    labels or as codes)."""
    values = [f.codes[c] for c in codes] if f.delivered_as == "label" else list(codes)
    return f"s_{f.name} IN ({', '.join(lit(v) for v in values)})"


def _findings(contract: Contract, skipped: Collection[str] = ()) -> list[str]:
    """Every rule's finding expressions, over columns s_<field> (standardised), t_<field>
    (typed), d_<field> (delivered) and ref_<field> (the referenced key, null when missing)."""
    out = [
        "CASE WHEN parse_error IS NOT NULL THEN {'field': '_row', 'value': NULL::VARCHAR, "
        "'reason': parse_error, 'category': NULL::VARCHAR, 'severity': 'error'} END"
    ]
    by_name = {f.name: f for f in contract.fields}
    for f in contract.fields:
        s, t = f"s_{f.name}", f"t_{f.name}"
        value = "NULL::VARCHAR" if f.pii != "none" else f"d_{f.name}"
        ok = "parse_error IS NULL"
        if f.required:
            out.append(_finding(f.name, value, f"{ok} AND {s} IS NULL", "'required field is empty'", "09"))  # fmt: skip
        if f.required_when:
            when = " OR ".join(_holds(by_name[n], codes) for n, codes in f.required_when.items())
            words = " or ".join(f"{n} is {', '.join(c)}" for n, c in f.required_when.items())
            out.append(_finding(f.name, value, f"{ok} AND {s} IS NULL AND ({when})", lit(f"required field is empty when {words}"), "09"))  # fmt: skip
        if f.max_length:
            out.append(_finding(f.name, value, f"length({s}) > {f.max_length}", lit(f"longer than {f.max_length} characters"), "01"))  # fmt: skip
        if f.pattern:
            out.append(_finding(f.name, value, f"NOT regexp_matches({s}, {lit(f.pattern)})", lit(f"does not match {f.pattern}"), "01"))  # fmt: skip
        if f.type == "code":
            allowed = "、".join(f.codes.values() if f.delivered_as == "label" else f.codes)
            out.append(_finding(f.name, value, f"{s} IS NOT NULL AND {t} IS NULL", lit(f"not in the code list ({allowed})"), "01"))  # fmt: skip
        if f.type == "list" and f.min_items:
            out.append(_finding(f.name, value, f"len({t}) < {f.min_items}", lit(f"needs at least {f.min_items} items separated by '{f.separator}'"), "01"))  # fmt: skip
        if f.type == "list" and f.item_pattern:
            cond = f"NOT list_bool_and(list_transform({t}, lambda x: regexp_matches(x, {lit(f.item_pattern)})))"  # fmt: skip
            out.append(_finding(f.name, value, cond, lit(f"an item does not match {f.item_pattern}"), "01"))  # fmt: skip
        if f.type == "date":
            out.append(_finding(f.name, value, f"{s} IS NOT NULL AND {t} IS NULL", lit("not a valid date (yyyy-MM-dd)"), "10"))  # fmt: skip
            if f.not_after == DELIVERY_DATE:
                out.append(_finding(f.name, value, f"{t} > delivery_date", lit("in the future: after the delivery date"), "10"))  # fmt: skip
            if f.not_before:
                other = f"t_{by_name[f.not_before].name}"
                reason = f"{s} || ' is before {f.not_before} ' || CAST({other} AS VARCHAR)"
                out.append(_finding(f.name, value, f"{t} < {other}", reason, "10"))
        if f.check == "uscc":
            out.append(_finding(f.name, value, f"uscc_problem({s}) IS NOT NULL", f"'invalid uscc: ' || uscc_problem({s})", "06"))  # fmt: skip
        if f.check == "division_code":
            problem = (
                f"CASE WHEN NOT regexp_full_match({s}, '[0-9]{{6}}') THEN 'not 6 digits' "
                f"WHEN NOT divk_{f.name} THEN 'not in the GB/T 2260 code table' "
                f"WHEN divr_{f.name} THEN 'retired division code' END"
            )
            out.append(_finding(f.name, value, f"({problem}) IS NOT NULL", f"'invalid division_code: ' || ({problem})", "01"))  # fmt: skip
        if f.references and f.name not in skipped:
            ref = f"silver.{f.references['table']}"
            where = f.references.get("where") or {}
            if where:
                ref += " where " + " and ".join(
                    f"{n} in ({', '.join(c)})" for n, c in where.items()
                )
            category = "03" if f.references["field"] == "item_code" else "08"
            out.append(_finding(f.name, value, f"{s} IS NOT NULL AND ref_{f.name} IS NULL", f"'{f.name} ' || {s} || ' is not in {ref}'", category, f.references.get("severity", "error")))  # fmt: skip
    return out


def _silver_source(con: duckdb.DuckDBPyConnection, contract: Contract, out: Path, key: str) -> dict:
    name = contract.name
    cols = []
    for f in contract.fields:
        cols += [f"{ident(f.name)} AS d_{f.name}", f"{_standardised(f, ident(f.name))} AS s_{f.name}"]  # fmt: skip
    con.execute(f"CREATE TEMP TABLE std AS SELECT source_file, delivery_date, row_number, parse_error, {', '.join(cols)} FROM raw_{name}")  # fmt: skip
    typed = [f"{_typed(f, f's_{f.name}')} AS t_{f.name}" for f in contract.fields]
    joins, refs = [], []
    present = {r[0] for r in con.execute("SELECT table_name FROM information_schema.tables").fetchall()}  # fmt: skip
    skipped = {  # as silver: a warning against a repository never delivered is not raised
        f.name
        for f in contract.fields
        if f.references
        and f.references["table"] != name
        and f.references.get("severity") == "warning"
        and f"silver_{f.references['table']}" not in present
    }
    for f in contract.fields:
        if f.name in skipped:
            continue
        if f.check == "division_code":
            joins.append(f"LEFT JOIN divisions div_{f.name} ON div_{f.name}.code = std.s_{f.name}")
        if f.references:
            table, field = f.references["table"], f.references["field"]
            where = f.references.get("where") or {}
            if (
                table == name
            ):  # its own rows, of the kinds `where` names (a fresh lake: no silver yet)
                cond = (
                    " AND ".join(_holds(contract.field(n), c) for n, c in where.items()) or "true"
                )
                keys = f"SELECT DISTINCT s_{field} AS k FROM std WHERE {cond}"
            else:
                cond = " AND ".join(f"{n} IN ({', '.join(lit(x) for x in c)})" for n, c in where.items())  # fmt: skip
                keys = f"SELECT DISTINCT {field} AS k FROM silver_{table} WHERE {cond or 'true'}"
            joins.append(f"LEFT JOIN ({keys}) ref_{f.name}_t ON ref_{f.name}_t.k = std.s_{f.name}")
            refs.append(f"ref_{f.name}_t.k AS ref_{f.name}")
    divs = [
        f"div_{f.name}.code IS NOT NULL AS divk_{f.name}, div_{f.name}.retired AS divr_{f.name}"
        for f in contract.fields
        if f.check == "division_code"
    ]
    con.execute(
        f"CREATE TEMP TABLE typed AS SELECT std.*, {', '.join(typed + refs + divs)} "
        f"FROM std {' '.join(joins)}"
    )
    findings = _findings(contract, skipped)
    order = "delivery_date DESC, source_file DESC, row_number DESC"
    keys = ", ".join(f"s_{k}" for k in contract.natural_key)
    con.execute(
        f"CREATE TEMP TABLE classified AS SELECT *, "
        f"row_number() OVER (PARTITION BY rejected, {keys} ORDER BY {order}) AS rank, "
        f"first(delivery_date) OVER (PARTITION BY rejected, {keys} ORDER BY {order}) AS first_delivery "
        f"FROM (SELECT *, len(list_filter(problems, lambda p: p.severity = 'error')) > 0 AS rejected "
        f"FROM (SELECT *, list_filter([{', '.join(findings)}], lambda x: x IS NOT NULL) AS problems FROM typed))"
    )  # fmt: skip
    con.execute(
        "CREATE TEMP TABLE outcome AS SELECT *, NOT rejected AND rank = 1 AS winner, "
        "NOT rejected AND rank > 1 AND delivery_date = first_delivery AS superseded FROM classified"
    )
    # silver: one row per key, typed; personal data masked and tokenised beside the raw value
    select = []
    names = [f.name for f in contract.fields if f.pii == "name"]
    for f in contract.fields:
        col = f"t_{f.name}"
        if f.free_text:
            col = f"regexp_replace({col}, {lit(MOBILE_IN_TEXT)}, '\\1\\2****\\3\\4', 'g')"
            for n in names:
                col = f"CASE WHEN t_{n} <> '' THEN replace({col}, t_{n}, mask_name(t_{n})) ELSE {col} END"  # fmt: skip
        select.append(f"{col} AS {f.name}")
        if f.type == "code" and f.delivered_as == "label":
            select.append(f"s_{f.name} AS {f.name}_name")
    for f in contract.pii_fields:
        if f.pii == "name":
            select.append(f"mask_name(t_{f.name}) AS {f.name}_masked")
        else:
            select.append(f"mask_phone(t_{f.name}) AS {f.name}_masked")
            select.append(f"hmac_sha256(t_{f.name}) AS {f.name}_token")
    con.execute(
        f"CREATE TABLE silver_{name} AS SELECT {', '.join(select)}, delivery_date, "
        f"source_file AS _source_file, row_number AS _row_number, now() AS _silver_at "
        f"FROM outcome WHERE winner"
    )
    con.execute(
        f"INSERT INTO quarantine SELECT {lit(name)}, source_file, row_number, delivery_date, "
        "p.field, p.value, p.reason, p.category, p.severity, "
        "CASE WHEN p.severity = 'error' THEN 'quarantined' ELSE 'warned' END "
        "FROM (SELECT *, unnest(problems) AS p FROM outcome WHERE len(problems) > 0) "
        f"UNION ALL SELECT {lit(name)}, source_file, row_number, delivery_date, "
        f"{lit(contract.natural_key[0])}, s_{contract.natural_key[0]}, "
        "'superseded by a later row of the same key in the same delivery', '05', 'info', "
        "'superseded' FROM outcome WHERE superseded"
    )
    counts = con.execute(
        f"INSERT INTO batch_log SELECT {lit(name)}, source_file, count(*), "
        "count_if(NOT rejected AND NOT superseded), count_if(rejected), "
        "count_if(superseded AND NOT rejected) FROM outcome GROUP BY source_file "
        "RETURNING *"
    ).fetchall()
    for _, file, read, accepted, quarantined, superseded in counts:
        if read != accepted + quarantined + superseded:
            raise RuntimeError(f"{name} {file}: {read} read but {accepted} + {quarantined} + {superseded}")  # fmt: skip
    target = out / "silver" / f"{name}.parquet"
    con.execute(f"COPY silver_{name} TO {lit(str(target))} (FORMAT parquet)")
    for t in ("std", "typed", "classified", "outcome"):
        con.execute(f"DROP TABLE {t}")
    rows = con.execute(f"SELECT count(*) FROM silver_{name}").fetchall()[0][0]
    return {
        "read": sum(c[2] for c in counts),
        "accepted": sum(c[3] for c in counts),
        "quarantined": sum(c[4] for c in counts),
        "superseded": sum(c[5] for c in counts),
        "silver_rows": rows,
    }


# -- gate --------------------------------------------------------------------------------------
def _gate(con: duckdb.DuckDBPyConnection, contract: Contract, out: Path) -> dict:
    path = lit(str(out / "silver" / f"{contract.name}.parquet"))
    checks = ["count(*) = 0"]  # row count >= 1
    for f in contract.fields:
        c = ident(f.name)
        if f.required:
            checks.append(f"count_if({c} IS NULL) > 0")
        if f.pattern and f.pii == "none":
            checks.append(f"count_if(NOT regexp_matches({c}, {lit(f.pattern)})) > 0")
        if f.type == "code":
            checks.append(f"count_if({c} NOT IN ({', '.join(lit(x) for x in f.codes)})) > 0")
        if f.check == "uscc":
            checks.append(f"count_if(NOT regexp_matches({c}, '^[0-9A-HJ-NPQRTUWXY]{{2}}[0-9]{{6}}[0-9A-HJ-NPQRTUWXY]{{10}}$')) > 0")  # fmt: skip
        if f.check == "division_code":
            checks.append(f"count_if(NOT regexp_matches({c}, '^[0-9]{{6}}$')) > 0")
        if f.not_before:
            checks.append(f"count_if({c} < {ident(f.not_before)}) > 0")
        if f.pii == "contact":
            checks.append(f"count_if(regexp_matches({f.name}_masked, '^1[3-9][0-9]{{9}}$')) > 0")
            checks.append(f"count_if(NOT regexp_matches({f.name}_token, '^[0-9a-f]{{64}}$')) > 0")
    checks.append("count_if(delivery_date IS NULL) > 0")
    key = ", ".join(contract.natural_key)
    checks.append(f"count(*) <> count(DISTINCT ({key}))")
    failed = con.execute(
        f"SELECT {' + '.join(f'({c})::INT' for c in checks)} FROM read_parquet({path})"
    ).fetchall()[0][0]
    return {"evaluated": len(checks), "failed": failed}


# -- gold --------------------------------------------------------------------------------------
def _gold(con: duckdb.DuckDBPyConnection, out: Path, run_date: date) -> dict:
    gold = out / "gold"
    gold.mkdir(parents=True, exist_ok=True)
    silver = out / "silver"
    con.execute(
        f"CREATE TABLE g_items AS SELECT * EXCLUDE (_source_file, _row_number) "
        f"FROM read_parquet({lit(str(silver / 'supervision_items.parquet'))})"
    )
    con.execute(  # no raw personal data in gold: masked and tokenised forms only
        f"CREATE TABLE g_actions AS SELECT * EXCLUDE (contact_name, contact_phone, _source_file, "
        f"_row_number) FROM read_parquet({lit(str(silver / 'supervision_actions.parquet'))})"
    )
    for table, kinds in ACTION_KINDS.items():
        where = f"action_type IN ({', '.join(lit(k) for k in kinds)})"
        if table == "penalties":  # linked to the latest inspection of the entity and item
            con.execute(
                f"CREATE TABLE g_{table} AS SELECT p.*, (SELECT i.action_id FROM g_inspections i "
                "WHERE i.entity_uscc = p.entity_uscc AND i.item_code = p.item_code AND "
                "i.action_date <= p.action_date ORDER BY i.action_date DESC, i.action_id DESC "
                f"LIMIT 1) AS inspection_action_id FROM g_actions p WHERE {where}"
            )
        else:
            con.execute(f"CREATE TABLE g_{table} AS SELECT * FROM g_actions WHERE {where}")
    con.execute(
        "CREATE TABLE g_action_officers AS SELECT action_id, license_no, action_date, "
        "department_code AS action_department_code, NULL::VARCHAR AS officer_department_code, "
        "false AS officer_known FROM (SELECT *, unnest(list_distinct(officer_license_nos)) "
        "AS license_no FROM g_actions)"
    )
    day = lit(run_date.isoformat())
    con.execute(
        "CREATE TABLE g_coverage_rate AS "
        "WITH covered AS (SELECT item_code, count(*) AS n FROM g_actions "
        f"WHERE action_date BETWEEN date_trunc('year', DATE {day}) AND DATE {day} "
        "GROUP BY item_code), per AS (SELECT i.department_code, min(i.department_name) "
        "AS department_name, count(*) AS items_total, count(c.item_code) AS items_covered "
        "FROM g_items i LEFT JOIN covered c USING (item_code) GROUP BY i.department_code) "
        f"SELECT DATE {day} AS run_date, *, CAST(items_covered / items_total AS DECIMAL(7, 4)) "
        "AS coverage_rate, items_covered / items_total >= 0.8 AS meets_80_target, "
        "items_covered / items_total >= 1.0 AS meets_100_target FROM per"
    )
    rows = {}
    for table in ("items", "actions", *ACTION_KINDS, "action_officers", "coverage_rate"):
        con.execute(f"COPY g_{table} TO {lit(str(gold / f'{table}.parquet'))} (FORMAT parquet)")
        rows[table] = con.execute(f"SELECT count(*) FROM g_{table}").fetchall()[0][0]
    return rows


# -- export ------------------------------------------------------------------------------------
def _export(con: duckdb.DuckDBPyConnection, out: Path, run_date: date) -> dict:
    batch = f"{run_date:%Y%m%d}0001"
    folder = out / "exports" / "national" / run_date.isoformat() / batch
    manifest: dict = {"batch_no": batch, "run_date": run_date.isoformat(), "datasets": {}}
    now = lit(time.strftime("%Y-%m-%d %H:%M:%S"))
    for name, (table, fields) in DATASETS.items():
        target = folder / name / "part-00000.jsonl"
        target.parent.mkdir(parents=True, exist_ok=True)
        national = ", ".join(f"CAST({expr} AS VARCHAR) AS {ident(n)}" for n, expr in fields)
        con.execute(
            f"COPY (SELECT CAST(r.action_id AS VARCHAR) AS cd_id, 'i' AS cd_operation, "
            f"{lit(batch)} AS cd_batch, {now} AS cd_time, "
            f"'{PROVINCE_DIVISION}' || coalesce(r.department_code, '00') AS cd_source, {national} "
            f"FROM g_{table} r ORDER BY cd_id) TO {lit(str(target))} (FORMAT json)"
        )
        data = target.read_bytes()
        manifest["datasets"][name] = {
            "inserts": data.count(b"\n"),
            "files": [{"name": target.name, "sha256": hashlib.sha256(data).hexdigest()}],
        }
    (folder / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    return {n: d["inserts"] for n, d in manifest["datasets"].items()}


# -- the day -----------------------------------------------------------------------------------
def run(landing_dir: Path | str, out_dir: Path | str, contract_dir: Path | None = None) -> dict:
    """The day on the files under `landing_dir`, written under `out_dir` (emptied first).
    Returns `seconds` per stage, `rows` per stage and `detail`."""
    landing, out = Path(landing_dir).resolve(), Path(out_dir).resolve()
    shutil.rmtree(out, ignore_errors=True)
    (out / "silver").mkdir(parents=True)
    contract_dir = contract_dir or Path(os.environ.get("LAKEHOUSE_CONTRACT_DIR") or REPO_ROOT / "schemas")  # fmt: skip
    contracts = [get_contract(name, contract_dir) for name in SOURCES]
    masking_key = os.environ.get("LAKEHOUSE_MASKING_KEY", "").strip() or DEVELOPMENT_MASKING_KEY
    days = sorted(p.name for c in contracts for p in (landing / c.landing_dir).glob("*") if p.is_dir())  # fmt: skip
    run_date = date.fromisoformat(days[-1])
    seconds: dict[str, float] = {}
    clock: dict[str, tuple[float, float]] = {}  # wall-clock start, end (for memory sampling)
    rows: dict[str, int] = {}
    detail: dict = {}
    con = duckdb.connect()
    con.execute(f"SET temp_directory = {lit(str(out / 'duckdb-tmp'))}")
    _macros(con, masking_key)

    def stage(name: str, t0: float, w0: float) -> None:
        seconds[name] = time.perf_counter() - t0
        clock[name] = (w0, time.time())

    t0, w0 = time.perf_counter(), time.time()
    detail["read"] = {c.name: _read_source(con, c, landing, out / "utf8") for c in contracts}
    stage("read", t0, w0)
    rows["read"] = sum(d["rows"] for d in detail["read"].values())

    t0, w0 = time.perf_counter(), time.time()
    con.execute(
        "CREATE TABLE quarantine (source VARCHAR, source_file VARCHAR, row_number BIGINT, "
        "delivery_date DATE, field VARCHAR, value VARCHAR, reason VARCHAR, category VARCHAR, "
        "severity VARCHAR, status VARCHAR)"
    )
    con.execute(
        "CREATE TABLE batch_log (source VARCHAR, source_file VARCHAR, rows_read BIGINT, "
        "rows_accepted BIGINT, rows_quarantined BIGINT, rows_superseded BIGINT)"
    )
    detail["silver"] = {c.name: _silver_source(con, c, out, masking_key) for c in contracts}
    con.execute(f"COPY quarantine TO {lit(str(out / 'silver' / 'quarantine.parquet'))} (FORMAT parquet)")  # fmt: skip
    con.execute(f"COPY batch_log TO {lit(str(out / 'silver' / 'batch_log.parquet'))} (FORMAT parquet)")  # fmt: skip
    stage("silver", t0, w0)
    rows["silver"] = sum(d["read"] for d in detail["silver"].values())

    t0, w0 = time.perf_counter(), time.time()
    detail["gate"] = {c.name: _gate(con, c, out) for c in contracts}
    stage("gate", t0, w0)
    rows["gate"] = sum(d["silver_rows"] for d in detail["silver"].values())

    t0, w0 = time.perf_counter(), time.time()
    detail["gold"] = _gold(con, out, run_date)
    stage("gold", t0, w0)
    rows["gold"] = rows["gate"]

    t0, w0 = time.perf_counter(), time.time()
    detail["export"] = _export(con, out, run_date)
    stage("export", t0, w0)
    rows["export"] = sum(detail["export"].values())
    con.close()
    quarantined = {c.name: detail["silver"][c.name]["quarantined"] for c in contracts}
    return {
        "run_date": run_date.isoformat(),
        "seconds": seconds,
        "clock": clock,
        "rows": rows,
        "actions_read": detail["read"]["supervision_actions"]["rows"],
        "actions_accepted": detail["silver"]["supervision_actions"]["silver_rows"],
        "items_accepted": detail["silver"]["supervision_items"]["silver_rows"],
        "rows_quarantined": quarantined,
        "detail": detail,
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("landing", type=Path, help="landing zone: <source>/<yyyy-mm-dd>/<file>")
    p.add_argument("out", type=Path, help="working folder (emptied)")
    p.add_argument("--json", type=Path, help="write the result here")
    args = p.parse_args(argv)
    result = run(args.landing, args.out)
    result["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    text = json.dumps(result, ensure_ascii=False, indent=2, default=str)
    if args.json:
        args.json.write_text(text)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
