"""The home feed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from api.auth.scopes import ReadStatuses
from api.deps import Backend
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from api.posts.views import post_page
from graph import feed
from timelines import feed as timelines

router = APIRouter(tags=["feed"], responses=ERROR_RESPONSES)


@router.get("/feed", response_model=list[Post])
async def home_feed(
    viewer: ReadStatuses,
    backends: Backend,
    page: Pagination,
    source: Annotated[
        Literal["timeline", "graph"],
        Query(description="`graph` skips the Redis timeline for the Cypher fan-in (checks)"),
    ] = "timeline",
) -> Response:
    """Posts of the accounts you follow and your own, newest first."""
    # The common page never gets here: api/feed/hotpath.py serves it from one Lua script.
    cursors = timelines.Cursors(
        page.limit + 1, max_id=page.max_id, since_id=page.since_id, min_id=page.min_id
    )
    if source == "graph":
        # The pure Cypher fan-in and hydration, as the feed was served before timelines.
        ids = await feed.home_post_ids(backends.graph, viewer.id, page.params())
        posts = await post_page(backends.graph, backends.settings, viewer.id, ids, page)
        items = [post.model_dump(mode="json") for post in posts]
    else:
        rows = await timelines.home(backends, viewer.id, cursors)
        # Built from cached, already-shaped dicts: skip re-validating 20 posts through pydantic.
        items = page.items(rows)
    link = page.response.headers.get("link")
    return JSONResponse(items, headers={"Link": link} if link else None)
