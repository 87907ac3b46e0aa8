"""Media nodes in the graph."""

from __future__ import annotations

from graph.driver import Graph


async def release(graph: Graph, media_ids: list[str]) -> list[str]:
    """Delete unattached Media nodes; the object keys that nothing references any more."""
    row = await graph.write_one("media/release", {"media_ids": media_ids})
    return list(row["keys"]) if row else []
