"""The media processing queue: a Redis list of media ids, drained by workers in any API process.

`enqueue` pushes an id; `worker` (started in each API process's lifespan, or on its own with
`graphgram media worker`) pops ids and finishes them: poster frame for videos, status `ready`, or
`failed` with the stored objects removed. A job lost with Redis leaves a Media node in
`processing`; `graphgram media sweep` clears those after a deadline, so Redis is never the only
record of anything.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import tempfile
from pathlib import Path

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from media.lifecycle import remove_unreferenced
from media.storage import put_bytes
from media.videos import VideoRejected, poster

QUEUE = "media:jobs"
log = logging.getLogger("graphgram.media.jobs")


async def enqueue(backends: Backends, media_id: str) -> None:
    await backends.redis.rpush(QUEUE, media_id)


async def depth(backends: Backends) -> int:
    return int(await backends.redis.llen(QUEUE))


async def process(backends: Backends, media_id: str) -> str:
    """Finish one media item; returns its final status."""
    node = await media_graph.get(backends.graph, media_id)
    if node is None or node.get("status") != "processing":
        return "skipped"
    bucket = backends.settings.media_bucket
    with tempfile.TemporaryDirectory(prefix="graphgram-job-") as tmp:
        local = Path(tmp) / "original"
        try:
            await anyio.to_thread.run_sync(
                lambda: backends.s3.fget_object(bucket, node["key"], str(local))
            )
            frame = await anyio.to_thread.run_sync(poster, local)
        except (VideoRejected, OSError) as exc:
            log.warning("media %s failed: %s", media_id, exc)
            await media_graph.finish(backends.graph, media_id, {"status": "failed", "key": None})
            await remove_unreferenced(backends, [node["key"]])
            return "failed"
    poster_key = f"poster/{hashlib.sha256(frame).hexdigest()}.webp"
    await anyio.to_thread.run_sync(put_bytes, backends.s3, bucket, poster_key, frame, "image/webp")
    await media_graph.finish(
        backends.graph, media_id, {"status": "ready", "poster_key": poster_key}
    )
    return "ready"


async def worker(backends: Backends, *, stop: asyncio.Event | None = None, wait_s: int = 1) -> None:
    """Drain the queue until `stop` is set (or forever)."""
    while stop is None or not stop.is_set():
        try:
            item = await backends.redis.blpop([QUEUE], timeout=wait_s)
        except Exception:  # noqa: BLE001 - Redis away: back off, the sweep covers lost jobs
            log.exception("media queue unavailable")
            await asyncio.sleep(1)
            continue
        if item is None:
            continue
        media_id = str(item[1])
        try:
            await process(backends, media_id)
        except Exception:  # noqa: BLE001 - one bad job must not stop the worker
            log.exception("media job %s crashed; the sweep will clean it up", media_id)
