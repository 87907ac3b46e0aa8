"""The home feed and notifications: traversals of the viewer's neighbourhood."""

from __future__ import annotations

from graph.driver import Graph, Params, Row


async def home_post_ids(graph: Graph, viewer_id: str, page: Params) -> list[str]:
    rows = await graph.read("feed/home", {"viewer_id": viewer_id, **page})
    return [row["id"] for row in rows]


async def notifications(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    return await graph.read("notifications/list", {"viewer_id": viewer_id, **page})


async def mark_notifications_read(graph: Graph, viewer_id: str) -> None:
    await graph.write("notifications/mark_read", {"viewer_id": viewer_id})
