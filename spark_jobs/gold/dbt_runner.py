"""Run dbt (dbt_project/) in this process, on the lakehouse's own SparkSession.

dbt-spark's `session` method runs every statement on `SparkSession.builder...getOrCreate()`, so
dbt must run *inside* the process after `get_spark(settings)` has created the session (Delta,
the in-memory catalog, the lake's tables registered by name). Hence the programmatic
`dbtRunner` here and never a `dbt` shell command.

    run_dbt(["build"], settings, vars={"run_date": "2024-06-28"})   # from Python
    python -m spark_jobs.gold.dbt_runner build --vars '{run_date: 2024-06-28}'   # from a shell

dbt vars are passed with `--vars`, never through os.environ: the caller's vars (the `vars`
argument, or a `--vars` in `args`) are merged. Two values reach dbt as Spark session settings
instead, set for the one invocation: the lake root (`lakehouse.lake_root`, always from
`settings`; macros/lake_location.sql adds it to a table's location when the table is created)
and the run date (given as the var `run_date` like the others; `lakehouse.run_date`, read by
macros/run_date.sql when a model is compiled). dbt re-parses the whole project whenever its
vars differ from the last parse's (2-6 s for this project); with neither in them, the vars
stay the same from one day and one lake to the next, so a stored parse is re-used day after
day, and a new lake starts from the parse another lake stored (`parse_cache`).

dbt writes its artifacts and logs under `<Settings.home>/dbt/` (target/, logs/), never into
the repository. The marts are written to `<lake_root>/gold/<model>` (dbt_project.yml's
`+location_root: gold` under the lake root, macros/lake_location.sql), where
`register_lake_tables` finds them in every later process.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from spark_jobs.core.catalog import register_lake_tables
from spark_jobs.core.session import get_spark, session_conf
from spark_jobs.core.settings import REPO_ROOT, Settings
from spark_jobs.gold.parse_cache import shared_parse

log = logging.getLogger(__name__)

PROJECT_DIR = REPO_ROOT / "dbt_project"
PROFILES_DIR = PROJECT_DIR

# The Spark session settings that carry the run date (macros/run_date.sql) and the lake root
# (macros/lake_location.sql) to dbt.
RUN_DATE_SETTING = "lakehouse.run_date"
LAKE_ROOT_SETTING = "lakehouse.lake_root"

# Commands (as `_command` finds them: `docs generate` is `generate`) that write no table:
# after them the catalog needs no new names (the report task runs two of them).
_READ_ONLY = {
    "compile",
    "debug",
    "freshness",
    "generate",
    "list",
    "ls",
    "parse",
    "serve",
    "show",
    "test",
}

# Node statuses that make a run fail (dbt's NodeStatus values).
_FAILED = {"error", "fail", "runtime error", "partial success"}


class DbtFailed(RuntimeError):
    """A dbt invocation that did not succeed; `failures` lists "<unique_id> [status]: msg"."""

    def __init__(
        self, args: list[str], failures: list[str], exception: BaseException | None = None
    ):
        self.command = list(args)
        self.failures = failures
        self.exception = exception
        lines = [f"dbt {' '.join(args)} failed"]
        if exception is not None:
            lines.append(f"  {type(exception).__name__}: {exception}")
        lines += [f"  - {f}" for f in failures]
        super().__init__("\n".join(lines))


def dbt_target_path(settings: Settings) -> Path:
    """dbt's target directory (manifest, run_results, catalog.json, index.html) for `settings`."""
    return settings.home / "dbt" / "target"


def dbt_log_path(settings: Settings) -> Path:
    return settings.home / "dbt" / "logs"


def _command(args: list[str]):
    """The click command `args` invoke (`build`, `docs generate`, ...), or None if unknown."""
    import click
    from dbt.cli.main import cli

    cmd: click.Command = cli
    for token in args:
        if token.startswith("-"):
            continue
        if isinstance(cmd, click.Group) and token in cmd.commands:
            cmd = cmd.commands[token]
            continue
        break
    return None if cmd is cli or isinstance(cmd, click.Group) else cmd


def _split_vars(args: list[str]) -> tuple[list[str], dict[str, Any]]:
    """`args` without its `--vars` options, and their values merged (dbt reads them as YAML)."""
    rest: list[str] = []
    given: dict[str, Any] = {}
    tokens = iter(args)
    for token in tokens:
        if token == "--vars" or token.startswith("--vars="):  # noqa: S105 - not a password
            text = token.partition("=")[2] if "=" in token else next(tokens, "")
            value = yaml.safe_load(text) if text.strip() else {}
            if not isinstance(value, dict):
                raise ValueError(f"--vars must be a YAML/JSON mapping, got {text!r}")
            given.update(value)
        else:
            rest.append(token)
    return rest, given


def _merged_vars(
    args: list[str], vars: Mapping[str, Any] | None
) -> tuple[list[str], dict[str, Any]]:
    """`args` without `--vars`, and the vars: those in `args`, then `vars` over them."""
    rest, merged = _split_vars(list(args))
    merged.update(vars or {})
    return rest, merged


def run_date_of(args: list[str], vars: Mapping[str, Any] | None = None) -> str | None:
    """The run date given as the var `run_date` (in `args`' `--vars` or in `vars`), or None."""
    value = _merged_vars(args, vars)[1].get("run_date")
    return None if value is None else str(value)


def session_settings(spark, run_date: str | None, lake_root: str):
    """The session settings the macros read, for one dbt invocation: the run date (unset
    without one) and the lake root; put back afterwards (unset), so no later call sees a
    date or a lake it was not given."""
    return session_conf(spark, {RUN_DATE_SETTING: run_date, LAKE_ROOT_SETTING: lake_root})


def dbt_args(
    args: list[str], settings: Settings, vars: Mapping[str, Any] | None = None
) -> list[str]:
    """`args` plus the vars, project, profiles, target and log paths (where the command takes
    them). Vars are any `--vars` in `args`, then `vars`; neither the run date nor the lake
    root is one (`session_settings`)."""
    cmd = _command(args)
    accepted = {p.name for p in cmd.params} if cmd is not None else set()
    args, merged = _merged_vars(args, vars)
    merged.pop("run_date", None)  # to the session (`run_date_of`), not into the parse
    if merged.pop("lake_root", settings.lake_root) != settings.lake_root:
        raise ValueError(
            f"lake_root comes from the settings ({settings.lake_root}), not from vars: "
            "set LAKEHOUSE_HOME / LAKEHOUSE_MODE instead"
        )
    extra: list[str] = []
    if "vars" in accepted:
        extra += ["--vars", json.dumps(merged, sort_keys=True, default=str)]
    elif merged:
        raise ValueError(f"dbt {' '.join(args)} takes no --vars, got {sorted(merged)}")
    for name, flag, value in (
        ("project_dir", "--project-dir", PROJECT_DIR),
        ("profiles_dir", "--profiles-dir", PROFILES_DIR),
        ("target_path", "--target-path", dbt_target_path(settings)),
        ("log_path", "--log-path", dbt_log_path(settings)),
    ):
        if name in accepted and flag not in args:
            extra += [flag, str(value)]
    return [*args, *extra]


def _vars_json(argv: list[str]) -> str | None:
    """The `--vars` JSON of `argv` as `dbt_args` made it (None: the command takes no vars)."""
    return argv[argv.index("--vars") + 1] if "--vars" in argv else None


def _failing_column_tests(spark, node) -> str:
    """Which column tests a failed `declared_column_checks` test found failing, by the names of
    the tests declared in the model's yml, from its query's rows (read before the build is
    rolled back): `not_null_penalties_action_id 3 rows; ...`."""
    try:
        rows = spark.sql(node.compiled_code).collect()
    except Exception as exc:  # the message still names the model's test
        return f"(its rows could not be read: {type(exc).__name__})"
    return "; ".join(f"{r['test_name']} {r['failures']} rows" for r in rows)


def _failures(result, spark=None) -> list[str]:
    """Failing nodes of a dbtRunnerResult.result (RunExecutionResult, CatalogArtifact...). A
    failed `declared_column_checks` test also names the column tests that failed."""
    out = []
    for r in getattr(result, "results", None) or []:
        status = str(getattr(r.status, "value", r.status))
        if status in _FAILED:
            message = " ".join(line.strip() for line in (r.message or "").splitlines())
            if len(message) > 500:
                message = message[:500] + " ..."
            metadata = getattr(r.node, "test_metadata", None)
            if (
                spark is not None
                and status == "fail"
                and getattr(metadata, "name", None) == "declared_column_checks"
            ):
                message += f" ({_failing_column_tests(spark, r.node)})"
            out.append(f"{r.node.unique_id} [{status}]: {message}".rstrip(": "))
    for error in getattr(result, "errors", None) or []:  # docs generate
        out.append(str(error))
    return out


def run_dbt(
    args: list[str], settings: Settings | None = None, vars: Mapping[str, Any] | None = None
):
    """Run `dbt <args>` in-process on the lakehouse session; return the dbtRunnerResult.

    `vars` are dbt vars (e.g. `{"run_date": "2024-06-28"}`, which `dbt build` needs for the
    models of the run date; it goes to dbt as the session setting `lakehouse.run_date`, see
    the module docstring). A new lake starts from the stored parse of the same vars
    (`parse_cache`). Raises DbtFailed (listing the failing
    models/tests) when dbt does not succeed. Afterwards every lake table, the gold tables
    dbt wrote included, is registered by name in the session.
    """
    from dbt.cli.main import dbtRunner

    settings = settings or Settings.from_env()
    # Creates the session dbt-spark's getOrCreate() will return, with this lake's tables (and
    # only those) registered by name.
    spark = get_spark(settings)
    argv = dbt_args(list(args), settings, vars)
    run_date = run_date_of(list(args), vars)
    log.info("dbt %s (run date %s)", " ".join(argv), run_date or "none")
    with (
        session_settings(spark, run_date, settings.lake_root),
        shared_parse(settings.dbt_parse_cache, dbt_target_path(settings), _vars_json(argv)),
    ):
        res = dbtRunner().invoke(argv)
    command = _command(list(args))
    if command is None or command.name not in _READ_ONLY:  # also after a failure
        register_lake_tables(spark, settings)  # some marts may be rebuilt
    if not res.success:
        raise DbtFailed(list(args), _failures(res.result, spark), res.exception)
    return res


def main(argv: list[str]) -> int:
    if not argv:
        print(
            "usage: python -m spark_jobs.gold.dbt_runner <dbt command> [dbt args]  "
            "(e.g. build --vars '{run_date: 2024-06-28}', test, docs generate)",
            file=sys.stderr,
        )
        return 2
    try:
        run_dbt(argv)
    except DbtFailed as exc:
        print(exc, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
