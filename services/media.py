"""Media: upload a picture or video, and describe one (its alt text).

Attaching media happens when a post is made (`services.posts.create_post`); releasing it when
the last post using it goes (`services.posts.delete_post`, `services.accounts.delete_account`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Protocol

from backends import Backends
from graph import mastodon as mastodon_graph
from graph import media as media_graph
from graph.driver import Row
from graphgram.errors import NotFound
from media.upload import CHUNK, store_upload


class Readable(Protocol):
    """An uploaded file as the web framework hands it over (Starlette's `UploadFile`)."""

    async def read(self, size: int = -1) -> bytes: ...


async def _chunks(file: Readable) -> AsyncIterator[bytes]:
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
    node = await store_upload(backends, viewer_id, _chunks(file), content_type)
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
