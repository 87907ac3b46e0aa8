"""Who to follow, served from lists computed off the request path.

- **Each viewer's list** (friends of friends ranked by mutual connections, with up to 3 of them by
  name) is computed by a background task in the API process, from a sample with generous but
  fixed bounds (the viewer's 200 newest followees × their 50 newest follows), and kept in Redis
  for an hour with the viewer's following count at that time. A request re-checks only a window
  of the list (follows, requests and blocks change at any moment) and, when the count has moved
  (a follow or unfollow since), asks for a fresh list in the background.
- **No list yet** (a new viewer, an expired list): the request samples with small bounds (20 × 20
  ordered seeks: bounded whatever the degrees) and starts the background computation.
- **Nothing to suggest**: popular accounts, from a Redis list of the most-followed public accounts
  refreshed off the request path from the degree store, topped up from a bounded sample (the
  accounts followed most recently) when that list is missing or runs short for this viewer.

Like Mastodon's follow recommendations, a list can lag the graph by up to its lifetime; what
the viewer may not be shown never lags, since every request re-checks the rows it returns.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from backends import Backends
from graph import discovery
from graph.driver import Row
from graphgram import redis_keys

log = logging.getLogger("graphgram.suggestions")

VIEWER_TTL_S = 3600
POPULAR_TTL_S = 600
# A refresh in flight holds a lock this long at most, so a crashed one is retried soon.
LOCK_S = 60
SAMPLE_FOLLOWEES, SAMPLE_PER_FOLLOWEE = 20, 20
LIST_FOLLOWEES, LIST_PER_FOLLOWEE = 200, 50
LIST_SIZE = 200
POPULAR_SAMPLE = 1000
POPULAR_KEY = redis_keys.POPULAR_SUGGESTIONS

_tasks: set[asyncio.Task[None]] = set()


def viewer_key(viewer_id: str) -> str:
    return redis_keys.suggestions(viewer_id)


def _spawn(work: Coroutine[Any, Any, None]) -> None:
    task = asyncio.create_task(work)
    _tasks.add(task)  # the loop keeps only weak references to tasks
    task.add_done_callback(_tasks.discard)


async def drain() -> None:
    """Wait for the background computations started so far (tests, shutdown)."""
    while _tasks:
        await asyncio.gather(*list(_tasks), return_exceptions=True)


async def _once(backends: Backends, key: str, work: Callable[[], Awaitable[None]]) -> None:
    """Run `work` unless another task or API process is already computing `key`."""
    lock = f"{key}:lock"
    if not await backends.redis.set(lock, "1", nx=True, ex=LOCK_S):
        return
    try:
        await work()
    except Exception:
        log.exception("computing %s failed", key)
    finally:
        await backends.redis.delete(lock)


async def refresh_viewer(backends: Backends, viewer_id: str) -> None:
    """Compute the viewer's list and keep it in Redis."""

    async def work() -> None:
        following, rows = await discovery.suggestions(
            backends.graph,
            viewer_id,
            followees=LIST_FOLLOWEES,
            per_followee=LIST_PER_FOLLOWEE,
            limit=LIST_SIZE,
        )
        items = [{"id": r["id"], "mutuals": r["mutuals"], "names": r["names"]} for r in rows]
        await backends.redis.set(
            viewer_key(viewer_id),
            json.dumps({"following": following, "items": items}),
            ex=VIEWER_TTL_S,
        )

    await _once(backends, viewer_key(viewer_id), work)


async def refresh_popular(backends: Backends) -> None:
    """Rank every public account by followers (degree store) and keep the top in Redis."""

    async def work() -> None:
        rows = await discovery.most_followed(backends.graph, LIST_SIZE)
        ids = [row["id"] for row in rows]
        await backends.redis.set(POPULAR_KEY, json.dumps(ids), ex=POPULAR_TTL_S)

    await _once(backends, POPULAR_KEY, work)


async def _still_suggestible(
    backends: Backends, viewer_id: str, ids: list[str], limit: int, *, public_only: bool
) -> tuple[int, list[Row]]:
    """The viewer's following count, and the first `limit` of `ids` that pass the read-time
    checks, asked for a window at a time: the work is the page plus what it skips."""
    window = max(2 * limit, 20)
    following, kept = await discovery.still_suggestible(
        backends.graph, viewer_id, ids[:window], public_only=public_only
    )
    start = window
    while len(kept) < limit and start < len(ids):
        _, more = await discovery.still_suggestible(
            backends.graph, viewer_id, ids[start : start + window], public_only=public_only
        )
        kept += more
        start += window
    return following, kept[:limit]


async def popular(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """The most-followed public accounts the viewer does not follow yet, most-followed first."""
    cached = await backends.redis.get(POPULAR_KEY)
    rows: list[Row] = []
    if cached is None:
        _spawn(refresh_popular(backends))
    else:
        _, rows = await _still_suggestible(
            backends, viewer_id, json.loads(cached), limit, public_only=True
        )
        rows.sort(key=lambda r: (-r["followers"], r["username"]))
    if len(rows) < limit:
        seen = {row["id"] for row in rows}
        sampled = await discovery.popular(
            backends.graph, viewer_id, sample=POPULAR_SAMPLE, limit=limit + len(seen)
        )
        rows += [row for row in sampled if row["id"] not in seen][: limit - len(rows)]
    return rows


async def suggest(backends: Backends, viewer_id: str, limit: int) -> list[Row]:
    """Up to `limit` accounts to follow: {id, username, display_name, private, mutuals, names}
    (`names`: up to 3 followees who follow the account; `mutuals` 0 for a popular account)."""
    cached = await backends.redis.get(viewer_key(viewer_id))
    if cached is None:
        _, rows = await discovery.suggestions(
            backends.graph,
            viewer_id,
            followees=SAMPLE_FOLLOWEES,
            per_followee=SAMPLE_PER_FOLLOWEE,
            limit=limit,
        )
        _spawn(refresh_viewer(backends, viewer_id))
    else:
        stored = json.loads(cached)
        by_id = {item["id"]: item for item in stored["items"]}
        following, accounts = await _still_suggestible(
            backends, viewer_id, list(by_id), limit, public_only=False
        )
        if following != stored["following"]:  # followed or unfollowed someone since
            _spawn(refresh_viewer(backends, viewer_id))
        rows = [
            account
            | {"mutuals": by_id[account["id"]]["mutuals"], "names": by_id[account["id"]]["names"]}
            for account in accounts
        ]
    if rows:
        return rows
    return [row | {"mutuals": 0, "names": []} for row in await popular(backends, viewer_id, limit)]
