"""Media: upload a picture or video, and describe one (its alt text).

Attaching media happens when a post is made (`services.posts.create_post`); releasing it when
the last post using it goes (`services.posts.delete_post`, `services.accounts.delete_account`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Awaitable
from contextlib import suppress
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import anyio.to_thread
from redis.exceptions import RedisError

from backends import Backends
from graph import mastodon as mastodon_graph
from graph import media as media_graph
from graph import timelines as tl_graph
from graph import uploads as uploads_graph
from graph.driver import Row
from graphgram.errors import (
    AppError,
    Conflict,
    Gone,
    NotFound,
    PayloadTooLarge,
    Unprocessable,
    UnsupportedMedia,
)
from graphgram.ids import new_id
from media import direct, ingest, jobs
from media.sniff import Sniffed
from media.storage import delete_objects, object_exists
from media.upload import CHUNK, store_upload

log = logging.getLogger(__name__)
A = TypeVar("A")
B = TypeVar("B")


class Readable(Protocol):
    """An uploaded file as the web framework hands it over (Starlette's `UploadFile`)."""

    async def read(self, size: int = -1) -> bytes: ...


async def chunks_of(file: Readable) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK):
        yield chunk


async def upload(
    backends: Backends,
    viewer_id: str,
    file: Readable,
    content_type: str | None,
    *,
    description: str | None = None,
) -> Row:
    """Store one upload (type from the bytes, metadata stripped, variants, blurhash) and record
    it; the Media node. Pictures are `ready` at once, videos `processing` until the worker made
    their poster frame."""
    node = await store_upload(backends, viewer_id, chunks_of(file), content_type)
    if description:
        described = await mastodon_graph.describe_media(
            backends.graph, node["owner_id"], node["id"], description
        )
        node = described or node
    return node


async def describe(
    backends: Backends, viewer_id: str, media_id: str, description: str | None
) -> Row:
    """Set the alt text of the viewer's own upload (None leaves it); the Media node."""
    node = await media_graph.get_visible(backends.graph, viewer_id, media_id)
    if node is None or node.get("owner_id") != viewer_id:
        raise NotFound(f"no media {media_id!r}")
    if description is not None:
        described = await mastodon_graph.describe_media(
            backends.graph, viewer_id, media_id, description
        )
        node = described or node
    return node


# Direct uploads (docs/media.md#direct-uploads): S3 multipart, parts straight to the store.


def _kind(content_type: str) -> str:
    kind = content_type.split("/", 1)[0].strip().lower()
    if kind not in {"image", "video"}:
        raise UnsupportedMedia("only pictures (image/*) and videos (video/*) are taken")
    return kind


def _part_urls(backends: Backends, upload: Row, first: int, count: int) -> list[dict[str, Any]]:
    """Presigned URLs for parts `first`.. (at most `count`), each bound to its exact length."""
    settings = backends.settings
    sizes = direct.part_sizes(int(upload["size"]), int(upload["part_size"]))
    last = min(len(sizes), first + count - 1)
    return [
        {
            "number": n,
            "size": sizes[n - 1],
            "url": direct.presign_part(
                settings,
                upload["key"],
                upload["s3_upload_id"],
                n,
                sizes[n - 1],
                expires_s=settings.upload_url_ttl_s,
            ),
        }
        for n in range(max(1, first), last + 1)
    ]


async def start_upload(
    backends: Backends, viewer_id: str, filename: str, content_type: str, size: int
) -> tuple[Row, list[dict[str, Any]]]:
    """Start a direct upload of `size` bytes: the Upload node and the first part URLs. The size
    is held to the declared type's cap here, by each part URL's signed length, and again when
    the upload is completed."""
    settings = backends.settings
    kind = _kind(content_type)
    cap = settings.max_image_bytes if kind == "image" else settings.max_video_bytes
    if size > cap:
        raise PayloadTooLarge(f"{kind}s may be at most {cap // (1024 * 1024)} MB")
    part_size = settings.upload_part_bytes
    parts = len(direct.part_sizes(size, part_size))
    if parts > direct.MAX_PARTS:
        raise PayloadTooLarge(f"more than {direct.MAX_PARTS} parts of {part_size} bytes")
    upload_id = new_id()
    key = f"{jobs.UPLOAD_PREFIX}{upload_id}"
    bucket = settings.media_bucket
    # The store's upload starts while the graph's transaction opens; the Upload node waits for
    # its id. Shielded, so a cancelled request never leaves a store upload nobody knows of.
    started = asyncio.ensure_future(
        anyio.to_thread.run_sync(direct.create, backends.s3, bucket, key, content_type)
    )
    fields = {
        "id": upload_id,
        "key": key,
        "filename": filename[:255],
        "content_type": content_type,
        "kind": kind,
        "size": size,
        "part_size": part_size,
        "parts": parts,
    }
    try:
        upload = await uploads_graph.create(
            backends.graph,
            viewer_id,
            fields,
            settings.upload_ttl_s,
            lambda: asyncio.shield(started),
        )
    except BaseException:
        # Shielded: a cancelled request still aborts the store's upload it started.
        with anyio.CancelScope(shield=True):
            s3_upload_id: str | None = None
            with suppress(Exception):  # the store started none: nothing to abort
                s3_upload_id = await started
            if s3_upload_id is not None:
                await anyio.to_thread.run_sync(direct.abort, backends.s3, bucket, key, s3_upload_id)
        raise
    return upload, _part_urls(backends, upload, 1, settings.upload_urls_per_answer)


async def _own_upload(backends: Backends, viewer_id: str, upload_id: str) -> Row:
    upload = await uploads_graph.get(backends.graph, viewer_id, upload_id)
    if upload is None:
        raise NotFound(f"no upload {upload_id!r}")
    return upload


async def upload_part_urls(
    backends: Backends, viewer_id: str, upload_id: str, first: int, count: int
) -> tuple[Row, list[dict[str, Any]]]:
    """More part URLs for the viewer's open upload (fresh signatures, same bounds)."""
    upload = await _own_upload(backends, viewer_id, upload_id)
    if upload["status"] != "open":
        raise Conflict("the upload is already completed", code="upload_completed")
    count = min(count, backends.settings.upload_urls_per_answer)
    return upload, _part_urls(backends, upload, first, count)


async def upload_state(
    backends: Backends, viewer_id: str, upload_id: str
) -> tuple[Row, list[direct.StoredPart]]:
    """The viewer's upload and the parts the store holds (ListParts), so a client resumes."""
    upload = await _own_upload(backends, viewer_id, upload_id)
    parts: list[direct.StoredPart] = []
    if upload["status"] == "open":
        listed = await anyio.to_thread.run_sync(
            direct.list_parts,
            backends.s3,
            backends.settings.media_bucket,
            upload["key"],
            upload["s3_upload_id"],
        )
        parts = listed or []
    return upload, parts


async def _drop_stored(backends: Backends, upload: Row) -> None:
    """Abort the multipart upload and delete any object it was joined into."""
    bucket = backends.settings.media_bucket
    await anyio.to_thread.run_sync(
        direct.abort, backends.s3, bucket, upload["key"], upload["s3_upload_id"]
    )
    await anyio.to_thread.run_sync(delete_objects, backends.s3, bucket, [upload["key"]])


async def discard_uploads(backends: Backends, viewer_id: str) -> int:
    """Abort every open upload of an account (its parts dropped) and forget them all; used when
    the account is deleted. Returns how many there were."""
    rows = await uploads_graph.owned(backends.graph, viewer_id)
    for row in rows:
        if row["status"] == "open":
            await _drop_stored(backends, row)
    await uploads_graph.delete(backends.graph, [row["id"] for row in rows])
    return len(rows)


@dataclass(frozen=True)
class _Completion:
    """What a completion's transaction ended in: the Media item (`new` when it made it now), or
    the refusal to raise once the transaction that forgot the upload has committed."""

    media: Row | None = None
    new: bool = False
    refused: AppError | None = None


async def _both(first: Awaitable[A], second: Awaitable[B]) -> tuple[A, B]:
    """Run two awaitables at once and wait for both (neither is cut off when the other fails:
    one is a statement of the open transaction); their results, or the first one's error."""
    tasks = (asyncio.ensure_future(first), asyncio.ensure_future(second))
    await asyncio.wait(tasks)
    errors = [task.exception() for task in tasks]
    for error in errors:
        if error is not None:
            raise error
    return tasks[0].result(), tasks[1].result()


async def _join(
    backends: Backends, upload: Row, stored: list[direct.StoredPart] | None
) -> Sniffed | AppError:
    """The store's side of a completion: join the parts (`stored`, none when an earlier attempt
    joined them) and check the object; what `check_object` found, or the refusal."""
    bucket = backends.settings.media_bucket
    key, s3_upload_id = upload["key"], upload["s3_upload_id"]
    if stored is None:
        # Joined by an earlier attempt of this transaction (a retry), or dropped by the store.
        if not await anyio.to_thread.run_sync(object_exists, backends.s3, bucket, key):
            return NotFound(f"no upload {upload['id']!r}")
    else:
        sizes = direct.part_sizes(int(upload["size"]), int(upload["part_size"]))
        wrong = [p.number for p in stored if p.number > len(sizes) or p.size != sizes[p.number - 1]]
        if wrong:
            return Unprocessable(
                f"part {wrong[0]} is not the size it was signed for", code="size_mismatch"
            )
        if not await anyio.to_thread.run_sync(
            direct.complete, backends.s3, bucket, key, s3_upload_id, stored
        ) and not await anyio.to_thread.run_sync(object_exists, backends.s3, bucket, key):
            return NotFound(f"no upload {upload['id']!r}")
    try:
        return await ingest.check_object(
            backends, key, str(upload["content_type"]), int(upload["size"])
        )
    except AppError as exc:
        return exc


async def _join_and_check(
    backends: Backends, locked: uploads_graph.LockedUpload, upload: Row
) -> _Completion:
    """The locked, open upload: join its parts (the list the store holds), check the object and
    record its `processing` Media item. A refused upload is dropped from the store and forgotten,
    and the refusal is returned (raising would roll its forgetting back); a Conflict (parts
    still missing) is raised, changing nothing.

    Once the parts are all there, the Media item is recorded (as the declared type) while the
    store joins and checks the object: a refusal deletes it again in the same transaction, and
    the type the bytes showed replaces the declared one."""
    bucket = backends.settings.media_bucket
    key, s3_upload_id = upload["key"], upload["s3_upload_id"]
    stored = await anyio.to_thread.run_sync(
        direct.list_parts, backends.s3, bucket, key, s3_upload_id
    )
    if stored is not None:
        sizes = direct.part_sizes(int(upload["size"]), int(upload["part_size"]))
        have = {p.number for p in stored}
        missing = [n for n in range(1, len(sizes) + 1) if n not in have]
        if missing:
            raise Conflict(
                f"{len(missing)} parts are missing, first {missing[0]}", code="parts_missing"
            )
    draft = {
        "id": new_id(),
        "kind": str(upload["kind"]),
        "status": "processing",
        "content_type": str(upload["content_type"]),
        "bytes": int(upload["size"]),
        "key": key,
    }
    outcome, media = await _both(_join(backends, upload, stored), locked.record_media(draft))
    if isinstance(outcome, AppError):
        await _drop_stored(backends, upload)
        await locked.refuse()
        return _Completion(refused=outcome)
    if (outcome.kind, outcome.content_type) != (media.get("kind"), media.get("content_type")):
        media = await locked.retype(str(media["id"]), outcome.kind, outcome.content_type)
    return _Completion(media=media, new=True)


async def complete_upload(backends: Backends, viewer_id: str, upload_id: str) -> Row:
    """Complete the viewer's upload from the parts the store holds, check the object (size, type
    from its first bytes, pixel count), record a `processing` Media item and queue its
    processing; the Media node. A refused object is deleted with its upload. Safe to retry.

    One write transaction reads the upload under its lock, joins and checks the object, and
    records the Media item: a concurrent completion of the same upload waits for the lock and
    then answers the Media item this one made (or the refusal's 404)."""

    async def work(locked: uploads_graph.LockedUpload) -> _Completion:
        upload = locked.upload
        if upload is None or (upload["status"] != "open" and locked.media is None):
            raise NotFound(f"no upload {upload_id!r}")
        if upload["status"] != "open":
            return _Completion(media=locked.media)
        return await _join_and_check(backends, locked, upload)

    try:
        outcome = await uploads_graph.under_lock(backends.graph, viewer_id, upload_id, work)
    except Gone:  # forgotten (refused, aborted) by a request that held its lock first
        raise NotFound(f"no upload {upload_id!r}") from None
    if outcome.refused is not None:
        raise outcome.refused
    node = outcome.media
    if node is None:
        raise NotFound(f"no upload {upload_id!r}")
    if not outcome.new:
        return node
    try:
        await jobs.enqueue(backends, node["id"])
    except (RedisError, OSError) as exc:
        # Recorded as `processing`: the Redis repair queues the job again (timelines/repair.py).
        log.warning("media job for %s not queued (%r): repair recorded", node["id"], exc)
        with suppress(Exception):
            await tl_graph.repair_mark(
                backends.graph, backends.settings.timeline_namespace, ["media-queue"]
            )
    return node


async def abort_upload(backends: Backends, viewer_id: str, upload_id: str) -> None:
    """Abort the viewer's open upload: its parts are dropped and it is forgotten (under the
    upload's lock, so never while a completion of it is joining or checking the object)."""

    async def work(locked: uploads_graph.LockedUpload) -> None:
        upload = locked.upload
        if upload is None:
            raise NotFound(f"no upload {upload_id!r}")
        if upload["status"] != "open":
            raise Conflict(
                "the upload is completed: delete its media instead", code="upload_completed"
            )
        await _drop_stored(backends, upload)
        await locked.forget()

    try:
        await uploads_graph.under_lock(
            backends.graph, viewer_id, upload_id, work, label="uploads/delete"
        )
    except Gone:
        raise NotFound(f"no upload {upload_id!r}") from None
