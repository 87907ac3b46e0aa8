"""Explore: posts from outside the viewer's follows, ranked from their graph."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from graph.driver import Graph, Row


@dataclass(frozen=True)
class Bounds:
    """How much of the viewer's graph one computation of Explore reads (explore/candidates)."""

    followees: int  # the viewer's newest follows read
    scan: int  # likes and comments read per followee, posts per tag, tags of the viewer
    per_followee: int  # of those, the newest kept per followee (and of the viewer's own likes)
    tags: int  # hashtags the viewer engages with, most used first
    per_tag: int  # newest posts kept per hashtag


async def candidates(
    graph: Graph, viewer_id: str, bounds: Bounds, *, half_life_h: float, limit: int
) -> list[Row]:
    """{id, liked_by, names, commented_by, commenter_names, tag, score}: posts from outside the
    viewer's follows that their followees liked or commented on or in hashtags they use, best
    first, from a sample bounded by `bounds` whatever the degrees."""
    return await graph.read(
        "explore/candidates",
        {
            "viewer_id": viewer_id,
            **asdict(bounds),
            "half_life_h": half_life_h,
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
