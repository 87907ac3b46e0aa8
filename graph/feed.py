"""The home feed: a traversal of the viewer's neighbourhood."""

from __future__ import annotations

from graph.driver import Graph, Params


async def home_post_ids(graph: Graph, viewer_id: str, page: Params) -> list[str]:
    rows = await graph.read("feed/home", {"viewer_id": viewer_id, **page})
    return [row["id"] for row in rows]
