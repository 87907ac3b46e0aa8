"""The media processing queue: a Redis Stream read by a consumer group, so a job is delivered at
least once. Workers run in every API process (lifespan) or alone (`graphgram media worker`).

`enqueue` adds an entry; a worker reads new entries with XREADGROUP and acknowledges one only
when its outcome is stored in Neo4j (`ready`, or `failed` for a video that cannot be decoded).
A worker that dies mid-job leaves its entry pending: another worker claims it with XAUTOCLAIM
once it has been idle for `claim_idle_ms`, and after `MAX_DELIVERIES` the item is failed rather
than retried forever. If Redis itself loses the stream, the Media node still says `processing`:
`graphgram media sweep` re-enqueues such items (a few times) before it ever fails them, so Redis
is never the only record of anything.

Every few seconds each worker also retries the edge purges that are due (`media.edge`): those the
edge did not confirm when their objects were deleted, and the one recheck of every purge.

The same queue carries other long jobs on a person's data (an archive export, a follow import:
`services/data_export.py`, `services/data_import.py`): an entry `{"kind", "job_id"}` is run by
the `JobHandler` of its kind, handed to `worker` by whoever starts it (the API's lifespan,
`graphgram media worker`), since those jobs call services above this layer. Delivery, claiming
and the `MAX_DELIVERIES` cap are the same; a worker without the kind's handler leaves the entry
pending for one that has it.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import os
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import anyio.to_thread
from minio.error import S3Error
from redis.exceptions import ResponseError

from backends import Backends
from graph import media as media_graph
from graphgram import redis_keys
from media import edge, ingest
from media.lifecycle import remove_unreferenced
from media.storage import put_bytes
from media.videos import VideoRejected, poster

UPLOAD_PREFIX = "upload/"  # directly uploaded originals (media.ingest), not yet processed
STREAM = redis_keys.MEDIA_JOBS  # the default of settings.media_job_stream
GROUP = "media-workers"
MAX_DELIVERIES = 5
PURGE_RETRY_EVERY_S = 5.0  # how often a worker retries the edge purges that are due
log = logging.getLogger("graphgram.media.jobs")


def stream(backends: Backends) -> str:
    return backends.settings.media_job_stream


async def enqueue(backends: Backends, media_id: str) -> None:
    await backends.redis.xadd(stream(backends), {"media_id": media_id})


@dataclass(frozen=True)
class JobHandler:
    """How a worker runs one kind of job other than media processing: `run(backends, job_id)`
    (safe to run twice: it is delivered at least once), and `give_up(backends, job_id, reason)`
    once it failed `MAX_DELIVERIES` times."""

    run: Callable[[Backends, str], Awaitable[None]]
    give_up: Callable[[Backends, str, str], Awaitable[None]]


Handlers = Mapping[str, JobHandler]


async def enqueue_job(backends: Backends, kind: str, job_id: str) -> None:
    """Queue a job of `kind` (a key of the workers' `Handlers`) on the media job stream."""
    await backends.redis.xadd(stream(backends), {"kind": kind, "job_id": job_id})


async def depth(backends: Backends) -> int:
    """Jobs not yet acknowledged: waiting or in a worker's hands (acked entries are deleted)."""
    return int(await backends.redis.xlen(stream(backends)))


async def ensure_group(backends: Backends) -> None:
    try:
        await backends.redis.xgroup_create(stream(backends), GROUP, id="0", mkstream=True)
    except ResponseError as exc:
        if "BUSYGROUP" not in str(exc):
            raise


async def process(backends: Backends, media_id: str) -> str:
    """Finish one media item; returns its final status. Safe to run twice for the same item."""
    node = await media_graph.get(backends.graph, media_id)
    if node is None or node.get("status") != "processing":
        return "skipped"
    if str(node.get("key", "")).startswith(UPLOAD_PREFIX):
        return await ingest.process(backends, node)
    bucket = backends.settings.media_bucket
    with tempfile.TemporaryDirectory(prefix="graphgram-job-") as tmp:
        local = Path(tmp) / "original"
        try:
            await anyio.to_thread.run_sync(
                lambda: backends.s3.fget_object(bucket, node["key"], str(local))
            )
            frame = await anyio.to_thread.run_sync(poster, local)
        except S3Error as exc:
            if exc.code not in {"NoSuchKey", "NoSuchObject"}:
                raise  # the store is away: not this item's fault, deliver it again later
            return await fail(backends, media_id, f"original missing: {exc.code}")
        except VideoRejected as exc:
            return await fail(backends, media_id, str(exc))
    poster_key = f"poster/{hashlib.sha256(frame).hexdigest()}.webp"

    async def store_poster(_: list[str]) -> None:
        await anyio.to_thread.run_sync(
            put_bytes, backends.s3, bucket, poster_key, frame, "image/webp"
        )

    await store_poster([])  # outside the lock first; again under it in case it was just deleted
    await media_graph.finish(
        backends.graph,
        media_id,
        {"status": "ready", "poster_key": poster_key},
        [poster_key],
        store_poster,
    )
    return "ready"


async def fail(backends: Backends, media_id: str, reason: str) -> str:
    log.warning("media %s failed: %s", media_id, reason)
    node = await media_graph.finish(backends.graph, media_id, {"status": "failed", "key": None})
    if node is not None:
        await remove_unreferenced(backends, [k for k in [node.get("key")] if k])
    return "failed"


class Consumer:
    """One worker's membership in the consumer group."""

    def __init__(
        self, backends: Backends, *, claim_idle_ms: int = 60_000, handlers: Handlers | None = None
    ) -> None:
        self.backends = backends
        self.handlers: Handlers = handlers or {}
        self.name = f"{os.uname().nodename}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
        self.claim_idle_ms = claim_idle_ms

    async def next_entries(self, block_ms: int) -> list[tuple[str, dict[str, Any]]]:
        """Entries a dead worker left pending first, then new ones."""
        redis = self.backends.redis
        _, claimed, _ = await redis.xautoclaim(
            stream(self.backends),
            GROUP,
            self.name,
            min_idle_time=self.claim_idle_ms,
            start_id="0-0",
            count=10,
        )
        if claimed:
            return [(str(entry_id), fields) for entry_id, fields in claimed if fields]
        found: Any = await redis.xreadgroup(
            GROUP, self.name, {stream(self.backends): ">"}, count=10, block=block_ms
        )
        streams = found.items() if isinstance(found, dict) else (found or [])
        entries: list[tuple[str, dict[str, Any]]] = []
        for _stream, items in streams:
            entries.extend((str(entry_id), fields) for entry_id, fields in items)
        return entries

    async def handle(self, entry_id: str, fields: dict[str, Any]) -> None:
        kind = str(fields.get("kind", "media"))
        job_id = str(fields.get("job_id") or fields.get("media_id", ""))
        handler = self.handlers.get(kind)
        if kind != "media" and handler is None:
            # Left pending: a worker that has this kind's handler claims it after claim_idle_ms.
            log.error("no handler for %s job %s in this worker", kind, job_id)
            return
        redis = self.backends.redis
        pending = await redis.xpending_range(
            stream(self.backends), GROUP, min=entry_id, max=entry_id, count=1
        )
        deliveries = int(pending[0]["times_delivered"]) if pending else 1
        gave_up = f"gave up after {MAX_DELIVERIES} attempts"
        try:
            if handler is not None:
                if deliveries > MAX_DELIVERIES:
                    await handler.give_up(self.backends, job_id, gave_up)
                else:
                    await handler.run(self.backends, job_id)
            elif deliveries > MAX_DELIVERIES:
                await fail(self.backends, job_id, gave_up)
            else:
                await process(self.backends, job_id)
        except Exception:  # noqa: BLE001 - left pending: delivered again after claim_idle_ms
            log.exception(
                "%s job %s failed (delivery %d); it will be retried", kind, job_id, deliveries
            )
            return
        await redis.xack(stream(self.backends), GROUP, entry_id)
        await redis.xdel(stream(self.backends), entry_id)


async def retry_purges(backends: Backends) -> None:
    """Edge purges not confirmed yet (or due for their recheck): see media.edge."""
    try:
        await edge.retry_pending(backends)
    except Exception:  # noqa: BLE001 - Redis away: the queue waits for the next round
        log.exception("edge purge retries unavailable")


async def worker(
    backends: Backends,
    *,
    stop: asyncio.Event | None = None,
    wait_s: float = 1,
    claim_idle_ms: int = 60_000,
    handlers: Handlers | None = None,
) -> None:
    """Process jobs until `stop` is set (or forever); survives Redis and Neo4j outages."""
    consumer = Consumer(backends, claim_idle_ms=claim_idle_ms, handlers=handlers)
    ready = False
    purges_due = time.monotonic()
    while stop is None or not stop.is_set():
        if time.monotonic() >= purges_due:
            purges_due = time.monotonic() + PURGE_RETRY_EVERY_S
            await retry_purges(backends)
        try:
            if not ready:
                await ensure_group(backends)
                ready = True
            entries = await consumer.next_entries(block_ms=int(wait_s * 1000))
        except Exception:  # noqa: BLE001 - Redis away: back off; pending entries wait for us
            log.exception("media queue unavailable")
            ready = False
            await asyncio.sleep(1)
            continue
        for entry_id, fields in entries:
            await consumer.handle(entry_id, fields)
