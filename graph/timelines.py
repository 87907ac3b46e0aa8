"""Reads behind the Redis home timelines (timelines/): who gets a post, what a timeline or a
per-author list is rebuilt from, and the viewer state the feed's hot path caches."""

from __future__ import annotations

from dataclasses import dataclass

from graph.driver import Graph


@dataclass(frozen=True)
class FanoutTarget:
    followers: int
    posted: bool


async def fanout_target(graph: Graph, author_id: str, post_id: str) -> FanoutTarget | None:
    row = await graph.read_one(
        "timelines/fanout_target", {"author_id": author_id, "post_id": post_id}
    )
    return FanoutTarget(row["followers"], row["posted"]) if row else None


async def follower_ids(graph: Graph, author_id: str) -> list[str]:
    row = await graph.read_one("timelines/follower_ids", {"author_id": author_id})
    return list(row["ids"]) if row else []


async def author_post_ids(
    graph: Graph, author_id: str, *, limit: int, since: str | None = None
) -> list[str]:
    rows = await graph.read(
        "timelines/author_posts", {"author_id": author_id, "since": since, "limit": limit}
    )
    return [row["id"] for row in rows]


async def followed_celebrities(
    graph: Graph, viewer_id: str, threshold: int, known: list[str]
) -> list[str]:
    rows = await graph.read(
        "timelines/followed_celebrities",
        {"viewer_id": viewer_id, "threshold": threshold, "known": known},
    )
    return [row["id"] for row in rows]


async def blocked_ids(graph: Graph, viewer_id: str) -> list[str]:
    rows = await graph.read("timelines/blocked_ids", {"viewer_id": viewer_id})
    return [row["id"] for row in rows]


async def liked_ids(graph: Graph, viewer_id: str, since: str) -> list[str]:
    rows = await graph.read("timelines/liked_ids", {"viewer_id": viewer_id, "since": since})
    return [row["id"] for row in rows]


async def followed_authors(graph: Graph, viewer_id: str, author_ids: list[str]) -> set[str]:
    rows = await graph.read(
        "timelines/followed_authors", {"viewer_id": viewer_id, "author_ids": author_ids}
    )
    return {row["id"] for row in rows}


async def requester_ids(graph: Graph, viewer_id: str) -> list[str]:
    rows = await graph.read("timelines/requester_ids", {"viewer_id": viewer_id})
    return [row["id"] for row in rows]


async def footprint(graph: Graph, viewer_id: str) -> set[str]:
    """Ids of the posts an account wrote, liked or commented on."""
    row = await graph.read_one("timelines/footprint", {"viewer_id": viewer_id})
    if row is None:
        return set()
    return {*row["posted"], *row["liked"], *row["commented"]}


async def posts_by_author(graph: Graph, author_id: str, ids: list[str]) -> list[str]:
    if not ids:
        return []
    rows = await graph.read("timelines/posts_by_author", {"author_id": author_id, "ids": ids})
    return [row["id"] for row in rows]
