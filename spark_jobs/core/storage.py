"""Files outside Delta (landing zone, exports) on local disk or in a MinIO bucket.

Keys are relative to `Settings.storage_root` (`landing/<source>/<date>/<file>`,
`exports/national/<date>/<dataset>/…`). Local mode uses the filesystem; MinIO mode the `minio`
SDK. Delta tables never go through here: Spark reaches them by path (local or s3a://).
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import uuid
from io import BytesIO
from pathlib import Path
from urllib.parse import urlparse

from spark_jobs.core.settings import Settings

MANIFEST = "manifest.json"


class StorageUnavailable(RuntimeError):
    """MinIO cannot be used: down, unreachable, or refusing the keys. One line that names the
    endpoint and what to fix, instead of S3A's minutes of retries and a Java stack trace."""


class Storage:
    """The few operations the pipeline needs; see LocalStorage and MinioStorage."""

    def check(self) -> None:
        """Raise StorageUnavailable, naming the endpoint, unless the store answers; the local
        disk has nothing to check."""

    def list(self, prefix: str) -> list[str]:
        raise NotImplementedError

    def read_bytes(self, key: str) -> bytes:
        raise NotImplementedError

    def refusal(self, key: str) -> str | None:
        """Why the file at `key` must not be read, or None. Object stores have nothing to
        refuse; LocalStorage refuses symbolic links."""
        return None

    def write_bytes(self, key: str, data: bytes) -> None:
        raise NotImplementedError

    def delete(self, key: str) -> None:
        raise NotImplementedError

    def publish(self, prefix: str, files: dict[str, bytes]) -> None:
        """Replace everything under `prefix` with `files`; `manifest.json` marks completion."""
        raise NotImplementedError

    def delete_tree(self, prefix: str) -> None:
        """Remove everything under `prefix` (nothing there: nothing to do)."""
        for key in self.list(prefix):
            self.delete(key)

    @staticmethod
    def for_settings(settings: Settings) -> Storage:
        if settings.mode == "minio":
            return MinioStorage(settings)
        return LocalStorage(Path(settings.storage_root))


class LocalStorage(Storage):
    def __init__(self, root: Path):
        self.root = Path(root)

    def _path(self, key: str) -> Path:
        return self.root / key

    def list(self, prefix: str) -> list[str]:
        base = self._path(prefix)
        if not base.exists():
            return []
        return sorted(str(p.relative_to(self.root)) for p in base.rglob("*") if p.is_file())

    def read_bytes(self, key: str) -> bytes:
        return self._path(key).read_bytes()

    def refusal(self, key: str) -> str | None:
        """A symbolic link anywhere under the root (the file or a folder above it): whatever it
        points at (another department's folder, /etc) was not delivered to this one."""
        path = self.root
        for part in Path(key).parts:
            path = path / part
            if path.is_symlink():
                return (
                    f"{path.relative_to(self.root)} is a symbolic link: only regular files are read"
                )
        return None

    def write_bytes(self, key: str, data: bytes) -> None:
        """Write to a temporary name, then rename: readers never see half a file."""
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def delete_tree(self, prefix: str) -> None:
        shutil.rmtree(self._path(prefix), ignore_errors=True)  # the folders too

    def publish(self, prefix: str, files: dict[str, bytes]) -> None:
        """Build the whole folder under a temporary name, then swap it in with one atomic
        rename: a reader (or a crash) sees the old folder or the new one, never none. Leftovers
        of a publish killed earlier (`.<name>.*.tmp` / `.old`) are removed first."""
        final = self._path(prefix)
        final.parent.mkdir(parents=True, exist_ok=True)
        for left in [*final.parent.glob(f".{final.name}.*.tmp"), *final.parent.glob(f".{final.name}.*.old")]:  # fmt: skip
            shutil.rmtree(left, ignore_errors=True)
        tmp = final.with_name(f".{final.name}.{uuid.uuid4().hex}.tmp")
        for name, data in files.items():
            target = tmp / name
            target.parent.mkdir(parents=True, exist_ok=True)
            with open(target, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        if not final.exists():
            os.replace(tmp, final)
        elif exchange(tmp, final):  # tmp now holds the old folder
            shutil.rmtree(tmp, ignore_errors=True)
        else:  # no renameat2 (not Linux): two renames, a crash between leaves the .old
            old = final.with_name(f".{final.name}.{uuid.uuid4().hex}.old")
            os.replace(final, old)
            os.replace(tmp, final)
            shutil.rmtree(old, ignore_errors=True)


_RENAME_EXCHANGE, _AT_FDCWD = 2, -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux `renameat2(RENAME_EXCHANGE)`); False where the system
    or the filesystem has no such call, so the caller falls back to two renames."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


class MinioStorage(Storage):
    """A bucket through the minio SDK. Object stores have no rename: see `publish`."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.bucket = settings.minio_bucket
        self.client = self._client()

    def _client(self, http_client=None):
        """An SDK client for the settings' endpoint and keys (`http_client`: the SDK's default
        pool, with its retries, unless given)."""
        from minio import Minio

        url = urlparse(self.settings.minio_endpoint)
        return Minio(
            url.netloc,
            access_key=self.settings.minio_access_key,
            secret_key=self.settings.minio_secret_key,
            secure=url.scheme == "https",
            region=self.settings.minio_region,
            http_client=http_client,
        )

    def check(self) -> None:
        """Raise StorageUnavailable unless the endpoint answers and accepts the keys (a bucket
        that does not exist yet is fine: the landing upload creates it). A listing, not a
        HEAD: only a response with a body says which key is wrong. Seconds, not minutes: a
        client of its own with short timeouts and two retries."""
        import urllib3
        from minio.error import S3Error

        probe = self._client(
            urllib3.PoolManager(
                timeout=urllib3.Timeout(connect=5, read=20),
                retries=urllib3.Retry(
                    total=2, backoff_factor=0.5, status_forcelist=[502, 503, 504]
                ),
            )
        )
        where = f"MinIO at {self.settings.minio_endpoint}"
        try:
            next(iter(probe.list_objects(self.bucket, prefix="landing/")), None)
        except S3Error as exc:
            if exc.code == "NoSuchBucket":
                return
            known = {
                "InvalidAccessKeyId": "does not know the access key in LAKEHOUSE_MINIO_ACCESS_KEY",
                "SignatureDoesNotMatch": (
                    "refuses LAKEHOUSE_MINIO_SECRET_KEY (it does not match the access key)"
                ),
                "AccessDenied": f"denies these keys access to bucket {self.bucket}",
            }
            what = known.get(exc.code or "", f"answered {exc.code}: {exc.message}")
            raise StorageUnavailable(f"{where} {what}") from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            reason = str(getattr(exc, "reason", None) or exc)
            reason = reason.split("new connection: ")[-1]  # "[Errno 111] Connection refused"
            raise StorageUnavailable(
                f"{where} is not reachable ({reason}): start it (infra/minio.sh start) or "
                "correct LAKEHOUSE_MINIO_ENDPOINT"
            ) from None

    def ensure_bucket(self) -> None:
        if not self.client.bucket_exists(self.bucket):
            self.client.make_bucket(self.bucket)

    def list(self, prefix: str) -> list[str]:
        prefix = prefix.rstrip("/") + "/"
        return sorted(
            o.object_name
            for o in self.client.list_objects(self.bucket, prefix=prefix, recursive=True)
            if not o.is_dir
        )

    def read_bytes(self, key: str) -> bytes:
        response = self.client.get_object(self.bucket, key)
        try:
            return response.read()
        finally:
            response.close()
            response.release_conn()

    def write_bytes(self, key: str, data: bytes) -> None:
        """One PUT is atomic on S3/MinIO: readers see the old object or the new one."""
        self.client.put_object(self.bucket, key, BytesIO(data), len(data))

    def delete(self, key: str) -> None:
        self.client.remove_object(self.bucket, key)

    def publish(self, prefix: str, files: dict[str, bytes]) -> None:
        """Manifest-last: withdraw the old manifest, write the files, drop stale ones, then the
        manifest. A reader that finds `manifest.json` finds every file it lists, complete."""
        prefix = prefix.rstrip("/")
        existing = set(self.list(prefix))
        manifest_key = f"{prefix}/{MANIFEST}"
        if manifest_key in existing:
            self.delete(manifest_key)
        for name, data in files.items():
            if name != MANIFEST:
                self.write_bytes(f"{prefix}/{name}", data)
        for key in existing - {f"{prefix}/{n}" for n in files}:
            self.delete(key)
        if MANIFEST in files:
            self.write_bytes(manifest_key, files[MANIFEST])
