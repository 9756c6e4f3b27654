"""One typed settings object, read from the environment, so that nothing knows its run mode.

Every path the jobs use is derived here. Secrets (MinIO keys, the masking key) come only from
environment variables; the defaults below are for the embedded local mode and tests.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
LAYERS = ("bronze", "silver", "gold", "ops", "draws", "exchange")


# Public by construction: used only in local mode when LAKEHOUSE_MASKING_KEY is unset.
DEVELOPMENT_MASKING_KEY = "local-development-key-not-secret"


def _whole_number(name: str, default: int, unit: str = "megabytes") -> int:
    value = _env(name, str(default)).strip()
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{name} must be a whole number ({unit}), not {value!r}")
    return int(value)


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "")
    return value if value.strip() else default


@dataclass(frozen=True)
class Settings:
    """Run configuration. `mode` is `local` (lake on disk) or `minio` (lake in a MinIO bucket)."""

    mode: str = "local"
    home: Path = REPO_ROOT / ".lakehouse"
    spark_master: str = "local[2]"
    jars_dir: Path = REPO_ROOT / ".cache" / "jars"
    minio_endpoint: str = "http://127.0.0.1:9000"
    minio_access_key: str = ""
    minio_secret_key: str = field(default="", repr=False)
    minio_bucket: str = "lakehouse"
    minio_region: str = "us-east-1"
    masking_key: str = field(default="", repr=False)
    contract_dir: Path = REPO_ROOT / "schemas"
    # dbt's stored parse, shared by every lake of this checkout (spark_jobs/gold/parse_cache.py)
    dbt_parse_cache: Path = REPO_ROOT / ".cache" / "dbt-parse"
    # the Spark JVM's class-data-sharing archive (spark_jobs/core/class_archive.py)
    jvm_cache: Path = REPO_ROOT / ".cache" / "jvm"
    # below this much bronze, expressions are interpreted, not compiled (spark_jobs/core/codegen.py)
    interpreted_below_mb: int = 16
    # below this much in the landing zone, the Spark JVM starts with C1 only (spark_jobs/core/jit.py)
    quick_jit_below_kb: int = 512
    # silver builds at once on the one session (spark_jobs/core/parallel.py); 1: one by one
    silver_threads: int = 2

    @classmethod
    def from_env(cls) -> Settings:
        mode = _env("LAKEHOUSE_MODE", "local").lower()
        if mode not in ("local", "minio"):
            raise ValueError(f"LAKEHOUSE_MODE must be 'local' or 'minio', not {mode!r}")
        home = Path(_env("LAKEHOUSE_HOME", str(REPO_ROOT / ".lakehouse"))).resolve()
        masking_key = _env("LAKEHOUSE_MASKING_KEY", "")
        if not masking_key and mode != "local":
            # The development key is public (it is in this file): tokens made with it can be
            # reversed by hashing every mobile number. Only the embedded local default uses it.
            raise ValueError(
                f"LAKEHOUSE_MASKING_KEY must be set in {mode} mode: the HMAC key of personal-data "
                "tokens comes from the environment (the development default is public)"
            )
        return cls(
            mode=mode,
            home=home,
            spark_master=_env("LAKEHOUSE_SPARK_MASTER", "local[2]"),
            jars_dir=Path(_env("LAKEHOUSE_JARS_DIR", str(REPO_ROOT / ".cache" / "jars"))),
            minio_endpoint=_env("LAKEHOUSE_MINIO_ENDPOINT", "http://127.0.0.1:9000"),
            minio_access_key=_env("LAKEHOUSE_MINIO_ACCESS_KEY", ""),
            minio_secret_key=_env("LAKEHOUSE_MINIO_SECRET_KEY", ""),
            minio_bucket=_env("LAKEHOUSE_MINIO_BUCKET", "lakehouse"),
            minio_region=_env("LAKEHOUSE_MINIO_REGION", "us-east-1"),
            # Development default in local mode only (see README, "Run modes").
            masking_key=masking_key or DEVELOPMENT_MASKING_KEY,
            contract_dir=Path(_env("LAKEHOUSE_CONTRACT_DIR", str(REPO_ROOT / "schemas"))),
            dbt_parse_cache=Path(
                _env("LAKEHOUSE_DBT_PARSE_CACHE", str(REPO_ROOT / ".cache" / "dbt-parse"))
            ),
            jvm_cache=Path(_env("LAKEHOUSE_JVM_CACHE", str(REPO_ROOT / ".cache" / "jvm"))),
            interpreted_below_mb=_whole_number("LAKEHOUSE_INTERPRETED_BELOW_MB", 16),
            quick_jit_below_kb=_whole_number("LAKEHOUSE_QUICK_JIT_BELOW_KB", 512, "kilobytes"),
            silver_threads=max(1, _whole_number("LAKEHOUSE_SILVER_THREADS", 2, "threads")),
        )

    # --- where things live -------------------------------------------------------------------
    @property
    def storage_root(self) -> str:
        """Root URI of landing zone, lake and exports: a local directory or an s3a:// bucket."""
        if self.mode == "minio":
            return f"s3a://{self.minio_bucket}"
        return str(self.home / "storage")

    @property
    def landing_root(self) -> str:
        return f"{self.storage_root}/landing"

    @property
    def lake_root(self) -> str:
        return f"{self.storage_root}/lake"

    @property
    def exports_root(self) -> str:
        return f"{self.storage_root}/exports/national"

    def table_path(self, layer: str, table: str) -> str:
        if layer not in LAYERS:
            raise ValueError(f"unknown layer {layer!r}; expected one of {LAYERS}")
        return f"{self.lake_root}/{layer}/{table}"

    @property
    def warehouse_dir(self) -> str:
        return f"{self.lake_root}/warehouse"

    @property
    def data_docs_dir(self) -> Path:
        """Great Expectations Data Docs: always a local folder, for a browser to open."""
        return self.home / "data_docs"

    @property
    def spark_local_dir(self) -> Path:
        return self.home / "spark-tmp"
