"""The home feed and notifications."""

from __future__ import annotations

from fastapi import APIRouter, Response, status
from pydantic import BaseModel

from api.auth.deps import CurrentUser
from api.deps import Config, Graph
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from api.posts.views import post_page
from api.schemas import Author
from graph import feed

router = APIRouter(tags=["feed"], responses=ERROR_RESPONSES)


class Notification(BaseModel):
    id: str
    type: str
    account: Author
    post_id: str | None
    comment_id: str | None
    created_at: str
    read: bool


@router.get("/feed", response_model=list[Post])
async def home_feed(
    viewer: CurrentUser,
    graph: Graph,
    settings: Config,
    page: Pagination,
) -> list[Post]:
    """Posts of the accounts you follow and your own, newest first."""
    ids = await feed.home_post_ids(graph, viewer.id, page.params())
    return await post_page(graph, settings, viewer.id, ids, page)


@router.get("/notifications", response_model=list[Notification], tags=["notifications"])
async def notifications(viewer: CurrentUser, graph: Graph, page: Pagination) -> list[Notification]:
    """Likes, comments, replies, follows, follow requests and mentions addressed to you."""
    rows = await feed.notifications(graph, viewer.id, page.params())
    return [Notification(**row) for row in page.items(rows)]


@router.post("/notifications/read", status_code=status.HTTP_204_NO_CONTENT, tags=["notifications"])
async def mark_read(viewer: CurrentUser, graph: Graph) -> Response:
    await feed.mark_notifications_read(graph, viewer.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
