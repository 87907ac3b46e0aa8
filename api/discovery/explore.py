"""Explore: posts from public accounts the viewer does not follow, each with the reason it is
shown ("liked by ada and 3 others you follow"), served from a list computed off the request path.

- **Each viewer's list** (the posts the viewer's 50 newest followees liked most recently, 20
  likes each, ranked by how many of them liked a post, then newest first) is computed by a
  background task in the API process, as the who-to-follow list is (`suggestions.py`), and kept
  in Redis for five minutes: a page is at most that old. A request re-checks only a window of
  the list (follows, privacy, blocks and mutes change at any moment).
- **No list yet**: the request samples with small bounds (10 followees × 10 likes) and starts
  the background computation.
- **Trending hashtags** in the viewer's network: the tags on the posts of the last day by the
  viewer and their 200 newest followees (50 posts each), counted by posts and accounts; kept
  five minutes like the list (small bounds, 20 × 20, when missing). Only posts the viewer may
  see count, so a private account's tag counts only for its followers.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from api.discovery.suggestions import _once, _spawn
from backends import Backends
from graph import explore
from graph.driver import Row
from graphgram import redis_keys
from graphgram.ids import new_id

LIST_TTL_S = 300
SAMPLE_FOLLOWEES, SAMPLE_PER_FOLLOWEE = 10, 10
LIST_FOLLOWEES, LIST_PER_FOLLOWEE = 50, 20
LIST_SIZE = 200
TAGS_FOLLOWEES, TAGS_PER_AUTHOR = 200, 50
TAGS_SAMPLE_FOLLOWEES, TAGS_SAMPLE_PER_AUTHOR = 20, 20
TAGS_SIZE = 20
TREND_WINDOW = timedelta(days=1)


def reason(names: list[str], liked_by: int) -> str:
    """`liked by ada`, `liked by ada and bob`, or `liked by ada and N others you follow`."""
    if liked_by <= 1:
        return f"liked by {names[0]}, whom you follow"
    if liked_by == 2:
        return f"liked by {names[0]} and {names[1]}, whom you follow"
    return f"liked by {names[0]} and {liked_by - 1} others you follow"


async def refresh(backends: Backends, viewer_id: str) -> None:
    """Compute the viewer's Explore list and keep it in Redis."""
    key = redis_keys.explore(viewer_id)

    async def work() -> None:
        rows = await explore.candidates(
            backends.graph,
            viewer_id,
            followees=LIST_FOLLOWEES,
            per_followee=LIST_PER_FOLLOWEE,
            limit=LIST_SIZE,
        )
        await backends.redis.set(key, json.dumps(rows), ex=LIST_TTL_S)

    await _once(backends, key, work)


async def page(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """Up to `limit` {id, liked_by, names} the viewer may be shown, best first."""
    cached = await backends.redis.get(redis_keys.explore(viewer_id))
    if cached is None:
        rows: list[Row] = await explore.candidates(
            backends.graph,
            viewer_id,
            followees=SAMPLE_FOLLOWEES,
            per_followee=SAMPLE_PER_FOLLOWEE,
            limit=2 * limit,
        )
        _spawn(refresh(backends, viewer_id))
    else:
        rows = json.loads(cached)
    by_id = {row["id"]: row for row in rows}
    ids = list(by_id)
    window = max(2 * limit, 20)
    kept: list[str] = []
    start = 0
    while len(kept) < limit and start < len(ids):
        kept += await explore.still_shown(backends.graph, viewer_id, ids[start : start + window])
        start += window
    return [by_id[i] for i in kept[:limit]]


async def _tags(backends: Backends, viewer_id: str, followees: int, per_author: int) -> list[Row]:
    since = new_id(datetime.now(UTC) - TREND_WINDOW)
    return await explore.trending_tags(
        backends.graph,
        viewer_id,
        since=since,
        followees=followees,
        per_author=per_author,
        limit=TAGS_SIZE,
    )


async def refresh_tags(backends: Backends, viewer_id: str) -> None:
    key = redis_keys.explore_tags(viewer_id)

    async def work() -> None:
        rows = await _tags(backends, viewer_id, TAGS_FOLLOWEES, TAGS_PER_AUTHOR)
        await backends.redis.set(key, json.dumps(rows), ex=LIST_TTL_S)

    await _once(backends, key, work)


async def trending_tags(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """Up to `limit` {name, uses, accounts}: the last day's hashtags in the viewer's network."""
    cached = await backends.redis.get(redis_keys.explore_tags(viewer_id))
    if cached is None:
        rows: list[Row] = await _tags(
            backends, viewer_id, TAGS_SAMPLE_FOLLOWEES, TAGS_SAMPLE_PER_AUTHOR
        )
        _spawn(refresh_tags(backends, viewer_id))
    else:
        rows = json.loads(cached)
    return rows[:limit]
