"""Post views: graph rows turned into the `Post` shape, one at a time or as a page."""

from __future__ import annotations

from fastapi.responses import JSONResponse

from api.pagination import Page
from api.posts.schemas import Post
from backends import Backends
from graph.driver import Row
from graphgram.settings import Settings
from media.views import media_view
from timelines.views import author, compose_page
from wire.posts import audience_of


def post_view(settings: Settings, row: Row) -> Post:
    return Post(
        id=row["id"],
        author=author(settings, row["author"]),
        caption=row["caption"],
        media=[media_view(settings, node) for node in row["media"]],
        hashtags=row["hashtags"],
        mentions=row["mentions"],
        like_count=row["like_count"],
        liked=row["liked"],
        saved=row.get("saved", False),
        comment_count=row["comment_count"],
        created_at=row["created_at"],
        edited_at=row.get("edited_at"),
        audience=audience_of(row),
    )


async def cached_post_page(
    backends: Backends, viewer_id: str, ids: list[str], page: Page
) -> JSONResponse:
    """One page of post ids (limit + 1 fetched) the viewer may all see, as the `Post` list with
    its Link header, from the cached post views (`timelines.views`): the graph answered the ids
    with an ordered seek, Redis the rest."""
    page_ids = [item["id"] for item in page.items([{"id": i} for i in ids])]
    return await cached_post_list(backends, viewer_id, page_ids, page)


async def cached_post_list(
    backends: Backends, viewer_id: str, page_ids: list[str], page: Page
) -> JSONResponse:
    """Post ids the viewer may all see, already cut to the page (its Link header set), as the
    `Post` list from the cached post views."""
    rows = await compose_page(backends, viewer_id, page_ids)
    link = page.response.headers.get("link")
    # Built from cached, already-shaped dicts: not re-validated through pydantic.
    return JSONResponse(rows, headers={"Link": link} if link else None)
