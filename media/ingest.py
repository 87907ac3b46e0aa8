"""Directly uploaded originals: checked when the upload is completed, processed by the worker.

At completion the API reads only what it needs of the object: one ranged GET of its first bytes
(for the type and a picture's pixel count), whose Content-Range gives its whole size. Everything
that needs the whole file — the full decode, variants, EXIF stripping, blurhash, the video probe
and poster, and the content hash that names the stored object — runs in the media worker
(`media.jobs`), which streams the original to a temporary file; the request never holds it.
"""

from __future__ import annotations

import hashlib
import logging
import tempfile
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

import anyio.to_thread
from minio import Minio
from minio.commonconfig import CopySource
from minio.error import S3Error

from backends import Backends
from graph import media as media_graph
from graphgram.errors import PayloadTooLarge, Unprocessable
from media import direct
from media.images import ImageRejected, TooManyPixels, dimensions, process_image
from media.lifecycle import remove_unreferenced
from media.sniff import Sniffed, check_head, sniff
from media.storage import delete_objects, object_exists, put_bytes
from media.videos import VideoRejected, poster
from media.videos import probe as probe_video

log = logging.getLogger(__name__)

HEAD_BYTES = 256 * 1024  # a picture's header (and its EXIF before it) fits in this
HASH_CHUNK = 1024 * 1024


def _mb(n: int) -> str:
    return f"{n / (1024 * 1024):.0f} MB"


async def check_object(
    backends: Backends, key: str, declared_type: str, declared_size: int
) -> Sniffed:
    """Check a completed upload's object without reading it whole; raises the client's error."""
    settings = backends.settings
    bucket = settings.media_bucket
    # One ranged GET: the first bytes, and the whole size from its Content-Range.
    head, size = await anyio.to_thread.run_sync(
        direct.head, backends.s3, bucket, key, min(HEAD_BYTES, declared_size)
    )
    if size != declared_size:
        raise Unprocessable(
            f"the upload holds {size or 0} bytes, not the {declared_size} declared",
            code="size_mismatch",
        )
    found = check_head(head, declared_type)
    cap = settings.max_image_bytes if found.kind == "image" else settings.max_video_bytes
    if size > cap:
        raise PayloadTooLarge(f"{found.kind}s may be at most {_mb(cap)}")
    if found.kind == "image":
        try:
            dimensions(head, max_pixels=settings.max_image_pixels)
        except TooManyPixels as exc:
            raise Unprocessable(str(exc), code="too_many_pixels") from exc
    return found


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _head(path: Path) -> bytes:
    with path.open("rb") as f:
        return f.read(32)


def copy_into(client: Minio, bucket: str, source: str, key: str) -> bool:
    """Server-side copy of `source` to the content-addressed `key`; False when already there."""
    if object_exists(client, bucket, key):
        return False
    client.copy_object(bucket, key, CopySource(bucket, source))
    return True


async def _drop_source(backends: Backends, key: str) -> None:
    """The uploaded original (never handed to the edge, so nothing to purge)."""
    await anyio.to_thread.run_sync(
        delete_objects, backends.s3, backends.settings.media_bucket, [key]
    )


async def _fail(backends: Backends, media_id: str, source: str, reason: str) -> str:
    log.warning("media %s failed: %s", media_id, reason)
    await media_graph.finish(backends.graph, media_id, {"status": "failed", "key": None})
    await _drop_source(backends, source)
    return "failed"


async def process(backends: Backends, node: dict[str, Any]) -> str:
    """Turn a directly uploaded original into a ready media item (or fail it); safe to repeat."""
    settings = backends.settings
    bucket = settings.media_bucket
    media_id, source = str(node["id"]), str(node["key"])
    puts: dict[str, Callable[[], bool]] = {}
    with tempfile.TemporaryDirectory(prefix="graphgram-job-") as tmp:
        local = Path(tmp) / "original"
        try:
            await anyio.to_thread.run_sync(
                lambda: backends.s3.fget_object(bucket, source, str(local))
            )
        except S3Error as exc:
            if exc.code not in {"NoSuchKey", "NoSuchObject"}:
                raise
            return await _fail(backends, media_id, source, f"original missing: {exc.code}")
        sha = await anyio.to_thread.run_sync(_sha256, local)
        found = sniff(await anyio.to_thread.run_sync(_head, local))
        if found is None or found.kind != node.get("kind"):
            return await _fail(backends, media_id, source, "the bytes changed type")
        changes: dict[str, Any] = {"sha256": sha}
        if found.kind == "image":
            try:
                image = await anyio.to_thread.run_sync(
                    lambda: process_image(local, max_pixels=settings.max_image_pixels)
                )
            except ImageRejected as exc:
                return await _fail(backends, media_id, source, str(exc))
            for key, variant in image.objects.items():
                puts[key] = partial(put_bytes, backends.s3, bucket, key, variant.data, "image/webp")
            changes |= image.media_fields()
        else:
            try:
                probed = await anyio.to_thread.run_sync(probe_video, local)
                frame = await anyio.to_thread.run_sync(poster, local)
            except VideoRejected as exc:
                return await _fail(backends, media_id, source, str(exc))
            key = f"vid/{sha}.{found.format}"
            poster_key = f"poster/{hashlib.sha256(frame).hexdigest()}.webp"
            puts[key] = partial(copy_into, backends.s3, bucket, source, key)
            puts[poster_key] = partial(
                put_bytes, backends.s3, bucket, poster_key, frame, "image/webp"
            )
            changes |= {
                "status": "ready",
                "content_type": found.content_type,
                "width": probed.width,
                "height": probed.height,
                "duration": probed.duration,
                "codec": probed.codec,
                "key": key,
                "poster_key": poster_key,
            }
    created: list[str] = []

    async def ensure_objects(_: list[str]) -> None:
        for key, put in puts.items():
            if await anyio.to_thread.run_sync(put) and key not in created:
                created.append(key)

    await ensure_objects([])  # outside the lock first; again under it in case it was just deleted
    done = await media_graph.finish(backends.graph, media_id, changes, list(puts), ensure_objects)
    if done is None:  # the media item was deleted meanwhile
        await remove_unreferenced(backends, created)
    await _drop_source(backends, source)
    return "ready" if done is not None else "skipped"
