"""Print a run's report (written by the DAG's `report` task) for a person at a terminal."""

from __future__ import annotations

import json
import sys
from pathlib import Path


def report_path(home: Path, day: str) -> Path:
    """Where the `report` task writes the run's report of `day` (YYYY-MM-DD) under `home`."""
    return home / "reports" / f"run-{day}.json"


def render_day(summary: dict) -> list[str]:
    """What arrived on the run date, per source (ops.batch_log rows of that delivery date):
    files ingested, skipped as already ingested, rejected, waiting (pages of a dump whose rest
    is still to come); rows read, accepted, quarantined, superseded by a later delivery."""
    rows = summary.get("delivered") or []
    out = [f"Delivered on {summary['run_date']} (files: ingested/skipped/rejected/waiting; rows):"]
    if not rows:
        return [*out, "  nothing"]
    for r in rows:
        out.append(
            f"  {r['source']:<32} files {r['files_ingested']}/{r['files_skipped']}/"
            f"{r['files_rejected']}/{r.get('files_waiting') or 0}  read {r['rows_read'] or 0:>6}"
            "  accepted "
            f"{r['rows_accepted'] or 0:>6}  quarantined {r['rows_quarantined'] or 0:>4}  "
            f"superseded {r['rows_superseded'] or 0:>4}"
        )
    return out


def render(summary: dict) -> str:
    out = [f"Run {summary['run_date']} ({summary['mode']} mode)", "", "Rows per layer:"]
    out += [f"  {name:<34} {count:>8}" for name, count in summary["rows"].items()]
    out += [
        "",
        "Quarantined (silver.quarantine, one row per problem of a rejected row): "
        f"{summary['quarantine_rows']}",
        "",
        "Files per source and stage (silver: rows read = accepted + quarantined + superseded):",
    ]
    for r in summary["operations"]:
        out.append(
            f"  {r['source']:<20} {r['stage']:<7} {r['status']:<18} files {r['files']:>3}"
            f"  read {r['read'] or 0:>6}  accepted {r['accepted'] if r['accepted'] is not None else '-':>6}"
            f"  quarantined {r['quarantined'] if r['quarantined'] is not None else '-':>5}"
            f"  superseded {r.get('superseded') if r.get('superseded') is not None else '-':>4}"
        )
    out += ["", *render_day(summary)]
    out += ["", "Coverage of catalog items by supervision actions (gold.coverage_rate):"]
    for c in summary["coverage"]:
        flags = ("≥80% " if c["meets_80_target"] else "<80% ") + (
            "=100%" if c["meets_100_target"] else ""
        )
        out.append(
            f"  {c['department_code']} {c['department_name']:<14} {c['items_covered']:>3}/"
            f"{c['items_total']:<3} {float(c['coverage_rate']):>7.1%}  {flags}"
        )
    freshness = summary.get("source_freshness") or {}
    stale = {t: f for t, f in freshness.items() if f["status"] != "pass"}
    out += ["", f"Source freshness (dbt, silver._silver_at): {len(freshness) - len(stale)} fresh"]
    out += [f"  {t:<34} {f['status']:<8} {f['age_hours']} h" for t, f in stale.items()]
    skipped = summary.get("gold_skipped_sources") or []
    if skipped:
        out.append(
            f"Not delivered yet ({len(skipped)} sources; their gold marts are skipped): "
            + ", ".join(skipped)
        )
    headline = summary.get("headline") or {}
    if headline:
        out += [
            "",
            f"Dashboard: province coverage {headline['province_coverage']}, departments at 80 % "
            f"{headline['departments_80']}, at 100 % {headline['departments_100']}; "
            f"{headline['collection_warnings']} collection and {headline['risk_warnings']} risk "
            f"warnings; {headline['excellent']} departments 优秀, {headline['failing']} 不合格",
        ]
    out += [
        "",
        f"Leaders' page:    {summary.get('dashboard', '-')}",
        f"National export:  {summary['export']}",
        f"Data Docs:        {summary['data_docs']}",
        f"dbt docs:         {summary.get('dbt_docs', '-')}",
        f"Quality report:   {summary.get('quality_report', '-')}",
        f"Rejection lists:  {len(summary.get('rejection_workbooks') or {})} workbook(s) beside it",
        f"Lake (Delta):     {summary['lake']}",
        "Query by name:    infra/spark-sql -e 'SELECT * FROM gold.coverage_rate'",
    ]
    return "\n".join(out)


def render_short(summary: dict) -> str:
    """One day of a multi-day run: what arrived, the headline, where the outputs are."""
    headline = summary.get("headline") or {}
    out = render_day(summary)
    if headline:
        out.append(
            f"  => coverage {headline['province_coverage']}, departments at 80 % "
            f"{headline['departments_80']}, {headline['collection_warnings']} collection and "
            f"{headline['risk_warnings']} risk warnings"
        )
    out.append(f"  => export {summary['export']}; page {summary.get('dashboard', '-')}")
    return "\n".join(out)


if __name__ == "__main__":
    args = sys.argv[1:]
    short = args[:1] == ["--short"]
    with open(args[-1], encoding="utf-8") as fh:
        data = json.load(fh)
    print(render_short(data) if short else render(data))
