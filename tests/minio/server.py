"""The real MinIO server for tests: one per test session, on a free loopback port.

Use it as a plugin (`pytest_plugins = ["tests.minio.server"]` in the root conftest, or in a test
module) and ask for the `minio_server` fixture:

    def test_x(minio_server, base_settings):
        settings = minio_server.settings(base_settings, "my-bucket")   # mode='minio'
        client = minio_server.client()                                 # minio.Minio SDK client

The server is the pinned build from `infra/setup.sh` (.cache/bin/minio); it gets random
credentials and a fresh data directory, and is stopped when the session ends. A missing binary
fails the tests (never skips them: CI must run them).
"""

from __future__ import annotations

import atexit
import dataclasses
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from spark_jobs.core.settings import REPO_ROOT, Settings

MINIO_BIN = Path(os.environ.get("LAKEHOUSE_MINIO_BIN", str(REPO_ROOT / ".cache" / "bin" / "minio")))
HOST = "127.0.0.1"  # loopback only
START_TIMEOUT = float(os.environ.get("LAKEHOUSE_MINIO_START_TIMEOUT", "30"))
STOP_TIMEOUT = 10.0


@dataclass(frozen=True)
class MinioServer:
    """A running server: where it is and how to log in."""

    endpoint: str
    access_key: str
    secret_key: str = field(repr=False)
    region: str = "us-east-1"
    data_dir: Path | None = None
    log_file: Path | None = None

    def settings(self, base: Settings, bucket: str = "lakehouse") -> Settings:
        """`base` switched to MinIO mode on this server, with `bucket` as the storage root."""
        return dataclasses.replace(
            base,
            mode="minio",
            minio_endpoint=self.endpoint,
            minio_access_key=self.access_key,
            minio_secret_key=self.secret_key,
            minio_bucket=bucket,
            minio_region=self.region,
        )

    def client(self):
        """A `minio.Minio` SDK client logged in as the root user."""
        from minio import Minio

        return Minio(
            self.endpoint.removeprefix("http://"),
            access_key=self.access_key,
            secret_key=self.secret_key,
            secure=False,
            region=self.region,
        )


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def _healthy(endpoint: str) -> bool:
    try:
        with urllib.request.urlopen(f"{endpoint}/minio/health/live", timeout=2) as resp:
            return resp.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=STOP_TIMEOUT)


def start_minio(
    workdir: Path, attempts: int = 3, again: MinioServer | None = None
) -> tuple[subprocess.Popen, MinioServer]:
    """Start a server with fresh credentials under `workdir`; return the process and its info.
    `again`: start a server that was stopped, on its port, keys and data (MinIO back).

    Fails the test run with a clear message when the binary is missing or the server does not
    become healthy within LAKEHOUSE_MINIO_START_TIMEOUT seconds (default 30).
    """
    if not os.access(MINIO_BIN, os.X_OK):
        pytest.fail(
            f"MinIO server not found at {MINIO_BIN}: run `bash infra/setup.sh` first "
            "(it builds the pinned server with go install).",
            pytrace=False,
        )
    access_key = again.access_key if again else "test-" + secrets.token_hex(6)
    secret_key = again.secret_key if again else secrets.token_hex(20)
    data_dir = workdir / "data"
    certs_dir = workdir / "certs"  # empty: plain http, whatever is in ~/.minio/certs
    data_dir.mkdir(parents=True, exist_ok=True)
    certs_dir.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("MINIO_")}
    env.update(
        MINIO_ROOT_USER=access_key,
        MINIO_ROOT_PASSWORD=secret_key,
        MINIO_UPDATE="off",
        MINIO_CALLHOME_ENABLE="off",
        MINIO_BROWSER="off",  # no console for tests
    )
    failure = ""
    for attempt in range(1, attempts + 1):
        port, console_port = _free_port(), _free_port()
        if again:
            port = int(again.endpoint.rsplit(":", 1)[1])
        endpoint = f"http://{HOST}:{port}"
        log_file = workdir / f"minio-{attempt}{'-again' if again else ''}.log"
        with open(log_file, "wb") as log:
            proc = subprocess.Popen(
                [
                    str(MINIO_BIN),
                    "server",
                    "--quiet",
                    "--address",
                    f"{HOST}:{port}",
                    "--console-address",
                    f"{HOST}:{console_port}",
                    "--certs-dir",
                    str(certs_dir),
                    str(data_dir),
                ],
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=workdir,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                failure = f"exited with code {proc.returncode}"
                break  # e.g. the port was taken between _free_port() and bind: try another
            if _healthy(endpoint):
                return proc, MinioServer(
                    endpoint=endpoint,
                    access_key=access_key,
                    secret_key=secret_key,
                    data_dir=data_dir,
                    log_file=log_file,
                )
            time.sleep(0.2)
        else:
            _stop(proc)
            failure = f"no answer from {endpoint}/minio/health/live within {START_TIMEOUT:.0f}s"
    pytest.fail(
        f"MinIO server ({MINIO_BIN}) did not start: {failure}. Last lines of {log_file}:\n"
        + _tail(log_file),
        pytrace=False,
    )


@pytest.fixture(scope="session")
def minio_server(tmp_path_factory):
    """A real MinIO server for the whole session (see `MinioServer`); stopped at the end."""
    proc, server = start_minio(tmp_path_factory.mktemp("minio"))
    atexit.register(_stop, proc)  # in case the session is torn down abnormally
    try:
        yield server
    finally:
        _stop(proc)
        atexit.unregister(_stop)
