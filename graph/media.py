"""Media nodes in the graph."""

from __future__ import annotations

from typing import Any

from graph.driver import Graph, Row


async def create(graph: Graph, viewer_id: str, media: dict[str, Any]) -> Row:
    row = await graph.write_one("media/create", {"viewer_id": viewer_id, "media": media})
    if row is None:
        raise LookupError("the uploading account no longer exists")
    return dict(row["media"])


async def get_visible(graph: Graph, viewer_id: str, media_id: str) -> Row | None:
    row = await graph.read_one("media/get_visible", {"viewer_id": viewer_id, "media_id": media_id})
    return dict(row["media"]) if row else None


async def get(graph: Graph, media_id: str) -> Row | None:
    row = await graph.read_one("media/get", {"media_id": media_id})
    return dict(row["media"]) if row else None


async def finish(graph: Graph, media_id: str, changes: dict[str, Any]) -> Row | None:
    row = await graph.write_one("media/finish", {"media_id": media_id, "changes": changes})
    return dict(row["media"]) if row else None


async def keys_in_use(graph: Graph, keys: list[str]) -> set[str]:
    rows = await graph.read("media/keys_in_use", {"keys": keys})
    return {row["key"] for row in rows}


async def release(graph: Graph, media_ids: list[str]) -> list[str]:
    """Delete unattached Media nodes; the object keys that nothing references any more."""
    row = await graph.write_one("media/release", {"media_ids": media_ids})
    return list(row["keys"]) if row else []


async def stale(graph: Graph, before_iso: str) -> list[Row]:
    return await graph.read("media/stale", {"before": before_iso})


async def all_keys(graph: Graph) -> list[Row]:
    return await graph.read("media/all_keys")


async def delete(graph: Graph, media_ids: list[str]) -> None:
    await graph.write("media/delete", {"media_ids": media_ids})
