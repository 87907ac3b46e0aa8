"""Stories: post one (a picture or short video, up for `story_ttl_s`, for an audience), delete
it, mark it seen, keep some in highlights (docs/stories.md).

The clock is `graphgram.clock`: every decision about whether a story is live uses it, so a test
moves time by settings instead of sleeping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from backends import Backends
from graph import stories
from graphgram import clock
from graphgram.errors import FieldError, Forbidden, NotFound, Unprocessable
from graphgram.ids import new_id
from media.lifecycle import release_media

AUDIENCES = ("everyone", "close_friends", "mutuals", "followers_for_days")
MAX_AUDIENCE_DAYS = 3650
TITLE_MAX = 50
HIGHLIGHT_MAX = 100


@dataclass(frozen=True)
class Audience:
    """Who a story is for (docs/stories.md): `kind` one of AUDIENCES; `days` only for
    `followers_for_days`."""

    kind: str = "everyone"
    days: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in AUDIENCES:
            raise Unprocessable(
                f"unknown audience {self.kind!r}",
                fields=[FieldError(field="audience", message=f"one of {', '.join(AUDIENCES)}")],
            )
        needs_days = self.kind == "followers_for_days"
        if needs_days != (self.days is not None) or (
            self.days is not None and not 1 <= self.days <= MAX_AUDIENCE_DAYS
        ):
            raise Unprocessable(
                "audience: followers_for_days takes a number of days from 1 to 3650",
                fields=[FieldError(field="audience", message="days from 1 to 3650")],
            )


def _no_story(story_id: str) -> NotFound:
    return NotFound(f"no story {story_id!r}")


async def create_story(
    backends: Backends, viewer_id: str, *, media_id: str, audience: Audience
) -> str:
    """Post a story of one of the viewer's pictures or videos (not failed); its id. It is live
    for `story_ttl_s` from now on the service's clock."""
    settings = backends.settings
    now = clock.now(settings)
    try:
        return await stories.create(
            backends.graph,
            viewer_id=viewer_id,
            story_id=new_id(),
            media_id=media_id,
            now=now,
            expires_at=now + timedelta(seconds=settings.story_ttl_s),
            audience=audience.kind,
            audience_days=audience.days,
            live_max=settings.story_live_max,
        )
    except stories.MediaNotStoryable:
        raise Unprocessable(
            "media_id: not yours, unknown, failed, or not a picture or video",
            fields=[FieldError(field="media_id", message="unknown, not yours, or failed")],
        ) from None
    except stories.TooManyStories:
        raise Unprocessable(
            f"you have {settings.story_live_max} live stories, the most one account keeps"
        ) from None


async def delete_story(backends: Backends, viewer_id: str, story_id: str) -> None:
    """Delete the viewer's own story (live, or kept in a highlight); media nothing else uses is
    deleted and purged from the edge."""
    now = clock.now(backends.settings)
    found = await stories.access(backends.graph, viewer_id, story_id, now)
    if found is None or not (found.own or found.visible):
        raise _no_story(story_id)
    if not found.own:
        raise Forbidden("only the author can delete a story")
    released = await stories.delete(backends.graph, viewer_id, story_id, now)
    if released is None:
        raise _no_story(story_id)
    if released:
        await release_media(backends, released)


async def mark_seen(backends: Backends, viewer_id: str, story_id: str) -> None:
    """Record that the viewer saw a live story they may see; idempotent. One's own story is not
    recorded (its viewers list is of other people)."""
    now = clock.now(backends.settings)
    found = await stories.access(backends.graph, viewer_id, story_id, now)
    if found is None or not found.visible:
        raise _no_story(story_id)
    if found.own:
        return
    if not await stories.mark_seen(backends.graph, viewer_id, story_id, new_id(), now):
        raise _no_story(story_id)  # expired, deleted or hidden meanwhile


async def create_highlight(
    backends: Backends, viewer_id: str, *, title: str, story_ids: list[str]
) -> str:
    """Keep some of the viewer's stories on their profile past their 24 hours; the highlight's
    id. Every story must be the viewer's, or nothing is written."""
    title = title.strip()
    if not title or len(title) > TITLE_MAX:
        raise Unprocessable(
            f"title: 1 to {TITLE_MAX} characters",
            fields=[FieldError(field="title", message=f"1 to {TITLE_MAX} characters")],
        )
    if not story_ids or len(story_ids) > HIGHLIGHT_MAX or len(set(story_ids)) != len(story_ids):
        raise Unprocessable(
            f"story_ids: 1 to {HIGHLIGHT_MAX} different stories",
            fields=[FieldError(field="story_ids", message="1 to 100 different stories")],
        )
    try:
        return await stories.create_highlight(
            backends.graph,
            viewer_id=viewer_id,
            highlight_id=new_id(),
            title=title,
            story_ids=story_ids,
            now=clock.now(backends.settings),
        )
    except stories.NotOwnStories:
        raise Unprocessable(
            "story_ids: a highlight keeps only your own stories",
            fields=[FieldError(field="story_ids", message="not your story, or gone")],
        ) from None


async def delete_highlight(backends: Backends, viewer_id: str, highlight_id: str) -> None:
    """Delete one of the viewer's highlights; its stories past their 24 hours that no other
    highlight keeps go with the next sweep."""
    if not await stories.delete_highlight(backends.graph, viewer_id, highlight_id):
        raise NotFound(f"no highlight {highlight_id!r}")
