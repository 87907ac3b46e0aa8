"""Dropping derived state: after the graph was written outside the API (seeding, imports)."""

from __future__ import annotations

from backends import Backends
from timelines.fanout import ensure_group
from timelines.store import Keys


async def reset(backends: Backends) -> int:
    """Delete every key of the timeline namespace except the fan-out stream (queued work
    stays queued); returns how many were deleted."""
    k = Keys(backends.settings.timeline_namespace)
    deleted = 0
    batch: list[str] = []
    async for key in backends.redis.scan_iter(match=f"{k.ns}:*", count=1_000):
        if k.is_stream(key):
            continue
        batch.append(key)
        if len(batch) >= 1_000:
            deleted += int(await backends.redis.unlink(*batch))
            batch.clear()
    if batch:
        deleted += int(await backends.redis.unlink(*batch))
    await ensure_group(backends)
    return deleted
