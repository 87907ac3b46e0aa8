"""How a `Media` node is shown to a client: its metadata plus signed edge URLs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graphgram.settings import Settings
from media.signing import signed_url


class MediaOut(BaseModel):
    id: str
    kind: str
    status: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    blurhash: str | None = None
    url: str | None = None
    preview_url: str | None = None
    description: str | None = None


def media_view(settings: Settings, node: dict[str, Any]) -> MediaOut:
    """`node` is a Media node's properties (see cypher/README.md). URLs only once it is ready."""
    ready = node.get("status") == "ready"
    key = node.get("key")
    preview = node.get("thumb_key") or node.get("poster_key")
    return MediaOut(
        id=node["id"],
        kind=node["kind"],
        status=node["status"],
        width=node.get("width"),
        height=node.get("height"),
        duration=node.get("duration"),
        blurhash=node.get("blurhash"),
        url=signed_url(settings, key) if ready and key else None,
        preview_url=signed_url(settings, preview) if ready and preview else None,
        description=node.get("description") or None,
    )
