"""Taking an upload: stream it to disk, decide its type from the bytes, process, store, record.

Pictures are processed on the request (decode, orient, strip metadata, variants, blurhash: tens of
milliseconds). Videos are checked to decode and probed on the request, their original stored, and
the poster frame is made off the request path by the media worker (`media.jobs`); the client
polls `GET /media/{id}` until `status` is `ready`. Any failure removes what this upload stored.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import anyio.to_thread
from minio import Minio
from minio.error import S3Error

from api.state import AppState
from graph import media as media_graph
from graphgram.ids import new_id
from media import jobs
from media.images import ImageRejected, TooManyPixels, process_image
from media.sniff import Sniffed, sniff
from media.storage import delete_objects
from media.videos import VideoRejected
from media.videos import probe as probe_video

CHUNK = 1024 * 1024
PART_SIZE = 16 * 1024 * 1024  # S3 multipart part size for large originals
EXTENSIONS = {"mp4": "mp4", "mov": "mov", "webm": "webm"}


class UploadRejected(Exception):
    """A client error: `status` is the HTTP status, `message` says what to do."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message


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
                    raise UploadRejected(413, "payload_too_large", f"the file is over {_mb(limit)}")
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
    found = sniff(_head(path))
    if found is None:
        raise UploadRejected(
            415,
            "unsupported_media_type",
            "not a supported picture (JPEG, PNG, WebP, GIF, HEIC) or video (MP4, MOV, WebM)",
        )
    declared_kind = (declared or "").split("/", 1)[0].lower()
    if declared_kind in {"image", "video"} and declared_kind != found.kind:
        raise UploadRejected(
            415,
            "unsupported_media_type",
            f"declared as {declared} but the bytes are a {found.format.upper()} {found.kind}",
        )
    return found


def _exists(s3: Minio, bucket: str, key: str) -> bool:
    try:
        s3.stat_object(bucket, key)
        return True
    except S3Error as exc:
        if exc.code in {"NoSuchKey", "NoSuchObject", "NotFound"}:
            return False
        raise


def _put_bytes(s3: Minio, bucket: str, key: str, data: bytes, content_type: str) -> bool:
    """Store an immutable, content-addressed object; False when it was already there."""
    if _exists(s3, bucket, key):
        return False
    s3.put_object(bucket, key, io.BytesIO(data), len(data), content_type=content_type)
    return True


def _put_file(s3: Minio, bucket: str, key: str, path: Path, content_type: str) -> bool:
    if _exists(s3, bucket, key):
        return False
    s3.fput_object(bucket, key, str(path), content_type=content_type, part_size=PART_SIZE)
    return True


async def remove_unreferenced(state: AppState, keys: list[str]) -> None:
    """Delete objects that no Media node references (used to undo a failed upload)."""
    if not keys:
        return
    in_use = await media_graph.keys_in_use(state.graph, keys)
    doomed = [k for k in keys if k not in in_use]
    await anyio.to_thread.run_sync(delete_objects, state.s3, state.settings.media_bucket, doomed)


async def store_upload(
    state: AppState, viewer_id: str, chunks: AsyncIterator[bytes], declared: str | None
) -> dict[str, Any]:
    settings = state.settings
    bucket = settings.media_bucket
    limit = max(settings.max_image_bytes, settings.max_video_bytes)
    path, sha, size = await spool(chunks, limit)
    created: list[str] = []
    try:
        if size == 0:
            raise UploadRejected(422, "validation_error", "the file is empty")
        found = check_type(path, declared)
        cap = settings.max_image_bytes if found.kind == "image" else settings.max_video_bytes
        if size > cap:
            raise UploadRejected(
                413, "payload_too_large", f"{found.kind}s may be at most {_mb(cap)}"
            )
        media: dict[str, Any] = {"id": new_id(), "kind": found.kind}
        if found.kind == "image":
            try:
                image = await anyio.to_thread.run_sync(
                    lambda: process_image(path, max_pixels=settings.max_image_pixels)
                )
            except TooManyPixels as exc:
                raise UploadRejected(422, "too_many_pixels", str(exc)) from exc
            except ImageRejected as exc:
                raise UploadRejected(422, "undecodable", str(exc)) from exc
            display_key = f"img/{hashlib.sha256(image.display.data).hexdigest()}.webp"
            thumb_key = f"thumb/{hashlib.sha256(image.thumb.data).hexdigest()}.webp"
            for key, variant in ((display_key, image.display), (thumb_key, image.thumb)):
                if await anyio.to_thread.run_sync(
                    _put_bytes, state.s3, bucket, key, variant.data, "image/webp"
                ):
                    created.append(key)
            media |= {
                "status": "ready",
                "content_type": "image/webp",
                "width": image.display.width,
                "height": image.display.height,
                "blurhash": image.blurhash,
                "bytes": len(image.display.data) + len(image.thumb.data),
                "key": display_key,
                "thumb_key": thumb_key,
            }
        else:
            try:
                probed = await anyio.to_thread.run_sync(probe_video, path)
            except VideoRejected as exc:
                raise UploadRejected(422, "undecodable", str(exc)) from exc
            key = f"vid/{sha}.{EXTENSIONS[found.format]}"
            if await anyio.to_thread.run_sync(
                _put_file, state.s3, bucket, key, path, found.content_type
            ):
                created.append(key)
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
        node = await media_graph.create(state.graph, viewer_id, media)
    except BaseException:
        await remove_unreferenced(state, created)
        raise
    finally:
        path.unlink(missing_ok=True)  # noqa: ASYNC240 - a local unlink
    if node["kind"] == "video":
        await jobs.enqueue(state, node["id"])
    return node
