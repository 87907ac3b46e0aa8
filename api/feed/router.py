"""The home feed."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from fastapi.responses import JSONResponse

from api.auth.deps import BearerCredentials, current_user, session_cache_key
from api.deps import Backend
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from api.posts.views import post_page
from graph import feed
from graphgram.metrics import cache_lookup
from timelines import fastpage
from timelines import feed as timelines

router = APIRouter(tags=["feed"], responses=ERROR_RESPONSES)


@router.get("/feed", response_model=list[Post])
async def home_feed(
    credentials: BearerCredentials,
    backends: Backend,
    page: Pagination,
    source: Annotated[
        Literal["timeline", "graph"],
        Query(description="`graph` skips the Redis timeline for the Cypher fan-in (checks)"),
    ] = "timeline",
) -> Response:
    """Posts of the accounts you follow and your own, newest first."""
    session_key = session_cache_key(credentials)
    if session_key and source == "timeline" and page.since_id is None and page.min_id is None:
        # The common page, session lookup included, in one Lua script (timelines/fastpage.py).
        fast = await fastpage.home_page(
            backends, session_key=session_key, limit=page.limit, max_id=page.max_id
        )
        if fast is not None:
            cache_lookup("session", hit=True)
            _, ids, body = fast
            page.items([{"id": i} for i in ids])
            link = page.response.headers.get("link")
            return Response(
                body, media_type="application/json", headers={"Link": link} if link else None
            )
    viewer = await current_user(credentials, backends)
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
