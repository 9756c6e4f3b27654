"""The quality gate on silver (Great Expectations) and the Data Docs quality officers read.

| module | job |
|---|---|
| `suites` | expectation suites: the hand-written JSON in `expectations/` merged with what the contract implies; what results may show (counts, never personal data) |
| `context` | the file-backed GE project under `settings.home`: datasource, asset, checkpoint, and the lock that serialises runs |
| `data_docs` | the Data Docs site, rendered through offline templates |
| `gate` | `run_quality_gate` / `enforce_quality_gate`: validate a silver table, report, raise; `gate_session`: several tables in one project load, Data Docs built once |
"""

from __future__ import annotations

import logging


def quiet_great_expectations() -> None:
    """GE logs ~2,500 DEBUG/INFO lines while importing (registry, fluent datasources, API docs
    decorators): keep its warnings and errors only. Must run before GE is first imported, so
    importing this package runs it; the gate runs it again in case logging was reconfigured
    since (as Airflow's task runner does)."""
    for name in ("great_expectations", "altair", "tzlocal"):
        logging.getLogger(name).setLevel(logging.WARNING)


quiet_great_expectations()
