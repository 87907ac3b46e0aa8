"""Stories: post one (a picture or short video, up for `story_ttl_s`, for an audience), delete
it, mark it seen, keep some in highlights (docs/stories.md).

The clock is `graphgram.clock`: every decision about whether a story is live uses it, so a test
moves time by settings instead of sleeping."""

from __future__ import annotations

from datetime import timedelta

from backends import Backends
from graph import stories
from graphgram import clock
from graphgram.errors import FieldError, Forbidden, NotFound, Unprocessable
from graphgram.ids import new_id
from media.lifecycle import release_media
from wire.posts import check_audience

TITLE_MAX = 50
HIGHLIGHT_MAX = 100


def _no_story(story_id: str) -> NotFound:
    return NotFound(f"no story {story_id!r}")


async def create_story(
    backends: Backends,
    viewer_id: str,
    *,
    media_id: str,
    audience: str = "everyone",
    audience_days: int | None = None,
) -> str:
    """Post a story of one of the viewer's pictures or videos (not failed); its id. It is live
    for `story_ttl_s` from now on the service's clock. The audience is a post's
    (`wire.posts.check_audience`): `audience_days` goes with `followers_for_days` only."""
    check_audience(audience, audience_days)
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
            audience=audience,
            audience_days=audience_days,
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
    await after_delete(backends, released)


async def after_delete(backends: Backends, released: list[str]) -> None:
    """What follows a story's deletion from the graph, by its author or a moderator
    (services/moderation.py): the media nothing uses any more deleted and purged from the edge."""
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


async def add_to_highlight(
    backends: Backends, viewer_id: str, highlight_id: str, *, story_ids: list[str]
) -> None:
    """Add some of the viewer's stories to the end of one of their highlights, in the order
    given. Every story must be the viewer's and not in it yet, or nothing is written."""
    if not story_ids or len(story_ids) > HIGHLIGHT_MAX or len(set(story_ids)) != len(story_ids):
        raise Unprocessable(
            f"story_ids: 1 to {HIGHLIGHT_MAX} different stories",
            fields=[FieldError(field="story_ids", message="1 to 100 different stories")],
        )
    try:
        added = await stories.add_to_highlight(
            backends.graph,
            viewer_id=viewer_id,
            highlight_id=highlight_id,
            story_ids=story_ids,
            most=HIGHLIGHT_MAX,
        )
    except stories.NotOwnStories:
        raise Unprocessable(
            "story_ids: a highlight keeps only your own stories, each once",
            fields=[FieldError(field="story_ids", message="not your story, gone, or in it")],
        ) from None
    except stories.TooManyInHighlight:
        raise Unprocessable(
            f"story_ids: a highlight keeps at most {HIGHLIGHT_MAX} stories",
            fields=[FieldError(field="story_ids", message=f"at most {HIGHLIGHT_MAX} in all")],
        ) from None
    if not added:
        raise NotFound(f"no highlight {highlight_id!r}")


async def delete_highlight(backends: Backends, viewer_id: str, highlight_id: str) -> None:
    """Delete one of the viewer's highlights; its stories past their 24 hours that no other
    highlight keeps go with the next sweep."""
    if not await stories.delete_highlight(backends.graph, viewer_id, highlight_id):
        raise NotFound(f"no highlight {highlight_id!r}")
