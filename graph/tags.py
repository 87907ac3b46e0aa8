"""Hashtags: one tag with its post count, and a page of its posts."""

from __future__ import annotations

from graph.driver import Graph, Params, Row


async def get(graph: Graph, viewer_id: str, tag: str) -> Row | None:
    return await graph.read_one("tags/get_tag", {"viewer_id": viewer_id, "tag": tag})


async def post_ids(graph: Graph, viewer_id: str, tag: str, page: Params) -> list[str]:
    rows = await graph.read("tags/list_posts", {"viewer_id": viewer_id, "tag": tag, **page})
    return [row["id"] for row in rows]
