"""Reads the Mastodon client API needs beyond the other repositories: accounts and relationships
by id, the extra parts of a Status, comments shown as Statuses, instance totals, media alt text."""

from __future__ import annotations

from graph.driver import Graph, Row


async def accounts(graph: Graph, viewer_id: str, ids: list[str]) -> dict[str, Row]:
    """Account rows by id, with `blocked` (either way) and `blocking` flags; unknown ids absent."""
    if not ids:
        return {}
    rows = await graph.read("mastodon/accounts", {"viewer_id": viewer_id, "ids": ids})
    return {row["id"]: row for row in rows}


async def account_access(graph: Graph, viewer_id: str, user_id: str) -> Row | None:
    return await graph.read_one(
        "mastodon/account_access", {"viewer_id": viewer_id, "user_id": user_id}
    )


async def relationships(graph: Graph, viewer_id: str, ids: list[str]) -> list[Row]:
    if not ids:
        return []
    return await graph.read("mastodon/relationships", {"viewer_id": viewer_id, "ids": ids})


async def status_extras(graph: Graph, viewer_id: str, post_ids: list[str]) -> dict[str, Row]:
    if not post_ids:
        return {}
    rows = await graph.read("mastodon/status_extras", {"viewer_id": viewer_id, "ids": post_ids})
    return {row["id"]: row for row in rows}


async def comments(graph: Graph, viewer_id: str, ids: list[str]) -> dict[str, Row]:
    """Comments the viewer may see, by id, shaped for a Status."""
    if not ids:
        return {}
    rows = await graph.read("mastodon/comments", {"viewer_id": viewer_id, "ids": ids})
    return {row["id"]: row for row in rows}


async def comment_ancestors(graph: Graph, comment_id: str, limit: int) -> list[str]:
    rows = await graph.read(
        "mastodon/comment_ancestors", {"comment_id": comment_id, "limit": limit}
    )
    return [row["id"] for row in rows]


async def instance_stats(graph: Graph) -> Row:
    row = await graph.read_one("mastodon/instance_stats")
    return row or {"users": 0, "posts": 0}


async def describe_media(
    graph: Graph, viewer_id: str, media_id: str, description: str
) -> Row | None:
    row = await graph.write_one(
        "mastodon/describe_media",
        {"viewer_id": viewer_id, "media_id": media_id, "description": description},
    )
    return dict(row["media"]) if row else None
