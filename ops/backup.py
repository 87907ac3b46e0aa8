"""`graphgram backup` / `restore`: the graph dumped by Neo4j's own tool, the media bucket mirrored
beside it, and a manifest that ties the two (docs/backups.md).

Neo4j Community dumps only a stopped database (online backup is Enterprise), so a backup stops
the serving server, runs `neo4j-admin database dump`, and starts it again: that stop-dump-start
is the deployment's whole downtime. The dump is then loaded into the analytics copy
(`AnalyticsService`), which both proves it loads and fingerprints it there (counts per label and
relationship type, hashes of every id: `graph.fingerprint`), off the serving graph. The bucket is
mirrored after the restart; every object key the dumped graph points at must be in the mirror,
or the backup fails. A restore refuses a backup whose dump or media files do not match its
manifest before it touches anything, then loads the dump (overwriting), puts the bucket back to
exactly the manifest's objects, checks the restored graph's fingerprint, and drops Redis's
derived state so timelines and views rebuild from the restored graph.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import redis
import urllib3
from minio.error import MinioException

from backends import object_store, open_backends
from graph.driver import make_driver
from graph.fingerprint import fingerprint, media_keys
from graphgram.settings import PROJECT_ROOT, Settings
from media import edge
from media.mirror import MirroredObject, mirror_bucket, missing_or_damaged, restore_bucket
from ops.stack import NEO4J_VERSION, AnalyticsService, Neo4jService
from timelines.repair import repair

MANIFEST = "manifest.json"
FORMAT = 1

# (phase, done, total): phases are "stop", "dump", "start", "media", "load copy", "fingerprint",
# "verify", "load", "bucket", "redis".
Progress = Callable[[str, int, int], None]


def _quiet(_: str, __: int, ___: int) -> None:
    return None


class BackupError(RuntimeError):
    """A backup could not be made, or a restore refused one; the message says why."""


@dataclass
class Manifest:
    name: str
    created_at: str
    commit: str | None
    neo4j_version: str
    database: str
    dump_file: str
    dump_bytes: int
    dump_sha256: str
    bucket: str
    objects: list[MirroredObject]
    fingerprint: dict[str, Any]
    timings_s: dict[str, float] = field(default_factory=dict)
    format: int = FORMAT

    @property
    def media_bytes(self) -> int:
        return sum(o.size for o in self.objects)

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def read(cls, directory: Path) -> Manifest:
        path = directory / MANIFEST
        try:
            raw = json.loads(path.read_text())
        except (OSError, ValueError) as exc:
            raise BackupError(
                f"{directory} is not a backup: no readable {MANIFEST} ({exc})"
            ) from None
        if raw.get("format") != FORMAT:
            raise BackupError(f"{path}: unknown manifest format {raw.get('format')!r}")
        raw["objects"] = [MirroredObject(**o) for o in raw["objects"]]
        return cls(**raw)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(PROJECT_ROOT), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip() or None


def backups(settings: Settings) -> list[Path]:
    """Complete backups (those with a manifest), oldest first."""
    root = settings.backups_dir
    if not root.is_dir():
        return []
    return sorted(p for p in root.iterdir() if p.is_dir() and (p / MANIFEST).is_file())


def latest(settings: Settings) -> Path | None:
    found = backups(settings)
    return found[-1] if found else None


def _copy_settings(settings: Settings) -> Settings:
    return settings.model_copy(update={"neo4j_uri": AnalyticsService(settings).uri})


def load_copy(settings: Settings, graph_dir: Path, progress: Progress = _quiet) -> None:
    """Load a dump into the analytics copy (stopped for it) and start it read-only."""
    copy = AnalyticsService(settings)
    copy.install(lambda _: None)
    progress("load copy", 0, 1)
    # Until the caller notes the backup it now holds, the copy holds nothing known.
    (settings.instance_dir / "analytics" / "loaded.json").unlink(missing_ok=True)
    copy.stop()
    copy.admin(
        "database",
        "load",
        settings.neo4j_database,
        f"--from-path={graph_dir}",
        "--overwrite-destination=true",
    )
    copy.start(lambda _: None)
    progress("load copy", 1, 1)


def _dangling(settings: Settings) -> list[str]:
    """Object keys the serving graph's media point at that the bucket does not hold: checked
    before Neo4j is stopped, so a graph that could never be backed up whole costs no downtime."""
    with make_driver(settings) as driver:
        referenced = media_keys(driver, settings)
    if not referenced:
        return []
    s3 = object_store(settings, timed=False)
    present = {str(o.object_name) for o in s3.list_objects(settings.media_bucket, recursive=True)}
    return sorted(referenced - present)


PREFLIGHT_TIMEOUT_S = 3.0


def _without_credentials(url: str) -> str:
    parts = urlsplit(url)
    if parts.password is None and parts.username is None:
        return url
    host = parts.hostname or ""
    netloc = f"{host}:{parts.port}" if parts.port else host
    return parts._replace(netloc=netloc).geturl()


def preflight(settings: Settings, command: str) -> None:
    """BackupError unless the object store's bucket and Redis answer, within a few seconds each:
    `command` needs both after Neo4j's downtime, so they are asked before Neo4j is stopped."""
    again = f"start the stack (`graphgram stack up`) and run `graphgram {command}` again"
    scheme = "https" if settings.s3_secure else "http"
    store = f"{scheme}://{settings.s3_endpoint}/{settings.media_bucket}"
    quick = settings.model_copy(
        update={
            "s3_connect_timeout_s": PREFLIGHT_TIMEOUT_S,
            "s3_read_timeout_s": PREFLIGHT_TIMEOUT_S,
        }
    )
    try:
        exists = object_store(quick, timed=False).bucket_exists(settings.media_bucket)
    except (urllib3.exceptions.HTTPError, MinioException, OSError) as exc:
        raise BackupError(
            f"the object store is not reachable at {store} ({type(exc).__name__}): {again}; "
            "nothing was stopped"
        ) from None
    if not exists:
        raise BackupError(
            f"the object store at {store} has no bucket {settings.media_bucket!r}: {again}; "
            "nothing was stopped"
        )
    address = _without_credentials(settings.redis_url)
    client = redis.Redis.from_url(
        settings.redis_url,
        socket_connect_timeout=PREFLIGHT_TIMEOUT_S,
        socket_timeout=PREFLIGHT_TIMEOUT_S,
    )
    try:
        client.ping()
    except redis.RedisError as exc:
        raise BackupError(
            f"Redis is not reachable at {address} ({type(exc).__name__}): {again}; "
            "nothing was stopped"
        ) from None
    finally:
        client.close()


def backup(settings: Settings, progress: Progress = _quiet) -> Manifest:
    """Dump the serving graph (stopping it meanwhile), mirror the bucket, fingerprint the dump on
    the analytics copy, and write the manifest; returns it. The bucket and Redis are asked first
    (`preflight`): with either away, nothing is stopped."""
    preflight(settings, "backup")
    dangling = _dangling(settings)
    if dangling:
        raise BackupError(
            f"the graph points at {len(dangling)} object(s) the bucket does not hold (e.g. "
            f"{dangling[:3]}), so a backup of it could not be restored whole; nothing was "
            "stopped. `graphgram media sweep` removes media that are on no post and whose "
            "objects are missing; for media on posts, put the objects back or delete the posts, "
            "then back up again"
        )
    created = datetime.now(UTC)
    name = created.strftime("%Y%m%dT%H%M%S%fZ")
    root = settings.backups_dir
    final = root / name
    work = root / f".{name}.partial"
    graph_dir = work / "graph"
    graph_dir.mkdir(parents=True)
    previous = latest(settings)
    timings: dict[str, float] = {}
    try:
        serving = Neo4jService(settings)
        serving.install(lambda _: None)
        started = time.perf_counter()
        progress("stop", 0, 1)
        serving.stop()
        progress("stop", 1, 1)
        progress("dump", 0, 1)
        try:
            serving.admin("database", "dump", settings.neo4j_database, f"--to-path={graph_dir}")
        finally:
            progress("dump", 1, 1)
            progress("start", 0, 1)
            serving.start(lambda _: None)
            progress("start", 1, 1)
        timings["downtime"] = time.perf_counter() - started
        dump = graph_dir / f"{settings.neo4j_database}.dump"

        mark = time.perf_counter()
        before = (previous / "media", Manifest.read(previous).objects) if previous else None
        objects = mirror_bucket(
            object_store(settings, timed=False),
            settings.media_bucket,
            work / "media",
            before,
            lambda done, total: progress("media", done, total),
        )
        timings["media"] = time.perf_counter() - mark

        mark = time.perf_counter()
        load_copy(settings, graph_dir, progress)
        progress("fingerprint", 0, 1)
        with make_driver(_copy_settings(settings)) as driver:
            printed = fingerprint(driver, settings)
            referenced = media_keys(driver, settings)
        progress("fingerprint", 1, 1)
        timings["verify"] = time.perf_counter() - mark
        missing = sorted(referenced - {o.key for o in objects})
        if missing:
            raise BackupError(
                f"{len(missing)} object(s) the dumped graph points at were not in the bucket "
                f"when it was mirrored (deleted meanwhile?), e.g. {missing[:3]}; run the "
                "backup again"
            )
        manifest = Manifest(
            name=name,
            created_at=created.isoformat(),
            commit=_commit(),
            neo4j_version=NEO4J_VERSION,
            database=settings.neo4j_database,
            dump_file=f"graph/{dump.name}",
            dump_bytes=dump.stat().st_size,
            dump_sha256=_sha256(dump),
            bucket=settings.media_bucket,
            objects=objects,
            fingerprint=printed,
            timings_s={k: round(v, 3) for k, v in timings.items()},
        )
        (work / MANIFEST).write_text(manifest.to_json())
        work.rename(final)
        write_copy_state(settings, manifest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return manifest


def check(directory: Path) -> Manifest:
    """The backup's manifest, once its dump and every media file match it; BackupError otherwise."""
    manifest = Manifest.read(directory)
    dump = directory / manifest.dump_file
    if not dump.is_file() or _sha256(dump) != manifest.dump_sha256:
        raise BackupError(f"{dump}: missing, or its sha256 differs from the manifest's")
    bad = missing_or_damaged(directory / "media", manifest.objects)
    if bad:
        raise BackupError(
            f"the backup's media is incomplete: {len(bad)} of {len(manifest.objects)} objects "
            f"missing or damaged (e.g. {bad[:3]}); refusing to restore it"
        )
    return manifest


@dataclass
class RestoreReport:
    manifest: Manifest
    uploaded: int
    deleted: int
    redis_keys_dropped: int
    downtime_s: float


async def _after_restore(settings: Settings, deleted: list[str]) -> int:
    async with open_backends(settings) as backends:
        dropped = await repair(backends, 0)
        await edge.purge(backends, deleted)
    return dropped


def restore(settings: Settings, directory: Path, progress: Progress = _quiet) -> RestoreReport:
    """Put the graph, the bucket and Redis back to the backup in `directory` (see module doc).
    The bucket and Redis are asked first (`preflight`): with either away, nothing is stopped."""
    preflight(settings, "restore")
    progress("verify", 0, 1)
    manifest = check(directory)
    if manifest.database != settings.neo4j_database:
        raise BackupError(
            f"the backup is of database {manifest.database!r}, not {settings.neo4j_database!r}"
        )
    progress("verify", 1, 1)
    serving = Neo4jService(settings)
    serving.install(lambda _: None)
    started = time.perf_counter()
    progress("stop", 0, 1)
    serving.stop()
    progress("stop", 1, 1)
    progress("load", 0, 1)
    try:
        serving.admin(
            "database",
            "load",
            settings.neo4j_database,
            f"--from-path={(directory / manifest.dump_file).parent}",
            "--overwrite-destination=true",
        )
    finally:
        progress("load", 1, 1)
        progress("start", 0, 1)
        serving.start(lambda _: None)
        progress("start", 1, 1)
    downtime = time.perf_counter() - started
    uploaded, deleted = restore_bucket(
        object_store(settings, timed=False),
        settings.media_bucket,
        directory / "media",
        manifest.objects,
        lambda done, total: progress("bucket", done, total),
    )
    progress("redis", 0, 1)
    dropped = asyncio.run(_after_restore(settings, deleted))
    progress("redis", 1, 1)
    progress("fingerprint", 0, 1)
    with make_driver(settings) as driver:
        printed = fingerprint(driver, settings)
    progress("fingerprint", 1, 1)
    if printed != manifest.fingerprint:
        raise BackupError(
            "the restored graph's fingerprint differs from the backup's manifest: "
            f"{json.dumps(printed, sort_keys=True)}"
        )
    return RestoreReport(manifest, uploaded, len(deleted), dropped, downtime)


def write_copy_state(settings: Settings, manifest: Manifest) -> None:
    """Note which backup the analytics copy now holds (`graphgram analytics status`)."""
    (settings.instance_dir / "analytics" / "loaded.json").write_text(
        json.dumps({"backup": manifest.name, "created_at": manifest.created_at})
    )


def copy_state(settings: Settings) -> dict[str, Any] | None:
    """Which backup the analytics copy holds (None: never loaded)."""
    with contextlib.suppress(OSError, ValueError):
        loaded: dict[str, Any] = json.loads(
            (settings.instance_dir / "analytics" / "loaded.json").read_text()
        )
        return loaded
    return None
