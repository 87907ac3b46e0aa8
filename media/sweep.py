"""Crash leftovers: objects no Media node references, media stuck in processing, failed media."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from media.storage import delete_objects, object_exists


@dataclass
class SweepReport:
    stale_media: int = 0
    missing_objects_media: int = 0
    orphan_objects: int = 0


async def sweep(backends: Backends, *, grace_s: int = 3600) -> SweepReport:
    """Remove what a crash left behind; anything younger than `grace_s` may still be in flight."""
    report = SweepReport()
    bucket = backends.settings.media_bucket
    cutoff = datetime.now(UTC) - timedelta(seconds=grace_s)

    stale = await media_graph.stale(backends.graph, cutoff.isoformat())
    if stale:
        await media_graph.delete(backends.graph, [row["id"] for row in stale])
        report.stale_media = len(stale)

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
            if o.object_name and o.last_modified and o.last_modified < cutoff
        ]

    objects = await anyio.to_thread.run_sync(old_objects)
    for start in range(0, len(objects), 500):
        keys = objects[start : start + 500]
        in_use = await media_graph.keys_in_use(backends.graph, keys)
        doomed = [k for k in keys if k not in in_use]
        await anyio.to_thread.run_sync(delete_objects, backends.s3, bucket, doomed)
        report.orphan_objects += len(doomed)
    return report
