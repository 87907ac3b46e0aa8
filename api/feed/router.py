"""The home feed."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api.auth.scopes import ReadStatuses
from api.deps import Backend
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from timelines import feed as timelines

router = APIRouter(tags=["feed"], responses=ERROR_RESPONSES)


@router.get("/feed", response_model=list[Post])
async def home_feed(viewer: ReadStatuses, backends: Backend, page: Pagination) -> Response:
    """Posts of the accounts you follow and your own, newest first.

    The Cypher fan-in behind it (`graph.feed.home_post_ids`) is no query switch: it rebuilds
    timelines, answers pages below their floor, and is what the tests compare the feed with."""
    # The common page never gets here: api/feed/hotpath.py serves it from one Lua script.
    cursors = timelines.Cursors(
        page.limit + 1, max_id=page.max_id, since_id=page.since_id, min_id=page.min_id
    )
    rows = await timelines.home(backends, viewer.id, cursors)
    # Dumped from `Post` models already (timelines/views.py): not validated a second time.
    items = page.items(rows)
    link = page.response.headers.get("link")
    return JSONResponse(items, headers={"Link": link} if link else None)
