"""Releasing media: when no post uses a Media item any more, its node and objects go.

Objects are content-addressed, so one object may serve several Media nodes; it is deleted only
when none references it, inside the transaction that holds its key's lock (graph/media.py), so a
concurrent upload of the same bytes either comes first (and keeps the object) or waits and puts
it back. Edge-cached copies are not purged: they stop being reachable when the signed URLs
handed out for them expire (`cdn_url_ttl_s`).
"""

from __future__ import annotations

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from media.storage import delete_objects


def _deleter(backends: Backends) -> media_graph.KeysWork:
    async def delete(keys: list[str]) -> None:
        await anyio.to_thread.run_sync(
            delete_objects, backends.s3, backends.settings.media_bucket, keys
        )

    return delete


async def release_media(backends: Backends, media_ids: list[str]) -> list[str]:
    """Delete unattached Media nodes and the objects nothing else references; returns the keys."""
    return await media_graph.release(backends.graph, media_ids, _deleter(backends))


async def remove_unreferenced(backends: Backends, keys: list[str]) -> list[str]:
    """Delete the objects of `keys` that no Media node references (undoing a failed upload,
    sweeping orphans); returns the keys deleted."""
    if not keys:
        return []
    return await media_graph.delete_unreferenced(backends.graph, keys, _deleter(backends))
