"""Releasing media: when no post uses a Media item any more, its node and objects go.

The node is deleted first, then the objects; a crash in between leaves objects no node
references, which `graphgram media sweep` removes. Objects are content-addressed, so an object
is only deleted when no other Media node uses the same key. Edge-cached copies are not purged:
they stop being reachable when the signed URLs handed out for them expire (`cdn_url_ttl_s`).
"""

from __future__ import annotations

import anyio.to_thread

from api.state import AppState
from graph import media as media_graph
from media.storage import delete_objects


async def release_media(state: AppState, media_ids: list[str]) -> list[str]:
    keys = await media_graph.release(state.graph, media_ids)
    await anyio.to_thread.run_sync(delete_objects, state.s3, state.settings.media_bucket, keys)
    return keys
