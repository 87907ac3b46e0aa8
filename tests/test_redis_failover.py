"""Redis Cluster failover under load: kill -9 the master that holds a reader's timeline while
authors post and readers read their feeds (run with `GRAPHGRAM_TEST_REDIS=cluster`).

Its replica is promoted (cluster-node-timeout 3 s, ops/redis_cluster.py); meanwhile no request
waits more than 10 s, and one that cannot be answered is a 503 with Retry-After, never a 500.
Afterwards the repair (a promoted replica changes the primaries' run ids, timelines/repair.py)
rebuilds what the lost master held: every acknowledged post is in the graph and in every
follower's feed, and each feed equals the Cypher fan-in page by page. Prints the slowest answer
while the master was down, when the replica was promoted and when every kind of call worked again.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
from neo4j import Driver
from redis.cluster import RedisCluster

from api.app import create_app
from graph import timelines as tl_graph
from graphgram.redis_keys import Keys
from graphgram.settings import Settings
from ops.redis_cluster import RedisClusterService
from tests import test_faults
from tests.fixtures.factories import Factory
from tests.test_faults import Load, Write, existing, feed_pages, kill_pid, run_load, writer

# The fault tests' fixtures: this stack instance, emptied before the test.
local_stack = test_faults.local_stack
clean_state_now = test_faults.clean_state_now
clean = test_faults.clean

pytestmark = [pytest.mark.no_clean, pytest.mark.faults]

LOAD_AFTER_KILL_S = 20.0


def reader_step(follower: dict[str, Any]) -> Any:
    async def step(client: httpx.AsyncClient, _: int) -> tuple[httpx.Response, str | None]:
        return await client.get("/feed", params={"limit": "20"}, headers=follower["headers"]), None

    return step


def master_port(client: RedisCluster, key: str) -> int:
    node = client.get_node_from_key(key)  # type: ignore[no-untyped-call]
    return int(node.port)


def promoted(client: RedisCluster, dead_port: int) -> bool:
    """Whether a replica serves the dead master's slots and every live node says ok."""
    try:
        nodes = client.cluster_nodes()
    except Exception:  # noqa: BLE001 - the client is refreshing its view: not yet
        return False
    masters = [
        address
        for address, n in nodes.items()
        if "master" in str(n["flags"]) and "fail" not in str(n["flags"]) and n["connected"]
        if not address.endswith(f":{dead_port}")
    ]
    return len(masters) == 3


async def test_a_killed_master_fails_over_under_load_and_nothing_acknowledged_is_lost(
    clean: Settings, factory: Factory, neo4j_driver: Driver, redis_client: Any
) -> None:
    if clean.redis_topology != "cluster":
        pytest.skip("a Redis Cluster test: run with GRAPHGRAM_TEST_REDIS=cluster")
    authors = [factory.user(f"author{i}") for i in range(2)]
    followers = [factory.user(f"reader{i}") for i in range(3)]
    for reader_ in followers:
        for author in authors:
            factory.follow(reader_, author)
    for author in authors:
        for n in range(12):
            factory.post(author, f"{author['username']} before {n}")
    settings = clean.model_copy(
        update={
            "rate_limits": False,
            "media_worker": False,
            "timeline_worker": True,
            "timeline_repair": True,
        }
    )
    cluster = RedisClusterService(clean)
    dead_port = master_port(
        redis_client, Keys(settings.timeline_namespace).home(followers[0]["id"])
    )
    app = create_app(settings)
    writes: list[Write] = []
    async with app.router.lifespan_context(app):
        backends = app.state.backends
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=60
        ) as client:
            for reader_ in followers:  # timelines built before the kill, as for active users
                _, _, before = await feed_pages(client, backends, reader_)
                assert not before
            steps = {
                "post0": writer(authors[0], "native", False, writes),
                "post1": writer(authors[1], "native", False, writes),
                **{f"feed{i}": reader_step(r) for i, r in enumerate(followers)},
            }
            load, stop = Load(), asyncio.Event()
            runner = asyncio.create_task(run_load(client, steps, load, stop))
            await asyncio.sleep(1.5)
            pid = cluster.node_pid(dead_port)
            assert pid is not None
            killed_at = time.monotonic()
            await asyncio.to_thread(kill_pid, pid)
            promoted_at = None
            while time.monotonic() < killed_at + LOAD_AFTER_KILL_S:
                if promoted_at is None and await asyncio.to_thread(
                    promoted, redis_client, dead_port
                ):
                    promoted_at = time.monotonic()
                await asyncio.sleep(0.25)
            stop.set()
            await runner
            # The killed node comes back as a replica of its successor.
            await asyncio.to_thread(cluster.launch_node, dead_port)
            # The repair: bounded wait until no marker is pending and this process trusts Redis.
            deadline = time.monotonic() + 60
            state = None
            while time.monotonic() < deadline:
                state = await tl_graph.repair_state(backends.graph, settings.timeline_namespace)
                if state is not None and not state.pending and not backends.health.suspect:
                    break
                await asyncio.sleep(0.2)
            assert state is not None
            assert not state.pending, state
            acknowledged = [w.post_id for w in writes if w.status in (200, 201) and w.post_id]
            differed: list[str] = []
            missing_in_feeds: dict[str, int] = {}
            for reader_ in followers:
                served, _, bad = await feed_pages(client, backends, reader_)
                differed += bad
                missing_in_feeds[reader_["username"]] = len(set(acknowledged) - set(served))
        await asyncio.to_thread(cluster.start, lambda _: None, 60.0)
    assert promoted_at is not None, "no replica took over within the load"
    after_kill = [c for c in load.calls if c.started >= killed_at]
    down = [c for c in after_kill if c.started < promoted_at]
    slowest = max((c.seconds for c in after_kill), default=0.0)
    recovered_at = max(
        min((c.started + c.seconds for c in after_kill if c.name == n and c.status < 300
             and c.started >= killed_at), default=float("inf"))
        for n in steps
    )  # fmt: skip
    failed = [(c.name, c.status, c.body) for c in after_kill if c.status >= 300]
    lost = set(acknowledged) - existing(neo4j_driver, clean, "Post", acknowledged)
    print(
        f"\nRedis master :{dead_port} killed under load: replica promoted after "
        f"{promoted_at - killed_at:.1f} s; {len(down)} calls while down, slowest answer after "
        f"the kill {slowest:.2f} s; every kind of call answered 2xx again "
        f"{recovered_at - killed_at:.1f} s after the kill; {len(failed)} non-2xx "
        f"({sorted({s for _, s, _ in failed})}); {len(acknowledged)} posts acknowledged, "
        f"missing from the graph {len(lost)}, "
        f"from the feeds {missing_in_feeds}; feeds differing from Cypher: {len(differed)}"
    )  # fmt: skip
    assert slowest < 10.0
    assert all(s == 503 for _, s, _ in failed), failed[:5]
    assert all(c.retry_after for c in after_kill if c.status == 503)
    assert acknowledged
    assert not lost
    assert all(n == 0 for n in missing_in_feeds.values()), missing_in_feeds
    assert not differed, differed[:5]
