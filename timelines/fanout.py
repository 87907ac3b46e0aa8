"""Fan-out on write: a Redis Stream of post events drained by a consumer group.

`POST /posts` commits the post to Neo4j, puts its id in the in-flight set (readers merge it, so a
follower sees it at once) and appends `{kind: post, post_id, author_id, at}` to the stream. A
worker (one in every API process, or `graphgram timelines worker`) reads entries with
`XREADGROUP`, pushes the id into the home timeline of every follower whose timeline exists
(active users; in batches of 1,000 keys per Lua call), takes it out of the in-flight set, then
`XACK`s and deletes the entry. A worker that dies mid-fan-out leaves the entry pending; after
`timeline_claim_idle_s` another worker takes it over with `XAUTOCLAIM` and does it again (adding
an id twice is a no-op), so a crash loses nothing.

Authors with more than `timeline_celebrity_followers` followers are not fanned out: the first
time one posts above the threshold it joins the celebrity set and its id is added to each active
follower's celebrity set, and readers merge its recent posts from its per-author list.

A post for a narrower audience than everyone (close friends, mutual follows, followers of at
least N days) is pushed only into the timelines of the followers in its audience when it is
fanned out (`timelines/audience_ids`), celebrity or not, and never enters the per-author list.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
import uuid
import zlib
from collections.abc import Iterable
from typing import cast

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backends import Backends
from graph import timelines as tl_graph
from graphgram.metrics import TIMELINE_FANOUT_LAG, TIMELINE_FANOUT_RECIPIENTS
from redis_scripts import script
from timelines import store
from timelines.store import GROUP, Keys

log = logging.getLogger("graphgram.timelines.fanout")
BATCH_KEYS = 1_000
READ_COUNT = 16
STREAM_MAXLEN = 1_000_000

# Adds the new celebrity to each active follower's celebrity set (those that exist).
SADD_IF_EXISTS = script("timelines/sadd_if_exists")


def keys(backends: Backends) -> Keys:
    return Keys(backends.settings.timeline_namespace)


def shard_of(author_id: str, shards: int) -> int:
    """The fan-out shard of an author's posts: all of one author's entries go to one stream, in
    order (a post's deletion is never handled before its fan-out by the same worker's read)."""
    return zlib.crc32(author_id.encode()) % shards


def streams(backends: Backends) -> list[str]:
    """Every shard of the fan-out stream (settings.timeline_fanout_shards)."""
    k = keys(backends)
    return [k.stream(i) for i in range(backends.settings.timeline_fanout_shards)]


async def enqueue(backends: Backends, kind: str, post_id: str, author_id: str) -> None:
    shard = shard_of(author_id, backends.settings.timeline_fanout_shards)
    await backends.redis.xadd(
        keys(backends).stream(shard),
        {"kind": kind, "post_id": post_id, "author_id": author_id, "at": f"{time.time():.6f}"},
        maxlen=STREAM_MAXLEN,
        approximate=True,
    )


async def backlog(backends: Backends) -> int:
    """Entries not yet fanned out (entries are deleted once done)."""
    async with backends.redis.pipeline(transaction=False) as pipe:
        for stream in streams(backends):
            pipe.xlen(stream)
        return sum(int(n) for n in await pipe.execute())


async def wait_drained(backends: Backends, timeout_s: float = 30.0) -> None:
    """Until every queued fan-out is done (tests, benchmarks)."""
    deadline = time.monotonic() + timeout_s
    while await backlog(backends):
        if time.monotonic() > deadline:
            raise TimeoutError("timeline fan-out did not drain")
        await asyncio.sleep(0.01)


def _chunks(items: list[str], size: int) -> Iterable[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def _push(backends: Backends, timeline_keys: list[str], post_id: str) -> int:
    cap = backends.settings.timeline_cap
    pushed = 0
    for chunk in _chunks(timeline_keys, BATCH_KEYS):
        pushed += await store.add(backends.redis, chunk, [post_id], cap)
    return pushed


async def _mark_celebrity(backends: Backends, author_id: str) -> None:
    """An author crossed the threshold: its active followers merge it from now on."""
    k = keys(backends)
    redis = backends.redis
    if not await redis.sadd(k.celebrities, author_id):
        return
    followers = await tl_graph.follower_ids(backends.graph, author_id)
    muters = await tl_graph.muter_ids(backends.graph, author_id)  # they do not merge it
    for chunk in _chunks([k.celebs(f) for f in followers if f not in muters], BATCH_KEYS):
        await store.run_per_slot(redis, SADD_IF_EXISTS, chunk, [author_id])


async def fan_out_post(backends: Backends, post_id: str, author_id: str) -> int:
    """Push a new post into its author's followers' timelines; returns how many took it."""
    k = keys(backends)
    target = await tl_graph.fanout_target(backends.graph, author_id, post_id)
    if target is None or not target.posted:
        return 0  # deleted before its fan-out: nothing to push
    own = await _push(backends, [k.home(author_id)], post_id)
    if not target.everyone:
        # For a narrower audience: pushed to the followers in it only, celebrity or not (it is
        # never in the author's list that followers merge).
        audience = await tl_graph.audience_ids(backends.graph, author_id, post_id)
        muters = await tl_graph.muter_ids(backends.graph, author_id)
        return own + await _push(
            backends, [k.home(f) for f in audience if f not in muters], post_id
        )
    if target.followers > backends.settings.timeline_celebrity_followers:
        await _mark_celebrity(backends, author_id)
        return own
    # Below the threshold (again): fan out. Followers who still merge it just see it twice,
    # and the read path drops duplicates.
    await backends.redis.srem(k.celebrities, author_id)
    followers = await tl_graph.follower_ids(backends.graph, author_id)
    muters = await tl_graph.muter_ids(backends.graph, author_id)
    return own + await _push(backends, [k.home(f) for f in followers if f not in muters], post_id)


async def fan_out_delete(backends: Backends, post_id: str, author_id: str) -> None:
    """Take a deleted post out of its followers' timelines (readers already skip it)."""
    k = keys(backends)
    followers = await tl_graph.follower_ids(backends.graph, author_id)
    await store.remove(backends.redis, [k.home(f) for f in [author_id, *followers]], [post_id])


async def handle(backends: Backends, fields: dict[str, str]) -> None:
    kind = fields.get("kind")
    post_id = fields.get("post_id", "")
    author_id = fields.get("author_id", "")
    if kind == "post":
        recipients = await fan_out_post(backends, post_id, author_id)
        await backends.redis.zrem(keys(backends).inflight, post_id)
        TIMELINE_FANOUT_RECIPIENTS.observe(recipients)
        TIMELINE_FANOUT_LAG.observe(max(0.0, time.time() - float(fields.get("at", time.time()))))
    elif kind == "delete":
        await fan_out_delete(backends, post_id, author_id)
    else:
        log.warning("unknown fan-out entry %r", fields)


async def ensure_group(backends: Backends, stream: str | None = None) -> None:
    """The consumer group of one shard (`stream`), or of every shard."""
    for each in [stream] if stream else streams(backends):
        try:
            await backends.redis.xgroup_create(each, GROUP, id="0", mkstream=True)
        except ResponseError as exc:
            if "BUSYGROUP" not in str(exc):
                raise


async def _process(
    backends: Backends, stream: str, entries: list[tuple[str, dict[str, str]]]
) -> None:
    async def one(entry_id: str, fields: dict[str, str]) -> None:
        try:
            await handle(backends, fields)
        except Exception:  # noqa: BLE001 - left pending: XAUTOCLAIM retries it later
            log.exception("fan-out of %s failed; it stays pending and will be retried", fields)
            return
        async with backends.redis.pipeline(transaction=False) as pipe:
            pipe.xack(stream, GROUP, entry_id)
            pipe.xdel(stream, entry_id)
            await pipe.execute()

    await asyncio.gather(*(one(entry_id, fields) for entry_id, fields in entries))


async def worker(
    backends: Backends,
    *,
    stop: asyncio.Event | None = None,
    consumer: str | None = None,
    block_ms: int = 1_000,
) -> None:
    """Fan out queued posts until `stop` is set (or forever): one reader per shard, each
    blocking on its own stream (a read of several streams is a multi-key command, which a
    cluster refuses when they sit in different slots)."""
    name = consumer or f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    await asyncio.gather(
        *(_read_shard(backends, stream, name, stop, block_ms) for stream in streams(backends))
    )


async def _read_shard(
    backends: Backends, stream: str, name: str, stop: asyncio.Event | None, block_ms: int
) -> None:
    claim_every = max(1.0, backends.settings.timeline_claim_idle_s / 2)
    min_idle_ms = int(backends.settings.timeline_claim_idle_s * 1000)
    next_claim = time.monotonic() + claim_every
    grouped = False
    while stop is None or not stop.is_set():
        try:
            if not grouped:
                await ensure_group(backends, stream)
                grouped = True
            if time.monotonic() >= next_claim:
                next_claim = time.monotonic() + claim_every
                _, claimed, _ = await backends.redis.xautoclaim(
                    stream, GROUP, name, min_idle_time=min_idle_ms, start_id="0-0", count=100
                )
                if claimed:
                    await _process(backends, stream, [(i, f) for i, f in claimed if f])
            found = await backends.redis.xreadgroup(
                GROUP, name, {stream: ">"}, count=READ_COUNT, block=block_ms
            )
        except ResponseError as exc:
            if "NOGROUP" in str(exc) or "no longer exists" in str(exc):
                grouped = False  # Redis was flushed: the group goes with the stream
                continue
            log.exception("fan-out stream unavailable")
            await asyncio.sleep(1)
            continue
        except (RedisTimeoutError, RedisConnectionError) as exc:
            # Redis slow or away: back off; entries wait in the stream, timelines rebuild.
            log.warning("fan-out stream unavailable: %s", exc)
            await asyncio.sleep(1)
            continue
        except Exception:  # noqa: BLE001 - one bad read must not stop the worker
            log.exception("fan-out stream unavailable")
            await asyncio.sleep(1)
            continue
        # RESP2 answers [[stream, entries]], RESP3 {stream: entries}.
        streams = found.items() if isinstance(found, dict) else (found or [])
        for _, entries in streams:
            await _process(backends, stream, cast(list[tuple[str, dict[str, str]]], entries))
