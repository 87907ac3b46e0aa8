"""Releasing media: when no post uses a Media item any more, its node and objects go.

The node is deleted first, then the objects; a crash in between leaves objects no node
references, which `graphgram media sweep` removes. Objects are content-addressed, so an object
is only deleted when no other Media node uses the same key. Edge-cached copies are not purged:
they stop being reachable when the signed URLs handed out for them expire (`cdn_url_ttl_s`).
"""

from __future__ import annotations

import anyio.to_thread

from backends import Backends
from graph import media as media_graph
from media.storage import delete_objects


async def release_media(backends: Backends, media_ids: list[str]) -> list[str]:
    keys = await media_graph.release(backends.graph, media_ids)
    await anyio.to_thread.run_sync(
        delete_objects, backends.s3, backends.settings.media_bucket, keys
    )
    return keys


async def remove_unreferenced(backends: Backends, keys: list[str]) -> None:
    """Delete objects that no Media node references (used to undo a failed upload)."""
    if not keys:
        return
    in_use = await media_graph.keys_in_use(backends.graph, keys)
    doomed = [k for k in keys if k not in in_use]
    await anyio.to_thread.run_sync(
        delete_objects, backends.s3, backends.settings.media_bucket, doomed
    )
