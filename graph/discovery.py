"""Search (Neo4j full-text indexes) and who-to-follow suggestions."""

from __future__ import annotations

import re

from graph.driver import Graph, Row

_LUCENE_SPECIAL = re.compile(r'([+\-&|!(){}\[\]^"~*?:\\/])')


def prefix_query(text: str) -> str:
    """A Lucene query matching every word of `text` as a prefix; user text is escaped."""
    words = [_LUCENE_SPECIAL.sub(r"\\\1", word) for word in text.lower().split()]
    return " AND ".join(f"{word}*" for word in words if word)


async def search_users(graph: Graph, viewer_id: str, text: str, limit: int) -> list[Row]:
    return await graph.read(
        "discovery/search_users",
        {"viewer_id": viewer_id, "lucene": prefix_query(text), "limit": limit},
    )


async def search_hashtags(graph: Graph, viewer_id: str, text: str, limit: int) -> list[Row]:
    return await graph.read(
        "discovery/search_hashtags",
        {"viewer_id": viewer_id, "lucene": prefix_query(text.lstrip("#")), "limit": limit},
    )


async def suggestions(
    graph: Graph, viewer_id: str, *, followees: int, per_followee: int, limit: int
) -> tuple[int, list[Row]]:
    """(the viewer's following count, friends of friends ranked by mutuals) from a sample of at
    most `followees` × `per_followee` follows."""
    row = await graph.read_one(
        "discovery/suggestions",
        {
            "viewer_id": viewer_id,
            "followees": followees,
            "per_followee": per_followee,
            "limit": limit,
        },
    )
    return (int(row["following"]), list(row["suggestions"])) if row else (0, [])


async def still_suggestible(
    graph: Graph, viewer_id: str, ids: list[str], *, public_only: bool = False
) -> tuple[int, list[Row]]:
    """(the viewer's following count, the accounts among `ids` the viewer may still be
    suggested, in the order given, each with its follower count)."""
    row = await graph.read_one(
        "discovery/suggestions_check",
        {"viewer_id": viewer_id, "ids": ids, "public_only": public_only},
    )
    return (int(row["following"]), list(row["accounts"])) if row else (0, [])


async def popular(graph: Graph, viewer_id: str, *, sample: int, limit: int) -> list[Row]:
    """The most-followed public accounts among the `sample` most recently followed."""
    return await graph.read(
        "discovery/popular", {"viewer_id": viewer_id, "sample": sample, "limit": limit}
    )


async def most_followed(graph: Graph, limit: int) -> list[Row]:
    """[{id, followers}] of the whole graph, most-followed first: a scan, off the request path."""
    return await graph.read("discovery/popular_refresh", {"limit": limit})
