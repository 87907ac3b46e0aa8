"""Crash leftovers: media stuck in processing (re-enqueued a few times, then failed), failed media,
media whose objects are missing, objects no Media node references, and direct uploads never
completed in time (their multipart upload aborted, so the store keeps none of their parts).
Also what expires by design: stories past their 24 hours that no highlight keeps, with their
media (deleted from the store and purged from the edge)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from graph import stories as stories_graph
from graph import uploads as uploads_graph
from graphgram import clock
from media import direct, jobs
from media.lifecycle import release_media, remove_unreferenced
from media.storage import ARCHIVE_KEY_PREFIX, delete_objects, object_exists

RETRIES = 3  # re-enqueues of an item stuck in processing before the sweep fails it


@dataclass
class SweepReport:
    stale_media: int = 0
    retried: int = 0
    missing_objects_media: int = 0
    orphan_objects: int = 0
    expired_uploads: int = 0
    expired_stories: int = 0


STORY_BATCH = 500


async def expire_stories(backends: Backends, now: datetime) -> int:
    """Delete the stories past their expiry that no highlight keeps, and release their media:
    objects nothing else uses are deleted and purged from the edge (URLs signed for a story
    expired with it already; the purge drops what the edge still caches). `now` is the
    service's clock (graphgram.clock)."""
    count = 0
    while rows := await stories_graph.expired(backends.graph, now, STORY_BATCH):
        released = await stories_graph.delete_expired(
            backends.graph, [row["id"] for row in rows], now
        )
        if released:
            await release_media(backends, released)
        count += len(rows)
    return count


async def expire_uploads(backends: Backends, now: datetime) -> int:
    """Abort the multipart uploads of uploads past their expiry (and delete an object one left
    completed but never recorded), then forget them; completed ones are only forgotten."""
    bucket = backends.settings.media_bucket
    count = 0
    while rows := await uploads_graph.expired(backends.graph, now.isoformat()):
        for row in rows:
            if row["status"] == "open":
                await anyio.to_thread.run_sync(
                    direct.abort, backends.s3, bucket, row["key"], row["s3_upload_id"]
                )
                await anyio.to_thread.run_sync(delete_objects, backends.s3, bucket, [row["key"]])
        await uploads_graph.delete(backends.graph, [row["id"] for row in rows])
        count += len(rows)
    return count


async def sweep(
    backends: Backends, *, grace_s: int = 3600, now: datetime | None = None
) -> SweepReport:
    """Remove what a crash left behind; anything younger than `grace_s` may still be in flight.
    `now` is the sweep's clock (tests move it forward)."""
    report = SweepReport()
    bucket = backends.settings.media_bucket
    now = now or clock.now(backends.settings)
    cutoff = now - timedelta(seconds=grace_s)
    report.expired_uploads = await expire_uploads(backends, now)
    report.expired_stories = await expire_stories(backends, now)

    stale = await media_graph.stale(backends.graph, cutoff.isoformat())
    # A job lost with Redis (or a worker that kept failing) is retried before it is ever failed.
    again = [r["id"] for r in stale if r["status"] == "processing" and r["attempts"] < RETRIES]
    for media_id in await media_graph.retry(backends.graph, again):
        await jobs.enqueue(backends, media_id)
        report.retried += 1
    doomed = [row["id"] for row in stale if row["id"] not in again]
    if doomed:
        await media_graph.delete(backends.graph, doomed)
        report.stale_media = len(doomed)

    broken = []
    for row in await media_graph.all_keys(backends.graph):
        if row["status"] == "ready" and not row["attached"]:
            checks = [
                await anyio.to_thread.run_sync(object_exists, backends.s3, bucket, k)
                for k in row["keys"]
            ]
            if not all(checks):
                broken.append(row["id"])
    if broken:
        await media_graph.delete(backends.graph, broken)
        report.missing_objects_media = len(broken)

    def old_objects() -> list[str]:
        return [
            o.object_name
            for o in backends.s3.list_objects(bucket, recursive=True)
            if o.object_name
            and o.last_modified
            and o.last_modified < cutoff
            # Data archives are no Media's: an Archive node holds each, and deleting the
            # account or its next archive deletes it (services/data_export.py).
            and not o.object_name.startswith(ARCHIVE_KEY_PREFIX)
        ]

    objects = await anyio.to_thread.run_sync(old_objects)
    for start in range(0, len(objects), 500):
        keys = objects[start : start + 500]
        report.orphan_objects += len(await remove_unreferenced(backends, keys))
    return report
