"""Post views: graph rows turned into the `Post` shape, one at a time or as a page."""

from __future__ import annotations

from api.pagination import Page
from api.posts.schemas import Post
from graph import posts
from graph.driver import Graph, Row
from graphgram.settings import Settings
from media.views import media_view


def post_view(settings: Settings, row: Row) -> Post:
    return Post(
        id=row["id"],
        author=row["author"],
        caption=row["caption"],
        media=[media_view(settings, node) for node in row["media"]],
        hashtags=row["hashtags"],
        mentions=row["mentions"],
        like_count=row["like_count"],
        liked=row["liked"],
        comment_count=row["comment_count"],
        created_at=row["created_at"],
    )


async def post_page(
    graph: Graph,
    settings: Settings,
    viewer_id: str,
    ids: list[str],
    page: Page,
) -> list[Post]:
    """Turn one page of post ids (limit + 1 fetched) into post views with a Link header."""
    page_ids = page.items([{"id": i} for i in ids])
    rows = await posts.hydrate(graph, viewer_id, [item["id"] for item in page_ids])
    return [post_view(settings, row) for row in rows]
