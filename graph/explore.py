"""Explore: posts from outside the viewer's follows, ranked from their graph."""

from __future__ import annotations

from graph.driver import Graph, Row


async def candidates(
    graph: Graph, viewer_id: str, *, followees: int, per_followee: int, limit: int
) -> list[Row]:
    """{id, liked_by, names}: posts liked by the viewer's newest followees, best first, from a
    sample of at most `followees` × `per_followee` likes."""
    return await graph.read(
        "explore/candidates",
        {
            "viewer_id": viewer_id,
            "followees": followees,
            "per_followee": per_followee,
            "limit": limit,
        },
    )


async def still_shown(graph: Graph, viewer_id: str, ids: list[str]) -> list[str]:
    """The ids among `ids` the viewer may still be shown in Explore, in order."""
    if not ids:
        return []
    rows = await graph.read("explore/still_shown", {"viewer_id": viewer_id, "ids": ids})
    return [row["id"] for row in rows]


async def trending_tags(
    graph: Graph, viewer_id: str, *, since: str, followees: int, per_author: int, limit: int
) -> list[Row]:
    """{name, uses, accounts}: the hashtags on the viewer's network's posts since `since` (an
    id), most used first."""
    return await graph.read(
        "explore/trending_tags",
        {
            "viewer_id": viewer_id,
            "since": since,
            "followees": followees,
            "per_author": per_author,
            "limit": limit,
        },
    )
