"""Paged JSON dumps into bronze: the dump, not the page file, is the unit.

A dump is the page files `<dump>_p<NNNN>.json` of one name. A complete dump is one batch and
one commit; `_row_number` runs across its pages in page order and `_file_sha256` is the page
file's. Each page file gets its own ops.batch_log row:

| status | when |
|---|---|
| `ingested` | the dump was complete and landed (every page, one commit) |
| `waiting` | every page here is readable and they agree, but pages are missing: the rest may come with a later delivery (credit platforms send big dumps in parts). Nothing is read yet; the task is not failed |
| `rejected` | a page is unreadable, pages disagree, there are too many, or records do not add up: the dump is refused whole |
| `skipped_duplicate` | the same pages were already ingested (under this name or another) |

A dump delivered in parts: the pages of a later delivery folder join the `waiting` pages of the
same dump name from earlier folders, and once every page is there the dump lands whole, on the
day it became complete (`_delivery_date` and the ops rows say that day). A page delivered again
in a later folder replaces its waiting copy (recorded as `skipped_duplicate`, naming the copy
that was read). A dump is ingested once: once its pages are in bronze, a page file that is new
or changed under that dump name is rejected (deliver a corrected dump under a new dump name).
"""

from __future__ import annotations

import logging
from collections import Counter
from datetime import date

from spark_jobs.contracts import Contract
from spark_jobs.core.settings import Settings
from spark_jobs.core.storage import Storage
from spark_jobs.ingest import bronze
from spark_jobs.ingest.bronze import FileResult, Progress, batch_id_for
from spark_jobs.ingest.commit import Pending
from spark_jobs.ingest.readers import (
    DumpIncomplete,
    FileRejected,
    read_json_dump,
    split_page_name,
)

log = logging.getLogger(__name__)

WAITING = (
    "waiting for the rest: nothing of the dump is read until every page is here; pages "
    "delivered later under the same dump name complete it"
)


def _folder(key: str) -> str:
    return key.rsplit("/", 1)[0]


def waiting_pages(keys: list[str]) -> dict[str, list[str]]:
    """dump name → the landing keys among `keys` (pages held `waiting` by an earlier run)."""
    out: dict[str, list[str]] = {}
    for key in keys:
        split = split_page_name(key)
        if split is not None:
            out.setdefault(split[0], []).append(key)
    return out


def ingest_dumps(
    spark,
    settings: Settings,
    contract: Contract,
    storage: Storage,
    keys: list[str],
    delivery_date: date,
    seen: dict[str, str],
    waiting: list[str],
    ops_rows: list[dict],
    progress: Progress,
    pending: list[Pending],
) -> list[FileResult]:
    """Every dump of one delivery folder (`keys`), each with its waiting pages from earlier
    folders; a file that is not a page file is rejected. `seen` and `waiting`:
    `bronze.ingested_files` (the files already in bronze by sha256, the pages held waiting)."""
    results: list[FileResult] = []
    units: dict[str | None, list[str]] = {}
    for key in keys:
        split = split_page_name(key)
        units.setdefault(None if split is None else split[0], []).append(key)
    earlier = waiting_pages(waiting)
    here = _folder(keys[0]) if keys else ""
    listed: dict[str, set[str]] = {}  # earlier folder → its keys (a waiting page may be gone)

    def still_there(key: str) -> bool:
        folder = _folder(key)
        if folder not in listed:
            listed[folder] = {k.removeprefix("landing/") for k in storage.list(f"landing/{folder}")}
        return key in listed[folder]

    for dump, unit_keys in units.items():
        if dump is None:
            continue
        numbers = {split_page_name(k)[1] for k in unit_keys}  # type: ignore[index]
        joined = []
        for key in earlier.get(dump, []):
            if _folder(key) == here or not still_there(key):
                continue
            if split_page_name(key)[1] in numbers:  # type: ignore[index]
                newer = next(k for k in unit_keys if split_page_name(k) == split_page_name(key))
                reason = f"page delivered again in {newer}; that copy is read"
                sha = bronze._sha256(storage.read_bytes(f"landing/{key}"))
                ops_rows.append(
                    {
                        **bronze._base(contract, key, sha, None, delivery_date),
                        "status": "skipped_duplicate",
                        "rows_read": 0,
                        "reason": reason,
                    }
                )
                results.append(FileResult(key, "skipped_duplicate", reason=reason))
                continue
            joined.append(key)
        results.extend(
            ingest_dump(
                spark,
                settings,
                contract,
                storage,
                dump,
                unit_keys + joined,
                delivery_date,
                seen,
                ops_rows,
                pending,
            )
        )
        progress.done(results[-1], len(unit_keys))
    for key in units.get(None, []):
        sha = bronze._sha256(storage.read_bytes(f"landing/{key}"))
        reason = (
            f"{key}: not a page file: {contract.name} is delivered as paged dumps "
            "named <dump>_p<NNNN>.json"
        )
        results.append(
            bronze._reject(
                contract, key, sha, batch_id_for(contract, sha), delivery_date, reason, ops_rows
            )
        )
        progress.done(results[-1])
    return results


def ingest_dump(
    spark,
    settings: Settings,
    contract: Contract,
    storage: Storage,
    dump: str,
    keys: list[str],
    delivery_date: date,
    seen: dict[str, str],
    ops_rows: list[dict],
    pending: list[Pending],
) -> list[FileResult]:
    """Read one paged JSON dump (its page files `keys`) as one batch, for the folder's commit
    (appended to `pending`), or skip or reject it whole; append one ops.batch_log row per page
    file to `ops_rows`."""
    keys = sorted(keys, key=lambda k: (split_page_name(k) or (dump, 0))[1])
    datas = {k: storage.read_bytes(f"landing/{k}") for k in keys}
    shas = {k: bronze._sha256(datas[k]) for k in keys}
    dump_sha = bronze._sha256("\n".join(shas[k] for k in keys).encode())  # content, in page order
    batch_id = batch_id_for(contract, dump_sha)
    done = [k for k in keys if seen.get(shas[k]) == k]
    copies = [k for k in keys if shas[k] in seen and seen[shas[k]] != k]
    results = [
        FileResult(k, "skipped_duplicate", reason="already ingested", batch_id=batch_id)
        for k in done
    ]
    if len(done) + len(copies) == len(keys):
        for k in copies:
            reason = f"same content (sha256 {shas[k][:12]}…) already ingested from {seen[shas[k]]}"
            ops_rows.append(
                {
                    **bronze._base(contract, k, shas[k], batch_id, delivery_date),
                    "status": "skipped_duplicate",
                    "rows_read": 0,
                    "reason": reason,
                }
            )
            results.append(FileResult(k, "skipped_duplicate", reason=reason, batch_id=batch_id))
        return results
    if done:
        names = ", ".join(k.rsplit("/", 1)[-1] for k in done)
        reason = (
            f"{dump}: the dump was already ingested ({names}); a new or changed page "
            "file under its name is refused: deliver a corrected dump under a new name"
        )
        return results + [
            bronze._reject(contract, k, shas[k], batch_id, delivery_date, reason, ops_rows)
            for k in keys
            if k not in done
        ]
    try:
        table = read_json_dump(contract, dump, [(k, datas[k]) for k in keys])
    except DumpIncomplete as exc:  # the rest may come later: held, not refused
        reason = f"{exc}; {WAITING}"
        log.info("bronze %s: %s", contract.name, reason)
        results = []
        for k in keys:
            ops_rows.append(
                {
                    **bronze._base(contract, k, shas[k], batch_id, delivery_date),
                    "status": "waiting",
                    "rows_read": 0,
                    "reason": reason,
                }
            )
            results.append(FileResult(k, "waiting", reason=reason, batch_id=batch_id))
        return results
    except Exception as exc:  # DumpRejected, or a reader's surprise: the others go on
        if not isinstance(exc, FileRejected):
            log.exception("bronze %s: reading dump %s failed", contract.name, dump)
        reason = (
            str(exc)
            if isinstance(exc, FileRejected)
            else (f"{dump}: cannot be read ({type(exc).__name__}: {exc})")
        )
        return [
            bronze._reject(contract, k, shas[k], batch_id, delivery_date, reason, ops_rows)
            for k in keys
        ]
    files = table.column("_source_file").to_pylist()
    if table.num_rows:
        table = bronze._with_lineage(
            contract, table, files, [shas[f] for f in files], batch_id, delivery_date
        )
        pending.append(Pending(keys[0], dump_sha, batch_id, table, frozenset(shas.values())))
    per_page = Counter(files)
    for k in keys:
        ops_rows.append(
            {
                **bronze._base(contract, k, shas[k], batch_id, delivery_date),
                "status": "ingested",
                "rows_read": per_page[k],
            }
        )
        seen[shas[k]] = k
        results.append(FileResult(k, "ingested", rows=per_page[k], batch_id=batch_id))
    return results
