"""The home feed read from Redis, with the graph as the truth behind it.

A page merges three id sources, newest first (or oldest first from `min_id`):
1. the viewer's home timeline (fan-out on write),
2. the per-author lists of the celebrities they follow (merge on read),
3. the in-flight set: posts whose fan-out has not finished, kept for authors the viewer follows.
Candidates are filtered per viewer (deleted posts, blocked and muted authors, in-flight posts of
authors they do not follow or mute, or for an audience they are outside of) and over-fetched
until the page is full. Each source is
exact from its floor up; below the highest floor (a timeline trimmed at the cap, a capped author
list) the page goes on with the Cypher fan-in (`feed/home`), so deep pages are right, only
slower.

A missing timeline (new or inactive user, Redis lost) is rebuilt from the same Cypher fan-in and
the request is then answered from it; while another request is building it, this one is answered
by the Cypher fan-in alone.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from typing import Any

from backends import Backends
from graph import feed as feed_graph
from graph import posts as posts_graph
from graph import timelines as tl_graph
from graph.driver import Row
from graphgram.metrics import TIMELINE_REBUILDS, cache_lookup
from timelines import hooks, store, views
from timelines.store import Coverage, Keys

# Extra candidates fetched per source beyond the page, for the ones a viewer may not see.
OVERFETCH = 8
TOUCH_SHARE = 0.125
_NO_GENERATION = "-"


def keys(backends: Backends) -> Keys:
    return Keys(backends.settings.timeline_namespace)


def _ttl(backends: Backends) -> int:
    return backends.settings.timeline_inactive_days * 86400


@dataclass
class Cursors:
    limit: int  # items wanted (the caller's page size + 1, to know whether more exist)
    max_id: str | None = None
    since_id: str | None = None
    min_id: str | None = None

    @property
    def ascending(self) -> bool:
        return self.min_id is not None

    @property
    def lower(self) -> str | None:
        """Exclusive lower bound."""
        bounds = [b for b in (self.since_id, self.min_id) if b is not None]
        return max(bounds) if bounds else None


@dataclass
class Source:
    key: str
    coverage: Coverage
    from_inflight: bool = False


async def _range(
    backends: Backends,
    sources: list[Source],
    lo: str | None,
    hi: str | None,
    n: int,
    asc: bool,
    *,
    lo_inclusive: bool = False,
) -> list[list[str]]:
    low = f"[{lo}" if lo is not None and lo_inclusive else store.lex_above(lo)
    async with backends.redis.pipeline(transaction=False) as pipe:
        for source in sources:
            if asc:
                pipe.zrangebylex(source.key, low, store.lex_below(hi), 0, n)
            else:
                pipe.zrevrangebylex(source.key, store.lex_below(hi), low, 0, n)
        found: list[list[str]] = await pipe.execute()
    return found


async def rebuild(backends: Backends, viewer_id: str) -> bool:
    """Build a missing timeline (and the viewer's celebrity set) from the graph.

    Returns False when another request is building it, or a follow change raced this build."""
    k = keys(backends)
    settings = backends.settings
    redis = backends.redis
    generation = await store.start_build(
        redis, k.home(viewer_id), k.generation(viewer_id), epoch_key=k.epoch
    )
    if generation is None:
        return False
    TIMELINE_REBUILDS.inc()
    cap = settings.timeline_cap
    known = sorted(str(m) for m in await redis.smembers(k.celebrities))
    ids = await feed_graph.home_post_ids(
        backends.graph,
        viewer_id,
        {"limit": cap, "max_id": None, "since_id": None, "min_id": None},
    )
    celebs = await tl_graph.followed_celebrities(
        backends.graph, viewer_id, settings.timeline_celebrity_followers, known
    )
    async with redis.pipeline(transaction=True) as pipe:
        pipe.delete(k.celebs(viewer_id))
        pipe.sadd(k.celebs(viewer_id), store.SENTINEL, *celebs)
        pipe.expire(k.celebs(viewer_id), _ttl(backends))
        await pipe.execute()
    return await store.finish_build(
        redis,
        k.home(viewer_id),
        k.generation(viewer_id),
        generation,
        ids,
        floor="*" if len(ids) >= cap else "",
        cap=cap,
        ttl_s=_ttl(backends),
        epoch_key=k.epoch,
    )


async def build_author(backends: Backends, author_id: str) -> None:
    """Build a missing per-author list of recent posts from the graph."""
    k = keys(backends)
    redis = backends.redis
    nowhere = k.author_generation(author_id)
    generation = await store.start_build(redis, k.author(author_id), nowhere, epoch_key=k.epoch)
    if generation is None:
        return
    cap = backends.settings.timeline_cap
    ids = await tl_graph.author_post_ids(backends.graph, author_id, limit=cap)
    await store.finish_build(
        redis,
        k.author(author_id),
        nowhere,
        generation,
        ids,
        floor="*" if len(ids) >= cap else "",
        cap=cap,
        ttl_s=0,
        epoch_key=k.epoch,
    )


@dataclass
class Plan:
    """The viewer's sources, with what the first Redis round trip already brought back."""

    sources: list[Source]
    first: list[list[str]] | None  # the first range of each source, for the cursors asked
    blocked: set[str] | None  # None: the viewer's block set is not cached
    muted: set[str]  # authors the viewer mutes now


def _range_into(pipe: Any, key: str, low: str, high: str, n: int, asc: bool) -> None:
    if asc:
        pipe.zrangebylex(key, low, high, 0, n)
    else:
        pipe.zrevrangebylex(key, high, low, 0, n)


async def _plan(
    backends: Backends, viewer_id: str, lo: str | None, hi: str | None, n: int, asc: bool
) -> Plan | None:
    """The viewer's sources, building what is missing; None when the timeline is not ready.

    One pipeline reads the timeline's sentinel, the celebrity and block sets and the first range
    of the timeline and the in-flight set; a second one the celebrities' lists, if any."""
    k = keys(backends)
    redis = backends.redis
    home_key, celebs_key = k.home(viewer_id), k.celebs(viewer_id)
    low, high = store.lex_above(lo), store.lex_below(hi)
    mutes = await views.mute_set(backends, viewer_id, int(time.time() * 1000))
    for author_id in mutes.ended:  # their posts come back before the page is read
        await hooks.mute_ended(backends, viewer_id, author_id)
    for attempt in range(2):
        async with redis.pipeline(transaction=False) as pipe:
            pipe.zrange(home_key, 0, 0)
            pipe.smembers(celebs_key)
            pipe.smembers(k.blocks(viewer_id))
            _range_into(pipe, home_key, low, high, n, asc)
            _range_into(pipe, k.inflight, low, high, n, asc)
            # Activity keeps a timeline alive; refreshing its TTL on one read in eight is plenty
            # for a 30-day window and saves two commands on the others.
            touch = random.random() < TOUCH_SHARE or attempt == 1
            if touch:
                pipe.expire(home_key, _ttl(backends))
                pipe.expire(celebs_key, _ttl(backends))
            sentinel, celebs, blocks, home_items, inflight_items, *_ = await pipe.execute()
        coverage = Coverage.of(sentinel)
        if coverage.usable and celebs:
            cache_lookup("timeline", hit=attempt == 0)
            break
        if coverage.building or attempt == 1:
            return None
        if coverage.exists:  # a timeline without its celebrity set: start over
            await redis.delete(home_key)
        if not await rebuild(backends, viewer_id):
            return None
    else:  # pragma: no cover - the loop always breaks or returns
        return None
    sources = [Source(home_key, coverage)]
    first = [home_items]
    authors = sorted(str(c) for c in celebs if c != store.SENTINEL)
    for attempt in range(2):
        if not authors:
            break
        async with redis.pipeline(transaction=False) as pipe:
            for author_id in authors:
                pipe.zrange(k.author(author_id), 0, 0)
                _range_into(pipe, k.author(author_id), low, high, n, asc)
            found = await pipe.execute()
        missing = []
        for i, author_id in enumerate(authors):
            author_coverage = Coverage.of(found[2 * i])
            if author_coverage.usable:
                sources.append(Source(k.author(author_id), author_coverage))
                first.append(found[2 * i + 1])
            elif attempt == 1 or author_coverage.building:
                return None
            else:
                missing.append(author_id)
        for author_id in missing:
            await build_author(backends, author_id)
        authors = missing
    sources.append(Source(k.inflight, Coverage(exists=True), from_inflight=True))
    first.append(inflight_items)
    blocked = {str(b) for b in blocks if b != store.SENTINEL} if blocks else None
    return Plan(sources, first, blocked, mutes.active)


def _limited(view: Row) -> bool:
    """Whether a cached view is of a post for a narrower audience than everyone."""
    return view.get("audience") not in (None, "everyone")


async def _visible(
    backends: Backends,
    viewer_id: str,
    ids: list[str],
    inflight_only: set[str],
    plan: Plan,
) -> list[Row]:
    """The posts among `ids` (in order) the viewer sees in their feed, rendered."""
    k = keys(backends)
    async with backends.redis.pipeline(transaction=False) as pipe:
        pipe.execute_command("TIME")  # the cluster pipeline refuses its `time` method
        store.pipe_gets(pipe, [k.view(i) for i in ids])
        views.pipe_windows(pipe, k, viewer_id, ids)
        replies = await pipe.execute()
    now, *raw = replies[:-4]
    windows = views.Windows.of(ids, replies[-4:])
    found = await views.cached_views(backends, ids, raw=raw)
    if plan.blocked is None:
        plan.blocked = await views.blocked_set(backends, viewer_id)
    blocked = plan.blocked
    gone = [
        i
        for i in ids
        if i not in found or found[i]["author_id"] in blocked or found[i]["author_id"] in plan.muted
    ]
    if gone:  # deleted, by someone in a block or muted: heal the timeline while we are here
        await backends.redis.zrem(plan.sources[0].key, *gone)
    keep = [i for i in ids if i not in gone]
    # In flight: a post for everyone is shown to its author's followers, one for a narrower
    # audience only to the followers in it (asked of the graph, as fan-out will push it).
    limited = {i for i in keep if i in inflight_only and _limited(found[i])}
    pending = {found[i]["author_id"] for i in keep if i in inflight_only and i not in limited}
    if pending:
        followed = await tl_graph.followed_authors(backends.graph, viewer_id, sorted(pending))
        keep = [
            i
            for i in keep
            if i not in inflight_only or i in limited or found[i]["author_id"] in followed
        ]
    if limited:
        shown = await tl_graph.audience_visible(backends.graph, viewer_id, sorted(limited))
        keep = [i for i in keep if i not in limited or i in shown]
    if not keep:
        return []
    posts = await views.render_for(
        backends,
        viewer_id,
        keep,
        found,
        blocked=bool(blocked),
        windows=windows,
    )
    if backends.settings.timeline_fast_page and not blocked:
        # Views that were in the cache (media ready, not just invalidated) get their fragment.
        cached = {
            i
            for i, value in zip(ids, raw, strict=True)
            if value is not None and not value.startswith(views.TOMBSTONE)
        }
        await views.fill_fragments(
            backends,
            [p for p in posts if p.id in cached],
            started_us=store.time_us(now),
        )
    return [p.model_dump() for p in posts]


async def cypher_page(backends: Backends, viewer_id: str, cursors: Cursors) -> list[Row]:
    """The pure Cypher fan-in (`feed/home`) with the same filtering: the truth, and the fallback."""
    ids = await feed_graph.home_post_ids(
        backends.graph,
        viewer_id,
        {
            "limit": cursors.limit,
            "max_id": cursors.max_id,
            "since_id": cursors.since_id,
            "min_id": cursors.min_id,
        },
    )
    if not ids:
        return []
    found = await views.cached_views(backends, ids)
    states = await posts_graph.viewer_state(backends.graph, viewer_id, ids)
    return [
        views.render(backends, found[i], liked=False, state=states[i])
        for i in ids
        if i in found and i in states and states[i]["visible"]
    ]


async def home(backends: Backends, viewer_id: str, cursors: Cursors) -> list[Row]:
    """Up to `cursors.limit` posts of the viewer's home feed, in the order the cursors ask for
    (newest first; oldest first from `min_id`)."""
    if backends.health.suspect:
        # Redis may have missed writes (timelines/repair.py): the graph answers until repaired.
        return await cypher_page(backends, viewer_id, cursors)
    lo, hi, asc = cursors.lower, cursors.max_id, cursors.ascending
    want = cursors.limit
    n = want + OVERFETCH
    plan = await _plan(backends, viewer_id, lo, hi, n, asc)
    if plan is None:
        return await cypher_page(backends, viewer_id, cursors)
    sources = plan.sources
    floors = [s.coverage.floor for s in sources if s.coverage.floor is not None]
    floor = max(floors) if floors else None  # Redis is exact for ids >= floor
    prefetched = plan.first
    collected: list[Row] = []
    lo_inclusive = False
    if asc and floor is not None and (lo is None or lo < floor):
        # Oldest first from below the floor: the graph answers up to the floor, Redis after it.
        below = await cypher_page(
            backends, viewer_id, Cursors(want, max_id=min(hi or floor, floor), min_id=lo)
        )
        collected += below
        if len(collected) >= want or (hi is not None and hi <= floor):
            return collected[:want]
        lo, lo_inclusive, prefetched = floor, True, None
    if not asc and floor is not None and hi is not None and hi <= floor:
        return await cypher_page(backends, viewer_id, cursors)
    while len(collected) < want:
        if prefetched is not None:
            fetched, prefetched = prefetched, None
        else:
            fetched = await _range(backends, sources, lo, hi, n, asc, lo_inclusive=lo_inclusive)
        more = [items[-1] for items in fetched if len(items) >= n]
        # Below (above, ascending) the last id of a source with more, the merge is not known yet.
        safe = (min(more) if asc else max(more)) if more else None
        regular = {
            i
            for src, items in zip(sources, fetched, strict=True)
            if not src.from_inflight
            for i in items
        }
        merged = {i for items in fetched for i in items}
        inflight_only = merged - regular
        ordered = sorted(merged, reverse=not asc)
        if safe is not None:
            ordered = [i for i in ordered if (i <= safe if asc else i >= safe)]
        if floor is not None and not asc:
            ordered = [i for i in ordered if i >= floor]
        for start in range(0, len(ordered), want):
            chunk = ordered[start : start + want]
            collected += await _visible(
                backends, viewer_id, chunk, inflight_only & set(chunk), plan
            )
            if len(collected) >= want:
                return collected[:want]
        if safe is None or (not asc and floor is not None and safe < floor):
            break
        if asc:
            lo, lo_inclusive = safe, False
        else:
            hi = safe
    if not asc and floor is not None and (lo is None or lo < floor):
        rest = await cypher_page(
            backends,
            viewer_id,
            Cursors(want - len(collected), max_id=min(hi or floor, floor), since_id=lo),
        )
        collected += rest
    return collected[:want]
