"""Post views on the hot path: the viewer-independent part cached in Redis, the per-viewer part
composed from small cached sets.

- `<ns>:pv:<post>`: author, caption, media, hashtags, mentions (with ids) and total like and
  comment counts (degree-store counts from `posts/views`), as JSON; `<ns>:pvby:<user>` lists the
  cached views that carry a user's name, for a profile change. Invalidation writes a short-lived
  tombstone stamped with Redis's clock instead of deleting, and a fill replaces it only when its
  graph read began after that stamp (`store.FILL_AFTER`): a fill that read the graph before a
  like cannot overwrite the invalidation that came after it, and a post liked every second (a
  celebrity's) is cached again by the next reader instead of staying uncached while liked. A
  post with media still processing is never cached.
- Per viewer: the block set (`<ns>:blocks:<user>`) drops blocked authors; when it is non-empty,
  `posts/viewer_state` takes blocked likers, commenters and mentions out (expanding from the
  block set). `liked` comes from the viewer's liked window (`<ns>:liked:<user>`) and `saved` from
  their saved window (`<ns>:saved:<user>`), each exact from its floor up; anything older asks
  the graph. Media URLs are signed here, never cached.
- Per viewer: the mute set (`<ns>:{u:<user>}:mutes`, scored by when each mute ends) drops muted
  authors from the home feed (`mute_set`).
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, cast

from backends import Backends
from graph import posts as posts_graph
from graph import timelines as tl_graph
from graph.driver import Row
from graphgram.settings import Settings
from media.signing import url_window_s
from media.views import media_view, picture_view
from timelines import store
from timelines.store import Keys
from wire.posts import Author, Post, audience_of, open_json

VIEW_TTL_S = 24 * 3600
TOMBSTONE = "-"  # the prefix of a tombstone (store.TOMBSTONE); cached JSON starts with "{"
TOMBSTONE_TTL_S = 5
LIKED_CAP = 5_000
SAVED_CAP = 5_000
# What media/views.py reads of a Media node (the rest, datetimes included, is not cached).
MEDIA_FIELDS = (
    "id", "kind", "status", "width", "height", "duration", "blurhash", "key", "thumb_key",
    "poster_key", "description",
)  # fmt: skip


def keys(backends: Backends) -> Keys:
    return Keys(backends.settings.timeline_namespace)


async def invalidate_posts(backends: Backends, post_ids: list[str] | set[str]) -> None:
    if not post_ids:
        return
    k = keys(backends)
    stale = [key for post_id in post_ids for key in (k.view(post_id), k.fragment(post_id))]
    await store.tombstone(backends.redis, stale, ttl_s=TOMBSTONE_TTL_S)


async def invalidate_user(backends: Backends, user_id: str) -> None:
    """A profile changed: drop the cached views that carry its name.

    `changed` is written first, so a fill that read the graph before this and writes after it
    sees the mark and drops what it wrote; a fill that wrote before is in the author's set."""
    k = keys(backends)
    redis = backends.redis
    await redis.set(k.user_changed(user_id), f"{time.time():.6f}", ex=VIEW_TTL_S)
    post_ids = [str(p) for p in await redis.smembers(k.user_views(user_id))]
    await invalidate_posts(backends, post_ids)
    await redis.delete(k.user_views(user_id))


async def cached_views(
    backends: Backends, ids: list[str], *, raw: list[Any] | None = None
) -> dict[str, Row]:
    """Viewer-independent views by id (author included), from Redis or the graph (and then
    cached); posts that no longer exist are absent. `raw`: the MGET of the view keys, when the
    caller pipelined it."""
    if not ids:
        return {}
    k = keys(backends)
    redis = backends.redis
    if raw is None:
        raw = await store.mget(redis, [k.view(i) for i in ids])
    found: dict[str, Row] = {}
    missing: list[str] = []
    for post_id, value in zip(ids, raw, strict=True):
        if value is None or value.startswith(TOMBSTONE):
            missing.append(post_id)
        else:
            found[post_id] = json.loads(value)
    if not missing:
        return found
    started = time.time()
    started_us = await store.now_us(redis)  # before the graph read (store.FILL_AFTER)
    fresh = await posts_graph.views(backends.graph, missing)
    filled: list[Row] = []
    for post_id, row in fresh.items():
        row["media"] = [{f: m.get(f) for f in MEDIA_FIELDS} for m in row["media"]]
        row["author_id"] = row["author"]["id"]
        found[post_id] = row
        if all(m.get("status") == "ready" for m in row["media"]):
            filled.append(row)  # media still processing: not cached
    await store.fill_after(
        redis,
        {k.view(row["id"]): json.dumps(row) for row in filled},
        started_us=started_us,
        ttl_s=VIEW_TTL_S,
    )
    async with redis.pipeline(transaction=False) as pipe:
        for row in filled:
            post_id = row["id"]
            pipe.sadd(k.user_views(row["author_id"]), post_id)
            pipe.expire(k.user_views(row["author_id"]), VIEW_TTL_S)
        for row in filled:
            pipe.get(k.user_changed(row["author_id"]))
        done = await pipe.execute()
    marks = done[len(done) - len(filled) :] if filled else []
    raced = [
        row["id"]
        for row, mark in zip(filled, marks, strict=True)
        if mark and float(mark) >= started
    ]
    if raced:  # a profile changed while this fill read the graph
        await redis.delete(*(k.view(post_id) for post_id in raced))
    return found


async def blocked_set(backends: Backends, viewer_id: str) -> set[str]:
    """Everyone in a block with the viewer (either direction), cached until a block changes."""
    key = keys(backends).blocks(viewer_id)
    members = await backends.redis.smembers(key)
    if members:
        return {str(m) for m in members if m != store.SENTINEL}
    ids = await tl_graph.blocked_ids(backends.graph, viewer_id)
    async with backends.redis.pipeline(transaction=False) as pipe:
        pipe.sadd(key, store.SENTINEL, *ids)
        pipe.expire(key, backends.settings.timeline_inactive_days * 86400)
        await pipe.execute()
    return set(ids)


@dataclass(frozen=True)
class Mutes:
    """The viewer's mutes as the feed sees them at `now_ms`."""

    active: set[str]  # authors whose posts stay out of the feed
    ended: list[str]  # mutes whose time is up, still in the set: their posts are to come back


MUTE_SENTINEL_SCORE = -1.0


async def mute_set(backends: Backends, viewer_id: str, now_ms: int) -> Mutes:
    """The viewer's mutes, from the set in Redis (loaded from the graph when missing; a mute or
    unmute drops it). A mute whose time is up is `ended` until `mute_ended` takes it out."""
    key = keys(backends).mutes(viewer_id)
    redis = backends.redis
    found = cast(list[tuple[Any, Any]], await redis.zrange(key, 0, -1, withscores=True))
    members = {str(m): float(s) for m, s in found}
    if store.SENTINEL not in members:
        loaded = await tl_graph.muted(backends.graph, viewer_id)
        members = {a: float("inf") if u is None else float(u) for a, u in loaded.items()}
        async with redis.pipeline(transaction=False) as pipe:
            pipe.zadd(key, {store.SENTINEL: MUTE_SENTINEL_SCORE, **members})
            pipe.expire(key, backends.settings.timeline_inactive_days * 86400)
            await pipe.execute()
    members.pop(store.SENTINEL, None)
    return Mutes(
        active={a for a, until in members.items() if until > now_ms},
        ended=sorted(a for a, until in members.items() if until <= now_ms),
    )


async def _among(
    backends: Backends,
    key: str,
    generation_key: str,
    load: Callable[[str], Awaitable[list[str]]],
    ids: list[str],
    prefetched: tuple[list[Any], list[Any]] | None,
    cap: int,
) -> set[str]:
    """Which of `ids` a viewer's window of post ids (liked, saved) holds: from the window, the
    graph (`load(since)`: the ids from `since` on) for anything older than its floor, or for
    all of them while the window is built.

    `prefetched`: the window's sentinel and the ZMSCORE of `ids`, when the caller pipelined them."""
    if not ids:
        return set()
    k = keys(backends)
    redis = backends.redis
    if prefetched is None:
        async with redis.pipeline(transaction=False) as pipe:
            pipe.zrange(key, 0, 0)
            pipe.zmscore(key, ids)
            sentinel, scores = await pipe.execute()
    else:
        sentinel, scores = prefetched
    coverage = store.Coverage.of(sentinel)
    if not coverage.usable:
        lowest = min(ids)
        generation = await store.start_build(redis, key, generation_key, epoch_key=k.epoch)
        found = await load(lowest)
        if generation is not None:
            await store.finish_build(
                redis,
                key,
                generation_key,
                generation,
                found,
                floor=lowest,
                cap=cap,
                ttl_s=backends.settings.timeline_inactive_days * 86400,
                epoch_key=k.epoch,
            )
        return set(ids) & set(found)
    floor = coverage.floor
    held = {i for i, s in zip(ids, scores or [], strict=False) if s is not None}
    older = [i for i in ids if floor is not None and i < floor]
    if older:
        # Older than the window: read the viewer's ids from the oldest asked on (the viewer's
        # own set) and lower the window's floor to it, so the next page of these is from Redis.
        oldest = min(older)
        seen = await store.generation(redis, generation_key, epoch_key=k.epoch)
        since = set(await load(oldest))
        await store.extend_down(
            redis, key, generation_key, seen, sorted(since), floor=oldest, cap=cap,
            epoch_key=k.epoch,
        )  # fmt: skip
        held -= set(older)
        held |= set(older) & since
    return held


async def liked_among(
    backends: Backends,
    viewer_id: str,
    ids: list[str],
    *,
    prefetched: tuple[list[Any], list[Any]] | None = None,
) -> set[str]:
    """Which of `ids` the viewer liked: from the liked window, the graph for anything older.

    `prefetched`: the window's sentinel and the ZMSCORE of `ids`, when the caller pipelined them."""
    k = keys(backends)

    async def load(since: str) -> list[str]:
        return await tl_graph.liked_ids(backends.graph, viewer_id, since)

    return await _among(
        backends, k.liked(viewer_id), k.liked_generation(viewer_id), load, ids, prefetched,
        LIKED_CAP,
    )  # fmt: skip


async def saved_among(
    backends: Backends,
    viewer_id: str,
    ids: list[str],
    *,
    prefetched: tuple[list[Any], list[Any]] | None = None,
) -> set[str]:
    """Which of `ids` the viewer saved: from the saved window, the graph for anything older."""
    k = keys(backends)

    async def load(since: str) -> list[str]:
        return await tl_graph.saved_ids(backends.graph, viewer_id, since)

    return await _among(
        backends, k.saved(viewer_id), k.saved_generation(viewer_id), load, ids, prefetched,
        SAVED_CAP,
    )  # fmt: skip


def pipe_windows(pipe: Any, k: Keys, viewer_id: str, ids: list[str]) -> None:
    """Queue the reads of the viewer's liked and saved windows for `ids` (four replies, which
    `Windows.of` takes)."""
    for key in (k.liked(viewer_id), k.saved(viewer_id)):
        pipe.zrange(key, 0, 0)
        pipe.zmscore(key, ids)


@dataclass(frozen=True)
class Windows:
    """What a pipeline read of the viewer's liked and saved windows for `read` (the ids asked
    about) answered: each window's sentinel and the ids' scores (None: none)."""

    read: list[str]
    liked_sentinel: list[Any]
    liked_scores: list[Any] | None
    saved_sentinel: list[Any]
    saved_scores: list[Any] | None

    @classmethod
    def of(cls, read: list[str], replies: list[Any]) -> Windows:
        liked_sentinel, liked_scores, saved_sentinel, saved_scores = replies
        return cls(read, liked_sentinel, liked_scores, saved_sentinel, saved_scores)

    def prefetched(self, ids: list[str]) -> tuple[tuple[Any, list[Any]], tuple[Any, list[Any]]]:
        """The (sentinel, scores of `ids`) of each window, for `liked_among` and `saved_among`."""
        liked = dict(zip(self.read, self.liked_scores or [None] * len(self.read), strict=True))
        saved = dict(zip(self.read, self.saved_scores or [None] * len(self.read), strict=True))
        return (
            (self.liked_sentinel, [liked[i] for i in ids]),
            (self.saved_sentinel, [saved[i] for i in ids]),
        )


def author(settings: Settings, row: Row) -> Author:
    """A post's (or comment's) author with a signed avatar, from `{id, username, display_name,
    pictures}` (pictures: the account's picture Media nodes, cached with the view)."""
    avatar = next((p for p in row.get("pictures") or [] if p.get("kind") == "avatar"), None)
    return Author(
        id=row["id"],
        username=row["username"],
        display_name=row["display_name"],
        avatar=picture_view(settings, "avatar", row["username"], avatar),
    )


def post(
    backends: Backends, view: Row, *, liked: bool, saved: bool = False, state: Row | None = None
) -> Post:
    """A cached view as the `Post` a viewer gets (signed media URLs). `state`: the graph's
    per-viewer state (`posts/viewer_state`) for a viewer in a block with someone."""
    settings = backends.settings
    blocked = set(state["blocked_ids"]) if state else set()
    return Post(
        id=view["id"],
        author=author(settings, view["author"]),
        caption=view["caption"],
        media=[media_view(settings, m) for m in view["media"]],
        hashtags=view["hashtags"],
        mentions=[m["username"] for m in view["mentions"] if m["id"] not in blocked],
        like_count=view["like_count"] - (state["hidden_likes"] if state else 0),
        liked=state["liked"] if state else liked,
        saved=state["saved"] if state else saved,
        comment_count=view["comment_count"] - (state["hidden_comments"] if state else 0),
        created_at=view["created_at"],
        edited_at=view.get("edited_at"),
        audience=audience_of(view),
    )


def render(
    backends: Backends, view: Row, *, liked: bool, saved: bool = False, state: Row | None = None
) -> Row:
    """The `Post` as a plain dict, ready for JSON."""
    return post(backends, view, liked=liked, saved=saved, state=state).model_dump()


async def compose_page(backends: Backends, viewer_id: str, ids: list[str]) -> list[Row]:
    """Rendered views of `ids` (in order) for a viewer who may see every one of them (the ids
    query already left out private and blocked authors): a user's posts, a hashtag's posts.

    One Redis round trip in the common case (cached views, the viewer's block set, liked and
    saved windows); the graph only for views not cached yet, a window to build or older than its
    floor, or a viewer in a block with someone (hidden likes and comments)."""
    if not ids:
        return []
    k = keys(backends)
    async with backends.redis.pipeline(transaction=False) as pipe:
        store.pipe_gets(pipe, [k.view(i) for i in ids])
        pipe.smembers(k.blocks(viewer_id))
        pipe_windows(pipe, k, viewer_id, ids)
        replies = await pipe.execute()
    *raw, blocks = replies[:-4]
    windows = Windows.of(ids, replies[-4:])
    found = await cached_views(backends, ids, raw=raw)
    keep = [i for i in ids if i in found]
    if not keep:
        return []
    blocked = (
        {str(b) for b in blocks if b != store.SENTINEL}
        if blocks
        else await blocked_set(backends, viewer_id)
    )
    posts = await render_for(
        backends,
        viewer_id,
        keep,
        found,
        blocked=bool(blocked),
        windows=windows,
    )
    return [p.model_dump() for p in posts]


async def render_for(
    backends: Backends,
    viewer_id: str,
    ids: list[str],
    found: dict[str, Row],
    *,
    blocked: bool,
    windows: Windows,
) -> list[Post]:
    """Render the cached views of `ids` (in order) for one viewer: with anyone in a block with
    them, from the graph's per-viewer state (hidden likes, comments, mentions; posts they may no
    longer see left out); otherwise with `liked` and `saved` from their windows, as the caller's
    pipeline read them (`windows`)."""
    if blocked:
        states = await posts_graph.viewer_state(backends.graph, viewer_id, ids)
        return [
            post(backends, found[i], liked=False, state=states[i])
            for i in ids
            if i in states and states[i]["visible"]
        ]
    liked_window, saved_window = windows.prefetched(ids)
    liked = await liked_among(backends, viewer_id, ids, prefetched=liked_window)
    saved = await saved_among(backends, viewer_id, ids, prefetched=saved_window)
    return [post(backends, found[i], liked=i in liked, saved=i in saved) for i in ids]


async def fill_fragments(backends: Backends, posts: list[Post], *, started_us: str) -> None:
    """Cache the posts' fragments for timelines/fastpage.py: the `Post` JSON without `liked`, left
    open (`wire.posts.open_json`), for one URL-signing window (the URLs in it stay valid for the
    TTL less a window).

    Only posts rendered without per-viewer state (nothing hidden from a block) and whose view came
    from the cache, read at `started_us`: a tombstone newer than that stays."""
    k = keys(backends)
    await store.fill_after(
        backends.redis,
        {k.fragment(p.id): open_json(p) for p in posts},
        started_us=started_us,
        ttl_s=url_window_s(backends.settings.cdn_url_ttl_s),
    )
