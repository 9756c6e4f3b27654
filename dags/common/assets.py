"""The Airflow Asset of every lake table, named as analysts query it (`<layer>.<table>`).

The URI is logical and stable (`x-lakehouse://<layer>/<table>`, the same in local and MinIO
mode, whatever the lake path), so producers and consumers agree on the asset everywhere; `x-` is
a user scheme, to which Airflow applies no URI semantics. Bronze has one Asset per delivery
contract (its ingest DAG is the only producer); later layers name theirs here too.
"""

from __future__ import annotations

from datetime import date

from airflow.sdk import Asset

URI_SCHEME = "x-lakehouse"


def table_asset(layer: str, table: str) -> Asset:
    return Asset(name=f"{layer}.{table}", uri=f"{URI_SCHEME}://{layer}/{table}")


def bronze_asset(source: str) -> Asset:
    """The asset of `bronze.<source>`, produced only by `ingest_<source>`."""
    return table_asset("bronze", source)


def silver_asset(source: str) -> Asset:
    return table_asset("silver", source)


def gold_asset(model: str) -> Asset:
    return table_asset("gold", model)


NATIONAL_EXPORT = Asset(name="exports.national", uri=f"{URI_SCHEME}://exports/national")


def run_date(ds: str | None, triggering_asset_events=None) -> str:
    """The delivery date a downstream run works on.

    A run with a logical date (a daily run, `airflow dags test <dag> <date>`, a backfill) uses
    its `ds`. An asset-triggered run has no logical date: it takes the latest delivery date
    among the bronze events that triggered it (their `extra`, written by the ingest DAGs).
    """
    if ds:
        return ds
    dates = [
        event.extra["delivery_date"]
        for events in (triggering_asset_events or {}).values()
        for event in events
        if (event.extra or {}).get("delivery_date")
    ]
    if not dates:
        raise ValueError("no logical date and no triggering asset event with a delivery_date")
    return max(date.fromisoformat(d) for d in dates).isoformat()
