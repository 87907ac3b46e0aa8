"""The home feed."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth.deps import CurrentUser
from api.deps import Config, Graph
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from api.posts.views import post_page
from graph import feed

router = APIRouter(tags=["feed"], responses=ERROR_RESPONSES)


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
