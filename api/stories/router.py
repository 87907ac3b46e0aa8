"""Stories: post, delete, the tray, an account's stories, seen state, viewers, highlights
(docs/stories.md). Every read takes `now` from the service's clock (graphgram.clock)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response, status
from pydantic import BaseModel, Field

from api.auth.scopes import ReadAccounts, ReadStatuses, WriteStatuses
from api.deps import Backend
from api.errors import ERROR_RESPONSES, FORBIDDEN
from api.pagination import Pagination
from api.posts.schemas import AudienceIn, audience_parts
from api.schemas import StrictBody, UserSummary, summary
from graph import stories, users
from graphgram import clock
from graphgram.errors import NotFound
from graphgram.settings import Settings
from media.views import MediaOut, media_view
from services import stories as story_service
from wire.posts import Audience, audience_of

router = APIRouter(tags=["stories"], responses=ERROR_RESPONSES)

TRAY_DEFAULT = 20
TRAY_MAX = 100
# Stories shown per ring and per account (story_live_max caps how many are live at once).
PER_RING = 100


class NewStory(StrictBody):
    media_id: str
    audience: AudienceIn = Field(
        "everyone",
        description='"everyone" (default), "close_friends", "mutuals" or {"followers_for_days": N}',
    )


class Story(BaseModel):
    id: str
    media: MediaOut | None
    audience: Audience
    created_at: str
    expires_at: str
    seen: bool = Field(description="Whether you have seen it (your own stories: false)")
    highlighted: bool = Field(description="Kept in one of its author's highlights")


class Ring(BaseModel):
    user: UserSummary
    seen: bool = Field(description="You have seen its newest story you may see")
    cursor: str = Field(description="Pass as `after` for the rings after this one")
    stories: list[Story] = Field(description="Oldest first")


class Viewer(UserSummary):
    seen_at: str


class NewHighlight(StrictBody):
    title: Annotated[str, Field(min_length=1, max_length=story_service.TITLE_MAX)]
    story_ids: Annotated[list[str], Field(min_length=1, max_length=story_service.HIGHLIGHT_MAX)]


class Highlight(BaseModel):
    id: str
    title: str
    created_at: str
    stories: list[Story] = Field(description="In the order the author chose")


def story_view(settings: Settings, row: dict[str, Any]) -> Story:
    """A story row as a client sees it. A story no highlight keeps has its media URLs signed to
    expire with it, so none outlives the story at the edge."""
    until = None if row["highlighted"] else clock.real_epoch(settings, row["expires_epoch"])
    media = row["media"][0] if row["media"] else None
    return Story(
        id=row["id"],
        media=media_view(settings, media, until=until) if media else None,
        audience=audience_of(row),
        created_at=row["created_at"],
        expires_at=row["expires_at"],
        seen=row["seen"],
        highlighted=row["highlighted"],
    )


async def _view_one(backends: Backend, viewer_id: str, author_id: str, story_id: str) -> Story:
    now = clock.now(backends.settings)
    rows = await stories.user_stories(backends.graph, viewer_id, author_id, now, PER_RING)
    for row in rows:
        if row["id"] == story_id:
            return story_view(backends.settings, row)
    raise NotFound(f"no story {story_id!r}")


@router.post("/stories", status_code=status.HTTP_201_CREATED, response_model=Story)
async def create_story(body: NewStory, viewer: WriteStatuses, backends: Backend) -> Story:
    """Post a story: one of your pictures or videos (`POST /media`), up for 24 hours, for an
    audience."""
    audience, audience_days = audience_parts(body.audience)
    story_id = await story_service.create_story(
        backends, viewer.id, media_id=body.media_id, audience=audience, audience_days=audience_days
    )
    return await _view_one(backends, viewer.id, viewer.id, story_id)


@router.delete("/stories/{story_id}", status_code=status.HTTP_204_NO_CONTENT, responses=FORBIDDEN)
async def delete_story(story_id: str, viewer: WriteStatuses, backends: Backend) -> Response:
    await story_service.delete_story(backends, viewer.id, story_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/stories", response_model=list[Ring])
async def tray(
    request: Request,
    response: Response,
    viewer: ReadStatuses,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=TRAY_MAX, description="Rings per page")] = TRAY_DEFAULT,
    after: Annotated[str | None, Query(description="The `cursor` of the last ring seen")] = None,
) -> list[Ring]:
    """The story tray: one ring per account you follow with live stories you may see, rings with
    unseen stories first, then the accounts whose posts you like and comment on most; each
    ring's stories oldest first. `Link: rel="next"` when more rings follow."""
    settings = backends.settings
    rows = await stories.tray(
        backends.graph,
        viewer.id,
        clock.now(settings),
        after=after or "",
        limit=limit + 1,
        per_ring=PER_RING,
    )
    rings = [
        Ring(
            user=summary(settings, row["user"]),
            seen=row["seen"],
            cursor=row["cursor"],
            stories=[story_view(settings, s) for s in row["stories"]],
        )
        for row in rows[:limit]
    ]
    if len(rows) > limit:
        next_url = request.url.include_query_params(after=rings[-1].cursor, limit=limit)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return rings


async def _content_owner(backends: Backend, viewer_id: str, username: str) -> str:
    found = await users.access(backends.graph, viewer_id, username.lower())
    if found is None or not found.content_visible:
        raise NotFound(f"no user {username!r}")
    return found.user_id


@router.get("/users/{username}/stories", response_model=list[Story], tags=["users"])
async def user_stories(username: str, viewer: ReadStatuses, backends: Backend) -> list[Story]:
    """An account's live stories that you may see, oldest first."""
    user_id = await _content_owner(backends, viewer.id, username)
    now = clock.now(backends.settings)
    rows = await stories.user_stories(backends.graph, viewer.id, user_id, now, PER_RING)
    return [story_view(backends.settings, row) for row in rows]


@router.post("/stories/{story_id}/seen", status_code=status.HTTP_204_NO_CONTENT)
async def mark_seen(story_id: str, viewer: WriteStatuses, backends: Backend) -> Response:
    """Mark a story seen (idempotent): it shows in its author's viewers list. A write (it
    records the viewer), so an app needs `write:statuses`."""
    await story_service.mark_seen(backends, viewer.id, story_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/stories/{story_id}/viewers", response_model=list[Viewer])
async def story_viewers(
    story_id: str, viewer: ReadAccounts, backends: Backend, page: Pagination
) -> list[Viewer]:
    """Who saw your live story, newest view first (404 to anyone but its author)."""
    now = clock.now(backends.settings)
    found = await stories.access(backends.graph, viewer.id, story_id, now)
    if found is None or not found.own or not found.live:
        raise NotFound(f"no story {story_id!r}")
    rows = await stories.viewers(backends.graph, viewer.id, story_id, now, page.params())
    return [
        Viewer(**summary(backends.settings, row).model_dump(), seen_at=row["seen_at"])
        for row in page.items(rows, key="cursor")
    ]


@router.post("/highlights", status_code=status.HTTP_201_CREATED, response_model=Highlight)
async def create_highlight(
    body: NewHighlight, viewer: WriteStatuses, backends: Backend
) -> Highlight:
    """Keep some of your stories on your profile past their 24 hours, under a title."""
    highlight_id = await story_service.create_highlight(
        backends, viewer.id, title=body.title, story_ids=body.story_ids
    )
    rows = await stories.highlights(
        backends.graph, viewer.id, viewer.id, older_than=highlight_id + "~", limit=1
    )
    if not rows or rows[0]["id"] != highlight_id:
        raise NotFound(f"no highlight {highlight_id!r}")  # deleted meanwhile
    return _highlight(backends.settings, rows[0])


class MoreStories(StrictBody):
    story_ids: Annotated[list[str], Field(min_length=1, max_length=story_service.HIGHLIGHT_MAX)]


@router.post("/highlights/{highlight_id}/stories", response_model=Highlight)
async def add_to_highlight(
    highlight_id: str, body: MoreStories, viewer: WriteStatuses, backends: Backend
) -> Highlight:
    """Add some of your stories to the end of one of your highlights; answers the highlight."""
    await story_service.add_to_highlight(
        backends, viewer.id, highlight_id, story_ids=body.story_ids
    )
    rows = await stories.highlights(
        backends.graph, viewer.id, viewer.id, older_than=highlight_id + "~", limit=1
    )
    if not rows or rows[0]["id"] != highlight_id:
        raise NotFound(f"no highlight {highlight_id!r}")  # deleted meanwhile
    return _highlight(backends.settings, rows[0])


@router.delete("/highlights/{highlight_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_highlight(highlight_id: str, viewer: WriteStatuses, backends: Backend) -> Response:
    await story_service.delete_highlight(backends, viewer.id, highlight_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _highlight(settings: Settings, row: dict[str, Any]) -> Highlight:
    return Highlight(
        id=row["id"],
        title=row["title"],
        created_at=row["created_at"],
        stories=[story_view(settings, s) for s in row["stories"]],
    )


@router.get("/users/{username}/highlights", response_model=list[Highlight], tags=["users"])
async def user_highlights(
    username: str,
    request: Request,
    response: Response,
    viewer: ReadStatuses,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    max_id: Annotated[str | None, Query(description="Only highlights older than this id")] = None,
) -> list[Highlight]:
    """An account's highlights you may see, newest first, each with the stories in it you may
    see."""
    user_id = await _content_owner(backends, viewer.id, username)
    rows = await stories.highlights(
        backends.graph, viewer.id, user_id, older_than=max_id or "~", limit=limit + 1
    )
    out = [_highlight(backends.settings, row) for row in rows[:limit]]
    if len(rows) > limit:
        next_url = request.url.include_query_params(max_id=out[-1].id, limit=limit)
        response.headers["Link"] = f'<{next_url}>; rel="next"'
    return out
