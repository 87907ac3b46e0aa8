"""Notifications: one page of what happened to the viewer, and the read marker.

Every kind is recorded where it happens (the like, comment, follow, request or mention carries
the id of the user it notifies), so a page is a handful of ordered index seeks. Likes are grouped
per post: `posts/like` and `posts/unlike` keep the post's newest like from someone else in
`Post.last_like`, and the group is read from there (cypher/notifications/list.cypher).
"""

from __future__ import annotations

from graph.driver import Graph, Params, Row


async def page(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    """Newest first (oldest first from `min_id`), one extra row past the limit; nothing from an
    account whose notifications the viewer mutes; each account with its avatar (`pictures`)."""
    return await graph.read("notifications/list", {"viewer_id": viewer_id, **page})


async def mark_read(graph: Graph, viewer_id: str) -> None:
    await graph.write("notifications/mark_read", {"viewer_id": viewer_id})
