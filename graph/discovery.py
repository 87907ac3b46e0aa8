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


async def suggestions(graph: Graph, viewer_id: str, limit: int) -> list[Row]:
    return await graph.read("discovery/suggestions", {"viewer_id": viewer_id, "limit": limit})


async def popular(graph: Graph, viewer_id: str, limit: int) -> list[Row]:
    return await graph.read("discovery/popular", {"viewer_id": viewer_id, "limit": limit})
