"""Taking an upload: stream it to disk, decide its type from the bytes, process, store, record.

Pictures are processed on the request (decode, orient, strip metadata, variants, blurhash: tens of
milliseconds). Videos are checked to decode and probed on the request, their original stored, and
the poster frame is made off the request path by the media worker (`media.jobs`); the client
polls `GET /media/{id}` until `status` is `ready`. Any failure removes what this upload stored.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import AsyncIterator, Callable
from contextlib import suppress
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from redis.exceptions import RedisError

from backends import Backends
from graph import media as media_graph
from graph import timelines as tl_graph
from graphgram.errors import PayloadTooLarge, Unprocessable
from graphgram.ids import new_id
from media import jobs
from media.images import ImageRejected, TooManyPixels, process_image
from media.lifecycle import remove_unreferenced
from media.sniff import Sniffed, check_head
from media.storage import put_bytes, put_file
from media.videos import VideoRejected
from media.videos import probe as probe_video

log = logging.getLogger(__name__)

CHUNK = 1024 * 1024
EXTENSIONS = {"mp4": "mp4", "mov": "mov", "webm": "webm"}


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


async def spool(
    chunks: AsyncIterator[bytes], limit: int, directory: str | None = None
) -> tuple[Path, str, int]:
    """Write the upload to a temporary file chunk by chunk: (path, sha256, size)."""
    digest = hashlib.sha256()
    size = 0
    fd, name = tempfile.mkstemp(prefix="graphgram-upload-", dir=directory)
    path = Path(name)
    try:
        with open(fd, "wb") as handle:  # noqa: ASYNC230 - an fd we just created; writes go to a thread
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise PayloadTooLarge(f"the file is over {_mb(limit)}")
                digest.update(chunk)
                await anyio.to_thread.run_sync(handle.write, chunk)
    except BaseException:
        path.unlink(missing_ok=True)  # noqa: ASYNC240 - a local unlink, on the error path only
        raise
    return path, digest.hexdigest(), size


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(32)


def check_type(path: Path, declared: str | None) -> Sniffed:
    return check_head(_head(path), declared)


async def _ensure(puts: dict[str, Callable[[], bool]], created: list[str]) -> None:
    """Run each put (a no-op when the object exists); remember the keys this upload created."""
    for key, put in puts.items():
        if await anyio.to_thread.run_sync(put) and key not in created:
            created.append(key)


async def store_upload(
    backends: Backends, viewer_id: str, chunks: AsyncIterator[bytes], declared: str | None
) -> dict[str, Any]:
    settings = backends.settings
    bucket = settings.media_bucket
    limit = max(settings.max_image_bytes, settings.max_video_bytes)
    path, sha, size = await spool(chunks, limit)
    created: list[str] = []
    puts: dict[str, Callable[[], bool]] = {}
    try:
        if size == 0:
            raise Unprocessable("the file is empty")
        found = check_type(path, declared)
        cap = settings.max_image_bytes if found.kind == "image" else settings.max_video_bytes
        if size > cap:
            raise PayloadTooLarge(f"{found.kind}s may be at most {_mb(cap)}")
        media: dict[str, Any] = {"id": new_id(), "kind": found.kind}
        if found.kind == "image":
            try:
                image = await anyio.to_thread.run_sync(
                    lambda: process_image(path, max_pixels=settings.max_image_pixels)
                )
            except TooManyPixels as exc:
                raise Unprocessable(str(exc), code="too_many_pixels") from exc
            except ImageRejected as exc:
                raise Unprocessable(str(exc), code="undecodable") from exc
            for key, variant in image.objects.items():
                puts[key] = partial(put_bytes, backends.s3, bucket, key, variant.data, "image/webp")
            media |= image.media_fields()
        else:
            try:
                probed = await anyio.to_thread.run_sync(probe_video, path)
            except VideoRejected as exc:
                raise Unprocessable(str(exc), code="undecodable") from exc
            key = f"vid/{sha}.{EXTENSIONS[found.format]}"
            puts[key] = partial(put_file, backends.s3, bucket, key, path, found.content_type)
            media |= {
                "status": "processing",
                "content_type": found.content_type,
                "width": probed.width,
                "height": probed.height,
                "duration": probed.duration,
                "codec": probed.codec,
                "bytes": size,
                "key": key,
            }
        # Store outside any lock first (the slow part), then, holding the keys' locks, put back
        # whatever a concurrent deletion removed meanwhile and record the node.
        await _ensure(puts, created)

        async def ensure_objects(keys: list[str]) -> None:
            await _ensure(puts, created)

        node = await media_graph.create(
            backends.graph, viewer_id, media, list(puts), ensure_objects
        )
    except BaseException:
        await remove_unreferenced(backends, created)
        raise
    finally:
        path.unlink(missing_ok=True)  # noqa: ASYNC240 - a local unlink
    if node["kind"] == "video":
        try:
            await jobs.enqueue(backends, node["id"])
        except (RedisError, OSError) as exc:
            # The Media node is recorded (`processing`): the upload stands. The job is made
            # again by the Redis repair (timelines/repair.py), which this marker asks for.
            log.warning("media job for %s not queued (%r): repair recorded", node["id"], exc)
            with suppress(Exception):
                await tl_graph.repair_mark(
                    backends.graph, backends.settings.timeline_namespace, ["media-queue"]
                )
    return node
