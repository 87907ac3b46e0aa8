"""Redis's derived state after Redis failed: a write that committed says so, and Redis is
repaired from the graph.

A write commits to Neo4j first, then updates what Redis derives from it (timelines/hooks.py).
When that Redis work fails (Redis killed, away, refusing writes), the write still happened, so
the request still succeeds: the hook records a durable marker in Neo4j instead (one
`(:TimelineRepair {namespace})` node, cypher/timelines/repair_*.cypher) and the process turns
*suspect* (`Backends.health`). A Redis that restarts may also come back without its last second
of writes (AOF with `appendfsync everysec`) although no hook saw an error, so the watcher here
records a marker as well when Redis stops answering, or when Redis's `run_id` differs from the
one it stored in Redis (a Redis that restarted from its AOF still holds the old one).

`worker` runs in every API process (and in `graphgram timelines worker`). Every second it
probes Redis (`INFO server`, and the stored run id), writes down what Neo4j could not take yet,
and reads the marker. While a marker is pending the process stays suspect: the home feed is
answered by the Cypher fan-in and sessions are read from Neo4j, nothing from Redis that may be
stale. Once Redis answers, one process claims the marker (a lease on the node, in one
transaction) and repairs:

1. moves the namespace's epoch (`Keys.epoch`): a timeline build that started before it can
   no longer finish (timelines/store.py, `GENERATION`), so nothing read from the graph before
   the repair is marked complete after it;
2. drops every key of the timeline namespace but the fan-out stream (home timelines, celebrity
   sets and kept merges, author lists and versions, generations, the in-flight set, cached post
   and user views, block caches, liked and saved windows) and the session cache (`session:*`, whose
   revocation tombstones may be what was lost), with SCAN and UNLINK in batches. Each is rebuilt
   from the graph when next read, so posts whose fan-out never ran (their stream entry or
   in-flight mark lost) are in every timeline rebuilt after this;
3. enqueues media still processing again (their jobs may be lost with the stream).

Kept: idempotency records, rate-limit counters, the media job stream, the fan-out stream.
Records made while a repair runs stay pending, and another repair follows.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Concatenate, ParamSpec

from neo4j.exceptions import DriverError, TransientError
from redis.asyncio import Redis
from redis.asyncio.cluster import RedisCluster
from redis.exceptions import RedisError

from backends import Backends
from graph import media as media_graph
from graph import timelines as tl_graph
from graph.driver import Graph
from graphgram import redis_keys
from media import jobs as media_jobs
from timelines.fanout import ensure_group
from timelines.store import Keys

log = logging.getLogger("graphgram.timelines.repair")

P = ParamSpec("P")

# What a hook may meet after its write committed: Redis failing, or Neo4j (a hook's own reads).
UNAVAILABLE: tuple[type[BaseException], ...] = (RedisError, OSError, DriverError, TransientError)
PROBE_INTERVAL_S = 1.0
DOWN_AFTER_PROBES = 2  # failed probes in a row before Redis counts as away (a blip is not)
LEASE_S = 30.0
BATCH = 1_000
# api/auth/deps.py: `cache_key`. The session cache is derived too (Neo4j holds sessions).
SESSION_CACHE_PATTERN = redis_keys.SESSION_PATTERN


def keys(backends: Backends) -> Keys:
    return Keys(backends.settings.timeline_namespace)


def run_id_key(namespace: str) -> str:
    """Where the run id of the Redis last seen is kept: in Redis itself (a Redis restarted from
    its AOF still holds its predecessor's), outside the namespace the repair drops."""
    return redis_keys.repair_run_id(namespace)


async def record(graph: Graph, namespace: str, *reasons: str) -> int | None:
    """Record durably that Redis's derived state may be wrong; returns the record's number, or
    None when Neo4j did not take it. Never raises."""
    try:
        number = await tl_graph.repair_mark(graph, namespace, sorted(reasons))
    except Exception as exc:  # noqa: BLE001 - the caller's write stands whatever happens here
        log.warning("Redis repair not recorded (%s): Neo4j failed too (%r)", reasons, exc)
        return None
    log.warning("Redis's derived state needs a repair (%s, record %d)", reasons, number)
    return number


async def note(backends: Backends, reason: str) -> bool:
    """`record`, and this process turns suspect until a repair covers it; never raises.

    A repair covers a failure only if its claim came after a record made after the failure, so
    a record that began after this call started is enough: concurrent failures wait for one
    write, and the next write covers all that queued meanwhile. When Neo4j does not take the
    record, the watcher makes it once Neo4j answers (and the process stays suspect)."""
    health = backends.health
    # Only a running watcher ends the suspicion (settings.timeline_repair).
    health.suspect = backends.settings.timeline_repair
    failed_at = time.monotonic()
    health.waiting.add(reason)
    async with health.marking:
        if health.marked_from >= failed_at:
            return True  # a record that began after this failure was taken
        if health.failed_from >= failed_at:
            health.unrecorded.add(reason)  # one that began after it failed: the watcher retries
            return False
        reasons, started = sorted(health.waiting), time.monotonic()
        health.waiting.clear()
        number = await record(backends.graph, backends.settings.timeline_namespace, *reasons)
        if number is None:
            health.failed_from = started
            health.unrecorded.update(reasons)
            return False
        health.marked_from = started
        health.need = max(health.need, number)
        return True


def tolerant(
    hook: Callable[Concatenate[Backends, P], Awaitable[None]],
) -> Callable[Concatenate[Backends, P], Coroutine[Any, Any, None]]:
    """A hook runs after its write committed: if Redis (or a read it makes) fails, the write
    still stands and the request still succeeds; a repair marker is recorded instead."""

    @functools.wraps(hook)
    async def run(backends: Backends, /, *args: P.args, **kwargs: P.kwargs) -> None:
        try:
            await hook(backends, *args, **kwargs)
        except UNAVAILABLE as exc:
            log.warning("timeline hook %s failed after its write (%r)", hook.__name__, exc)
            await note(backends, f"hook:{hook.__name__}")

    return run


async def drop_derived(
    backends: Backends, renew: Callable[[], Awaitable[None]] | None = None
) -> int:
    """UNLINK every derived key (see the module's doc), in SCAN batches; returns how many."""
    k = keys(backends)
    redis = backends.redis
    deleted = 0
    for pattern in (f"{k.ns}:*", SESSION_CACHE_PATTERN):
        batch: list[str] = []
        async for key in redis.scan_iter(match=pattern, count=BATCH):
            if k.is_stream(key):
                continue
            batch.append(key)
            if len(batch) >= BATCH:
                deleted += int(await redis.unlink(*batch))
                batch.clear()
                if renew is not None:
                    await renew()
        if batch:
            deleted += int(await redis.unlink(*batch))
    return deleted


async def repair(
    backends: Backends, marks: int, renew: Callable[[], Awaitable[None]] | None = None
) -> int:
    """Drop Redis's derived state so the graph rebuilds it (see the module's doc); returns the
    number of keys dropped. `marks`: the record number the repair covers."""
    k = keys(backends)
    # First: a build that read the graph before this point cannot finish after it.
    await backends.redis.set(k.epoch, f"{marks}-{uuid.uuid4().hex[:12]}")
    dropped = await drop_derived(backends, renew)
    await ensure_group(backends)
    for media_id in await media_graph.processing_ids(backends.graph):
        await media_jobs.enqueue(backends, media_id)
    return dropped


async def _run_id(redis: Redis, key: str) -> tuple[str, str | None]:
    """The run id of the Redis that answers and the one last stored. On a cluster, the run ids
    of its primaries together: a master that restarted, or a replica promoted in its place
    (which may lack the master's last writes: replication is asynchronous), changes it."""
    if isinstance(redis, RedisCluster):
        infos = await redis.info("server", target_nodes=RedisCluster.PRIMARIES)
        run_ids = sorted(str(info.get("run_id", "")) for info in infos.values())
        stored = await redis.get(key)
        return ",".join(run_ids), None if stored is None else str(stored)
    async with redis.pipeline(transaction=False) as pipe:
        pipe.info("server")
        pipe.get(key)
        info, stored = await pipe.execute()
    return str(info.get("run_id", "")), None if stored is None else str(stored)


class Watcher:
    """One process's view of Redis: probes it, records what went wrong, repairs when it won the
    claim. `tick` is one round (the worker calls it every second)."""

    def __init__(self, backends: Backends, owner: str) -> None:
        self.backends = backends
        self.owner = owner
        self.failed_probes = 0
        self.graph_away = False
        self.repairs = 0

    @property
    def namespace(self) -> str:
        return self.backends.settings.timeline_namespace

    async def probe(self) -> bool:
        """Whether Redis answers; records a marker when it stopped answering or restarted."""
        redis = self.backends.redis
        key = run_id_key(self.namespace)
        try:
            run_id, stored = await _run_id(redis, key)
            if stored is None:
                # Never seen (a new or emptied Redis: nothing stale can be in it).
                await redis.set(key, run_id)
            elif stored != run_id and await note(self.backends, "redis-restarted"):
                await redis.set(key, run_id)  # only once the marker is durable
        except (RedisError, OSError) as exc:
            self.failed_probes += 1
            if self.failed_probes == DOWN_AFTER_PROBES:
                log.warning("Redis does not answer (%r)", exc)
                await note(self.backends, "redis-unavailable")
            return False
        self.failed_probes = 0
        return True

    async def flush(self) -> None:
        """Records Neo4j could not take when they were made."""
        health = self.backends.health
        if health.unrecorded:
            reasons = sorted(health.unrecorded)
            number = await tl_graph.repair_mark(self.backends.graph, self.namespace, reasons)
            health.unrecorded.difference_update(reasons)
            health.need = max(health.need, number)

    async def tick(self) -> None:
        health = self.backends.health
        redis_up = await self.probe()
        try:
            await self.flush()
            state = await tl_graph.repair_state(self.backends.graph, self.namespace)
        except UNAVAILABLE as exc:
            if not self.graph_away:
                log.warning("Redis repair: Neo4j does not answer (%r)", exc)
            self.graph_away = True
            return
        self.graph_away = False
        if state is not None and state.pending:
            health.suspect = True
            health.need = max(health.need, state.marks)
            if redis_up:
                await self.claim_and_repair()
            return
        settled = state is None or state.repaired >= health.need
        if health.suspect and not health.unrecorded and redis_up and settled:
            health.suspect = False

    async def claim_and_repair(self) -> None:
        graph, namespace, owner = self.backends.graph, self.namespace, self.owner
        claim = await tl_graph.repair_claim(graph, namespace, owner, LEASE_S)
        if claim is None:
            return  # nothing pending any more, or another process repairs
        started = time.monotonic()
        renewed = started

        async def renew() -> None:
            nonlocal renewed
            if time.monotonic() - renewed > LEASE_S / 4:
                renewed = time.monotonic()
                await tl_graph.repair_renew(graph, namespace, owner, LEASE_S)

        dropped = await repair(self.backends, claim.marks, renew)
        again = await tl_graph.repair_done(graph, namespace, owner, claim.marks)
        self.repairs += 1
        pending_for = (time.time() * 1000 - claim.since) / 1000 if claim.since else 0.0
        log.warning(
            "Redis repaired: %d derived keys dropped in %.2f s (records up to %d: %s; pending "
            "%.1f s)%s",
            dropped,
            time.monotonic() - started,
            claim.marks,
            ", ".join(claim.reasons),
            pending_for,
            "; more were recorded meanwhile, repairing again" if again else "",
        )
        health = self.backends.health
        if again is False and not health.unrecorded and health.need <= claim.marks:
            health.suspect = False


def owner_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


async def worker(
    backends: Backends,
    *,
    stop: asyncio.Event | None = None,
    interval_s: float = PROBE_INTERVAL_S,
) -> None:
    """Watch Redis and repair its derived state after a failure, until `stop` is set."""
    watcher = Watcher(backends, owner_name())
    while stop is None or not stop.is_set():
        try:
            await watcher.tick()
        except Exception:  # noqa: BLE001 - one failed round must not stop the watcher
            log.exception("Redis repair round failed; trying again")
        if stop is None:
            await asyncio.sleep(interval_s)
            continue
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
