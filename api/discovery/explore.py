"""Explore: posts from public accounts the viewer does not follow, each with the reason it is
shown ("liked by ada and 3 others you follow", "commented on by bob, whom you follow", "in
#sunset, a hashtag you use"), served from a list computed off the request path.

- **Each viewer's list** (`explore/candidates`: what the viewer's 50 newest followees liked and
  commented on, the newest posts of the 5 hashtags the viewer engages with, ranked by those
  signals halved every three days of a post's age) is computed by a background task in the API
  process, as the who-to-follow list is (`suggestions.py`), and kept in Redis for an hour with
  the time it was computed. A read of a list older than five minutes serves it and computes a
  new one, so a viewer who keeps reading sees a list at most five minutes older than the graph.
  A request re-checks only a window of the list (follows, privacy, blocks, mutes, suspensions
  and limits change at any moment).
- **No list yet** (a new viewer, one away for an hour): the request samples with small bounds
  (`SAMPLE`: 10 followees × 10 likes and 10 comments among the first 20 of each, 3 hashtags × 10
  posts, each read stopping at its bound, so the page costs the same whatever the degrees) and
  starts the computation. The sample is kept as the viewer's list until the computed one
  replaces it, so the reads in between are served from it (re-checked) rather than each sampling
  again while the computation runs beside them.
- **Trending hashtags** in the viewer's network: the tags on the posts of the last day by the
  viewer and their 200 newest followees (50 posts each), counted by posts and accounts; kept
  and refreshed like the list (small bounds, 20 × 20, when missing). Only posts the viewer may
  see count, so a private account's tag counts only for its followers.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Coroutine
from datetime import UTC, datetime, timedelta
from typing import Any

from api.discovery.suggestions import _once, _spawn
from backends import Backends
from graph import explore
from graph.driver import Row
from graph.explore import Bounds
from graphgram import redis_keys
from graphgram.ids import new_id

# A list is kept this long, and computed again when a read finds it older than REFRESH_S.
LIST_TTL_S = 3600
REFRESH_S = 300
SAMPLE = Bounds(followees=10, scan=20, per_followee=10, tags=3, per_tag=10)
LIST = Bounds(followees=50, scan=200, per_followee=20, tags=5, per_tag=20)
HALF_LIFE_H = 72.0
LIST_SIZE = 200
TAGS_FOLLOWEES, TAGS_PER_AUTHOR = 200, 50
TAGS_SAMPLE_FOLLOWEES, TAGS_SAMPLE_PER_AUTHOR = 20, 20
TAGS_SIZE = 20
TREND_WINDOW = timedelta(days=1)


def _people(names: list[str], count: int) -> str:
    if count <= 1:
        return f"{names[0]}, whom you follow"
    if count == 2:
        return f"{names[0]} and {names[1]}, whom you follow"
    return f"{names[0]} and {count - 1} others you follow"


def reason(row: Row) -> str:
    """Why a post is in the viewer's Explore, in words the viewer can check: who among the people
    they follow liked it (`liked by ada`, `... ada and bob`, `... ada and N others you follow`),
    who commented on it (the same, `commented on by ...`), and the hashtag they use it is in."""
    parts: list[str] = []
    liked_by, names = int(row.get("liked_by") or 0), list(row.get("names") or [])
    if liked_by and names:
        parts.append("liked by " + _people(names, liked_by))
    commented_by = int(row.get("commented_by") or 0)
    commenters = list(row.get("commenter_names") or [])
    if commented_by and commenters:
        parts.append("commented on by " + _people(commenters, commented_by))
    if row.get("tag"):
        parts.append(f"in #{row['tag']}, a hashtag you use")
    return "; ".join(parts) or "recent on Graphgram"


async def _candidates(backends: Backends, viewer_id: str, bounds: Bounds, limit: int) -> list[Row]:
    return await explore.candidates(
        backends.graph, viewer_id, bounds, half_life_h=HALF_LIFE_H, limit=limit
    )


def _store(rows: list[Row]) -> str:
    return json.dumps({"at": time.time(), "items": rows})


async def _keep_sample(backends: Backends, key: str, rows: list[Row]) -> None:
    """Keep a sample at `key` until the computed list replaces it: only where there is no list (a
    computed one that landed first stays), and as computed at time 0, so each read of it starts
    the computation again should the running one fail."""
    await backends.redis.set(key, json.dumps({"at": 0, "items": rows}), ex=LIST_TTL_S, nx=True)


async def _kept(
    backends: Backends, key: str, refresh: Callable[[], Coroutine[Any, Any, None]]
) -> list[Row] | None:
    """The kept list at `key`, computing a new one in the background when it is older than
    REFRESH_S (None: no list, or one in an older format)."""
    cached = await backends.redis.get(key)
    if cached is None:
        return None
    stored: Any = json.loads(cached)
    if not isinstance(stored, dict) or not isinstance(stored.get("items"), list):
        return None
    if time.time() - float(stored.get("at") or 0) > REFRESH_S:
        _spawn(refresh())
    items: list[Row] = stored["items"]
    return items


async def refresh(backends: Backends, viewer_id: str) -> None:
    """Compute the viewer's Explore list and keep it in Redis."""
    key = redis_keys.explore(viewer_id)

    async def work() -> None:
        rows = await _candidates(backends, viewer_id, LIST, LIST_SIZE)
        await backends.redis.set(key, _store(rows), ex=LIST_TTL_S)

    await _once(backends, key, work)


async def page(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """Up to `limit` rows of `explore/candidates` the viewer may be shown, best first."""
    rows = await _kept(
        backends, redis_keys.explore(viewer_id), lambda: refresh(backends, viewer_id)
    )
    if rows is None:
        rows = await _candidates(backends, viewer_id, SAMPLE, 2 * limit)
        await _keep_sample(backends, redis_keys.explore(viewer_id), rows)
        _spawn(refresh(backends, viewer_id))
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
        await backends.redis.set(key, _store(rows), ex=LIST_TTL_S)

    await _once(backends, key, work)


async def trending_tags(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """Up to `limit` {name, uses, accounts}: the last day's hashtags in the viewer's network."""
    rows = await _kept(
        backends, redis_keys.explore_tags(viewer_id), lambda: refresh_tags(backends, viewer_id)
    )
    if rows is None:
        rows = await _tags(backends, viewer_id, TAGS_SAMPLE_FOLLOWEES, TAGS_SAMPLE_PER_AUTHOR)
        await _keep_sample(backends, redis_keys.explore_tags(viewer_id), rows)
        _spawn(refresh_tags(backends, viewer_id))
    return rows[:limit]
