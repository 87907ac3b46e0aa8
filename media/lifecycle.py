"""Releasing media: when no post uses a Media item any more, its node and objects go.

Objects are content-addressed, so one object may serve several Media nodes; it is deleted only
when none references it, inside the transaction that holds its key's lock (graph/media.py), so a
concurrent upload of the same bytes either comes first (and keeps the object) or waits and puts
it back. Every object deleted here is then purged from the edge cache (`media.edge.purge`), so a
signed URL handed out before the deletion answers 404 at once instead of serving the cached copy
until it expires; an object another Media node still uses stays, and stays cached.
"""

from __future__ import annotations

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from media import edge
from media.storage import delete_objects


def _deleter(backends: Backends, sizes: dict[str, int | None]) -> media_graph.KeysWork:
    """Deletes the objects, first noting their sizes in `sizes` (the edge caches an object in
    slices; its size says how many to purge)."""

    async def delete(keys: list[str]) -> None:
        for key, size in (await edge.object_sizes(backends, keys)).items():
            if size is not None or key not in sizes:  # a retried transaction finds them gone
                sizes[key] = size
        await anyio.to_thread.run_sync(
            delete_objects, backends.s3, backends.settings.media_bucket, keys
        )

    return delete


async def release_media(backends: Backends, media_ids: list[str]) -> list[str]:
    """Delete unattached Media nodes and the objects nothing else references, and purge those
    objects from the edge; returns their keys."""
    sizes: dict[str, int | None] = {}
    keys = await media_graph.release(backends.graph, media_ids, _deleter(backends, sizes))
    await edge.purge(backends, keys, sizes=sizes)
    return keys


async def remove_unreferenced(backends: Backends, keys: list[str]) -> list[str]:
    """Delete the objects of `keys` that no Media node references (undoing a failed upload,
    sweeping orphans) and purge them from the edge; returns the keys deleted."""
    if not keys:
        return []
    sizes: dict[str, int | None] = {}
    deleted = await media_graph.delete_unreferenced(backends.graph, keys, _deleter(backends, sizes))
    await edge.purge(backends, deleted, sizes=sizes)
    return deleted
