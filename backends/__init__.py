"""The backend clients one process owns: the Neo4j graph, Redis and the object store.

Built once (the API's lifespan, a CLI command, a worker) by `open_backends`, shared by every
request, closed on exit. Everything above the repositories (`media/`, `api/`, `seed/`, the CLI)
takes a `Backends`; nothing builds its own clients, so every process gets the same query
timeout, pool sizes and timed clients.

Every Redis command passes through `execute_command`, and every S3 request of the `minio` SDK
through `_url_open` (pinned SDK version), so timing those two covers all calls.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any, cast

import urllib3
from minio import Minio
from neo4j import AsyncDriver
from redis.asyncio import Redis
from redis.asyncio.cluster import ClusterPipeline, RedisCluster
from redis.asyncio.connection import Connection
from redis.asyncio.retry import Retry
from redis.backoff import ExponentialBackoff, NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import RedisClusterException
from redis.exceptions import TimeoutError as RedisTimeoutError

from backends.batching import CommandBatcher
from graph.bookmarks import RedisBookmarks
from graph.driver import Graph, make_async_driver
from graphgram.metrics import observe_backend
from graphgram.settings import Settings


class TimedRedis(Redis):
    async def execute_command(self, *args: Any, **options: Any) -> Any:
        started = time.perf_counter()
        ok = False
        try:
            result = await super().execute_command(*args, **options)  # type: ignore[no-untyped-call]
            ok = True
            return result
        finally:
            observe_backend("redis", str(args[0]).lower(), time.perf_counter() - started, ok)


class TimedRedisCluster(RedisCluster):
    """The cluster client, timed, with its first slot-map load done before any command: the
    first commands of a burst sent while redis-py 8.1 loads it could go out on connections the
    load closed (`'NoneType' object has no attribute 'writelines'`, 5 of 100 concurrent first
    commands here)."""

    _first_load: asyncio.Lock | None = None

    async def execute_command(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        ok = False
        try:
            if self._initialize:
                if self._first_load is None:
                    self._first_load = asyncio.Lock()
                async with self._first_load:
                    if self._initialize:
                        await self.initialize()
            result = await super().execute_command(*args, **kwargs)
            ok = True
            return result
        except (RedisClusterException, AttributeError) as exc:
            raise _unavailable(exc) from exc
        finally:
            observe_backend("redis", str(args[0]).lower(), time.perf_counter() - started, ok)

    def pipeline(self, transaction: Any = None, shard_hint: Any = None) -> ClusterPipeline:
        if shard_hint:
            raise RedisClusterException("shard_hint is deprecated in cluster mode")
        return _ClusterPipeline(self, transaction)  # type: ignore[abstract]


class _ClusterPipeline(ClusterPipeline):
    async def execute(self, raise_on_error: bool = True, allow_redirections: bool = True) -> Any:
        try:
            return await super().execute(raise_on_error, allow_redirections)
        except (RedisClusterException, AttributeError) as exc:
            raise _unavailable(exc) from exc


def _unavailable(exc: BaseException) -> RedisConnectionError:
    """What the cluster client raises when it cannot reach a node, as callers know it from one
    server: a ConnectionError (Redis away). `RedisClusterException`: no node reachable (every
    one down, or none known yet). `AttributeError`: redis-py 8.1 sent a command on a connection
    its slot-map reload had just closed, during a failover ('NoneType' object has no attribute
    'writelines'; the command was not sent)."""
    return RedisConnectionError(f"Redis Cluster unavailable: {exc}")


class TimedMinio(Minio):
    def _url_open(self, method: str, region: str, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        ok = False
        try:
            result = super()._url_open(method, region, *args, **kwargs)
            ok = True
            return result
        finally:
            observe_backend("object_store", method, time.perf_counter() - started, ok)


class InlineTimeoutConnection(Connection):
    """redis-py bounds each socket write with `asyncio.wait_for`, which runs the write in a task
    of its own: a task created, scheduled and collected per command (py-spy: a fifth of a
    served feed page's CPU). `asyncio.timeout` bounds the same write inline, with the same
    outcome when it expires (the connection is dropped, `TimeoutError` raised)."""

    async def send_packed_command(
        self, command: bytes | str | Iterable[bytes], check_health: bool = True
    ) -> None:
        timeout = self.socket_timeout
        if not timeout:
            await super().send_packed_command(command, check_health)
            return
        # The library's own bound is off for this call (the connection serves one command at a
        # time); the health check's PING a write may start is inside the same bound.
        self.socket_timeout = None
        try:
            async with asyncio.timeout(timeout):
                await super().send_packed_command(command, check_health)
        except TimeoutError:
            await self.disconnect(nowait=True)
            raise RedisTimeoutError("Timeout writing to socket") from None
        finally:
            self.socket_timeout = timeout


def redis_client(settings: Settings) -> Redis:
    """A pooled client that fails fast and heals itself, for one server or a cluster.

    A pooled connection that went stale (Redis restarted) fails its next command with a
    ConnectionError: that command is retried once, on a fresh connection, with no backoff.
    Timeouts are not retried (a Redis that hangs would double the wait). Connections idle for
    `health_check_interval` are PINGed before use.

    With `redis_topology = "cluster"` it is redis-py's `RedisCluster`: each command goes to the
    node that holds its key's slot, multi-key commands must keep to one slot (every key name
    comes from `graphgram.redis_keys`, whose hash tags see to it), pipelines are split by node,
    and a MOVED reply (a failover) refreshes the slot map and retries. Callers keep the `Redis`
    type: the commands Graphgram uses exist on both with the same signatures."""
    if settings.redis_topology == "cluster":
        cluster = TimedRedisCluster.from_url(
            settings.redis_url,
            decode_responses=True,
            health_check_interval=10,
            socket_connect_timeout=settings.redis_connect_timeout_s,
            socket_timeout=settings.redis_timeout_s,
            socket_keepalive=True,
            # A slot whose master is down (until its replica is promoted) fails its own
            # commands; the others go on.
            require_full_coverage=False,
            retry=Retry(ExponentialBackoff(cap=0.5, base=0.05), retries=3),
        )
        return cast(Redis, cluster)
    client: Redis = TimedRedis.from_url(
        settings.redis_url,
        decode_responses=True,
        health_check_interval=10,
        socket_connect_timeout=settings.redis_connect_timeout_s,
        socket_timeout=settings.redis_timeout_s,
        socket_keepalive=True,
        retry=Retry(NoBackoff(), retries=1, supported_errors=(RedisConnectionError,)),
        connection_class=InlineTimeoutConnection,
    )
    return client


def object_store(settings: Settings, *, timed: bool = True) -> Minio:
    """The S3 client, with timeouts of seconds (the SDK's default connect timeout is 5 minutes)
    and few retries, so a store that is away fails a request quickly."""
    cls = TimedMinio if timed else Minio
    http = urllib3.PoolManager(
        timeout=urllib3.Timeout(
            connect=settings.s3_connect_timeout_s, read=settings.s3_read_timeout_s
        ),
        maxsize=16,
        retries=urllib3.Retry(
            total=2,
            connect=2,
            read=0,
            status=2,
            backoff_factor=0.1,
            status_forcelist=(500, 502, 503, 504),
        ),
    )
    return cls(
        settings.s3_endpoint,
        access_key=settings.s3_access_key,
        secret_key=settings.s3_secret_key,
        secure=settings.s3_secure,
        region=settings.s3_region,
        http_client=http,
    )


@dataclass
class RedisHealth:
    """What this process knows of Redis's derived state (timelines/repair.py keeps it).

    `suspect` from the moment this process saw Redis fail under a write, go away or restart, or
    saw a repair marker pending in Neo4j, until a repair that covers it has finished: meanwhile
    the home feed and the session check read Neo4j rather than what Redis holds. Reading it is
    an attribute lookup, no call to anything."""

    suspect: bool = False
    need: int = 0  # the newest repair record this process knows of (its number)
    unrecorded: set[str] = field(default_factory=set)  # records Neo4j did not take yet
    # Failures are recorded one Neo4j write at a time per process, each covering every failure
    # before it began (timelines/repair.py `note`): an outage costs Neo4j a write per round
    # trip, not one per failed request, all on one node.
    marking: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: set[str] = field(default_factory=set)
    marked_from: float = float("-inf")  # monotonic start of the last record Neo4j took
    failed_from: float = float("-inf")  # monotonic start of the last record Neo4j refused


@dataclass
class Backends:
    settings: Settings
    driver: AsyncDriver
    graph: Graph
    redis: Redis
    s3: Minio
    # The same Redis pool, for hot commands sent by concurrent requests: one write per batch.
    redis_batched: CommandBatcher
    # Each user's last write bookmark (read-your-writes across processes: graph/bookmarks.py).
    bookmarks: RedisBookmarks
    health: RedisHealth = field(default_factory=RedisHealth)
    # The analytics copy (settings.analytics_neo4j_uri), when one is configured: where the
    # analysts' saved queries run unless they ask for the serving graph.
    analytics: Graph | None = None

    @classmethod
    def build(cls, settings: Settings) -> Backends:
        driver = make_async_driver(settings)
        redis = redis_client(settings)
        analytics = None
        if settings.analytics_neo4j_uri:
            copy = settings.model_copy(update={"neo4j_uri": settings.analytics_neo4j_uri})
            analytics = Graph(
                make_async_driver(copy), settings.neo4j_database, settings.neo4j_query_timeout_s
            )
        return cls(
            settings=settings,
            driver=driver,
            graph=Graph(driver, settings.neo4j_database, settings.neo4j_query_timeout_s),
            redis=redis,
            s3=object_store(settings),
            redis_batched=CommandBatcher(redis, timeout_s=settings.redis_timeout_s),
            bookmarks=RedisBookmarks(redis, settings.neo4j_bookmark_ttl_s),
            analytics=analytics,
        )

    async def close(self) -> None:
        await self.redis.aclose()
        await self.driver.close()
        if self.analytics is not None:
            await self.analytics.driver.close()


@asynccontextmanager
async def open_backends(settings: Settings) -> AsyncIterator[Backends]:
    backends = Backends.build(settings)
    try:
        yield backends
    finally:
        await backends.close()
