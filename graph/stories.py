"""Stories, their views and highlights (docs/stories.md).

Every statement that decides whether a story is live takes `now` from the service's clock
(`graphgram.clock`), never Neo4j's own, so tests can move time instead of sleeping."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from neo4j import AsyncManagedTransaction

from graph.driver import Graph, Row, run


@dataclass(frozen=True)
class StoryAccess:
    own: bool
    live: bool
    visible: bool


class MediaNotStoryable(Exception):
    """The media item is not the author's, failed, or is not a picture or video."""


class TooManyStories(Exception):
    pass


class NotOwnStories(Exception):
    """A highlight named stories that are not the viewer's (or are gone)."""


async def create(
    graph: Graph,
    *,
    viewer_id: str,
    story_id: str,
    media_id: str,
    now: datetime,
    expires_at: datetime,
    audience: str,
    audience_days: int | None,
    live_max: int,
) -> str:
    """One transaction: lock the author, check the media and the live-story cap, write."""

    async def work(tx: AsyncManagedTransaction) -> str:
        rows = await run(
            tx, "stories/prepare_story", {"viewer_id": viewer_id, "media_id": media_id, "now": now}
        )
        # No row: the statement matched nothing for this media id (no such item of the viewer's).
        if not rows or not rows[0]["media_ok"]:
            raise MediaNotStoryable(media_id)
        check = rows[0]
        if check["live"] >= live_max:
            raise TooManyStories()
        await run(
            tx,
            "stories/create_story",
            {
                "viewer_id": viewer_id,
                "id": story_id,
                "media_id": media_id,
                "now": now,
                "expires_at": expires_at,
                "audience": audience,
                "audience_days": audience_days,
            },
        )
        await summarize_author(tx, viewer_id, now)
        return story_id

    return await graph.in_write("stories/create_story", work)


async def access(graph: Graph, viewer_id: str, story_id: str, now: datetime) -> StoryAccess | None:
    row = await graph.read_one(
        "stories/get_access", {"viewer_id": viewer_id, "story_id": story_id, "now": now}
    )
    if row is None:
        return None
    return StoryAccess(own=row["own"], live=row["live"], visible=row["visible"])


async def summarize_author(tx: AsyncManagedTransaction, author_id: str, now: datetime) -> None:
    """Store on the author what the tray orders by (their newest live story per audience class);
    run in the transaction that posts or deletes one of their stories."""
    await run(tx, "stories/summarize_author", {"author_id": author_id, "now": now})


async def delete_in(
    tx: AsyncManagedTransaction, author_id: str, story_id: str, now: datetime
) -> list[str] | None:
    """Delete a story and update its author's stored tray values, in the caller's transaction;
    the media ids no post or story uses any more, or None when it is gone."""
    rows = await run(tx, "stories/delete_story", {"author_id": author_id, "story_id": story_id})
    if not rows:
        return None
    await summarize_author(tx, author_id, now)
    return list(rows[0]["released_media"])


async def delete(graph: Graph, author_id: str, story_id: str, now: datetime) -> list[str] | None:
    """Delete a story; the media ids no post or story uses any more, or None when it is gone."""

    async def work(tx: AsyncManagedTransaction) -> list[str] | None:
        return await delete_in(tx, author_id, story_id, now)

    return await graph.in_write("stories/delete_story", work)


async def mark_seen(
    graph: Graph, viewer_id: str, story_id: str, rel_id: str, now: datetime
) -> bool:
    row = await graph.write_one(
        "stories/mark_seen",
        {"viewer_id": viewer_id, "story_id": story_id, "rel_id": rel_id, "now": now},
    )
    return row is not None


async def viewers(
    graph: Graph, author_id: str, story_id: str, now: datetime, page: dict[str, Any]
) -> list[Row]:
    return await graph.read(
        "stories/list_viewers",
        {"viewer_id": author_id, "story_id": story_id, "now": now, **page},
    )


async def tray(
    graph: Graph, viewer_id: str, now: datetime, *, after: str, limit: int, per_ring: int
) -> list[Row]:
    return await graph.read(
        "stories/tray",
        {"viewer_id": viewer_id, "now": now, "after": after, "limit": limit, "per_ring": per_ring},
    )


async def user_stories(
    graph: Graph, viewer_id: str, user_id: str, now: datetime, limit: int
) -> list[Row]:
    rows = await graph.read(
        "stories/list_user_stories",
        {"viewer_id": viewer_id, "user_id": user_id, "now": now, "limit": limit},
    )
    return [row["story"] for row in rows]


async def create_highlight(
    graph: Graph,
    *,
    viewer_id: str,
    highlight_id: str,
    title: str,
    story_ids: list[str],
    now: datetime,
) -> str:
    """One transaction; every story must be the viewer's, or nothing is written."""

    async def work(tx: AsyncManagedTransaction) -> str:
        rows = await run(
            tx,
            "stories/create_highlight",
            {
                "viewer_id": viewer_id,
                "id": highlight_id,
                "title": title,
                "story_ids": story_ids,
                "now": now,
            },
        )
        # No row: no story of the viewer's among the ids (the statement matched nothing).
        if not rows or rows[0]["included"] != len(story_ids):
            raise NotOwnStories()
        return highlight_id

    return await graph.in_write("stories/create_highlight", work)


class TooManyInHighlight(Exception):
    pass


async def add_to_highlight(
    graph: Graph, *, viewer_id: str, highlight_id: str, story_ids: list[str], most: int
) -> bool:
    """One transaction: append the stories to the viewer's highlight; False when there is no such
    highlight of theirs. Every story must be the viewer's and not in it yet, and the highlight
    hold at most `most`, or nothing is written."""

    async def work(tx: AsyncManagedTransaction) -> bool:
        rows = await run(
            tx,
            "stories/add_to_highlight",
            {"viewer_id": viewer_id, "highlight_id": highlight_id, "story_ids": story_ids},
        )
        if not rows:
            return False
        if rows[0]["included"] != len(story_ids):
            raise NotOwnStories()
        if rows[0]["size"] > most:
            raise TooManyInHighlight()
        return True

    return await graph.in_write("stories/add_to_highlight", work)


async def delete_highlight(graph: Graph, viewer_id: str, highlight_id: str) -> bool:
    row = await graph.write_one(
        "stories/delete_highlight", {"viewer_id": viewer_id, "highlight_id": highlight_id}
    )
    return row is not None


async def highlights(
    graph: Graph, viewer_id: str, user_id: str, *, older_than: str, limit: int
) -> list[Row]:
    return await graph.read(
        "stories/list_highlights",
        {"viewer_id": viewer_id, "user_id": user_id, "older_than": older_than, "limit": limit},
    )


async def expired(graph: Graph, now: datetime, batch: int) -> list[Row]:
    """Stories past their expiry that no highlight keeps."""
    return await graph.read("stories/expired", {"now": now, "batch": batch})


async def delete_expired(graph: Graph, story_ids: list[str], now: datetime) -> list[str]:
    """Delete those still expired and unkept; the media ids nothing uses any more."""
    row = await graph.write_one("stories/delete_expired", {"story_ids": story_ids, "now": now})
    return [] if row is None else list(row["released_media"])
