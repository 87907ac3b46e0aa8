"""Hashtag pages: a tag with its post count, and its posts newest first."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response
from pydantic import BaseModel

from api.auth.scopes import ReadStatuses
from api.deps import Backend, Graph
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.posts.schemas import Post
from api.posts.views import cached_post_page
from graph import tags
from graphgram.errors import NotFound

router = APIRouter(tags=["discovery"], responses=ERROR_RESPONSES)

TagName = Annotated[str, Path(min_length=1, max_length=101, description="With or without #")]


class Tag(BaseModel):
    name: str
    post_count: int


def _normalise(name: str) -> str:
    return name.removeprefix("#").lower()


@router.get("/tags/{name}", response_model=Tag)
async def get_tag(name: TagName, viewer: ReadStatuses, graph: Graph) -> Tag:
    """A hashtag and how many posts use it (posts of users in a block with you left out)."""
    row = await tags.get(graph, viewer.id, _normalise(name))
    if row is None:
        raise NotFound(f"no hashtag {name!r}")
    return Tag(**row)


@router.get("/tags/{name}/posts", response_model=list[Post])
async def tag_posts(
    name: TagName, viewer: ReadStatuses, backends: Backend, page: Pagination
) -> Response:
    """A hashtag's posts you may see, newest first, with the usual cursors and Link header."""
    tag = _normalise(name)
    if await tags.get(backends.graph, viewer.id, tag) is None:
        raise NotFound(f"no hashtag {name!r}")
    ids = await tags.post_ids(backends.graph, viewer.id, tag, page.params())
    return await cached_post_page(backends, viewer.id, ids, page)
