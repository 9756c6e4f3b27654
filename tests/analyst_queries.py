"""The README's analyst queries (the ```sql block under "One query per repository"), run as an
analyst runs them: one fresh `infra/spark-sql` process on a lake. Shared by the province gold
test and the end-to-end test of the main job."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from spark_jobs.core.settings import REPO_ROOT


def readme_queries() -> list[str]:
    """The queries of the README block, in order."""
    text = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("### One query per repository", 1)[1]
    block = re.search(r"```sql\n(.*?)```", section, re.S).group(1)
    return [q.strip() for q in block.split(";") if q.strip()]


def rows_per_query(home: Path, queries: list[str], script: Path) -> list[list[str]]:
    """Run `queries` from a fresh `infra/spark-sql` on the local lake under `home`; the output
    lines of each query (a marker line is selected before each, to split the output)."""
    script.write_text(
        "".join(f"SELECT '@@query {i}';\n{q};\n" for i, q in enumerate(queries)), "utf-8"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("LAKEHOUSE_")}
    env["LAKEHOUSE_HOME"] = str(home)
    run = subprocess.run(
        ["bash", str(REPO_ROOT / "infra" / "spark-sql"), "-f", str(script)],
        capture_output=True, text=True, env=env, timeout=600, cwd=REPO_ROOT,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    lines = [line for line in run.stdout.splitlines() if line.strip()]
    marks = [i for i, line in enumerate(lines) if line.startswith("@@query ")]
    assert len(marks) == len(queries), run.stdout[-3000:]
    bounds = [*marks[1:], len(lines)]
    return [lines[start + 1 : end] for start, end in zip(marks, bounds, strict=True)]
