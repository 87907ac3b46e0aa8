"""backends.batching on Redis Cluster: the commands of one turn go as one write per node, and a
command sent to a node that no longer holds its slot is answered all the same (run with
GRAPHGRAM_TEST_REDIS=cluster, as `make test-cluster` does)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from redis.asyncio.cluster import RedisCluster

from backends.batching import NODE_GET, CommandBatcher, MultiGet
from graphgram.settings import Settings
from tests.fixtures.redis_cluster import evalsha_calls

pytestmark = pytest.mark.no_clean


def cluster_only(settings: Settings) -> None:
    if settings.redis_topology != "cluster":
        pytest.skip("a Redis Cluster test: run with GRAPHGRAM_TEST_REDIS=cluster")


async def _connections(client: RedisCluster, name: str) -> dict[str, int]:
    found: dict[str, int] = {}
    for node in client.get_primaries():
        listed: Any = await client.client_list(target_nodes=node)
        found[node.name] = sum(1 for c in listed if c.get("name") == name)
    return found


async def test_commands_of_one_turn_go_one_write_per_node(settings: Settings) -> None:
    """Sixty commands on keys of every master, issued at once: one connection per master (the
    cluster client alone opens one per command in flight), each reply its own, as bytes."""
    cluster_only(settings)
    name = "batching-cluster-one-turn"
    client = RedisCluster.from_url(settings.redis_url, client_name=name)
    await client.initialize()
    batcher = CommandBatcher(client, timeout_s=2)  # type: ignore[arg-type]
    keys = [f"batching-test:{{k{i}}}" for i in range(60)]
    before = await _connections(client, name)  # the slot map's own
    try:
        await batcher.execute_many(
            [("SET", key, f"v{i}", "EX", "10") for i, key in enumerate(keys)]
        )
        replies = await asyncio.gather(*(batcher.execute("GET", key) for key in keys))
        assert replies == [f"v{i}".encode() for i in range(60)]
        counts = await _connections(client, name)
        assert len(counts) == 3
        # At most one more than the client had (the batch may reuse one it keeps idle).
        assert all(counts[node] - before.get(node, 0) <= 1 for node in counts), (before, counts)
        many = await batcher.execute_many([("GET", key) for key in keys])
        assert many == replies
    finally:
        await client.aclose()


async def test_a_command_sent_to_the_wrong_node_is_redirected(settings: Settings) -> None:
    """The batcher routes by the client's slot map; where that map is wrong (as after a failover
    or a resharding), the node answers MOVED and the command goes again through the cluster
    client, which follows it: the caller gets its reply."""
    cluster_only(settings)
    client = RedisCluster.from_url(settings.redis_url)
    await client.initialize()
    batcher = CommandBatcher(client, timeout_s=2)  # type: ignore[arg-type]
    key = "batching-test:{moved}"
    try:
        await client.set(key, "here", ex=10)
        slot = client.keyslot(key)
        right = client.nodes_manager.get_node_from_slot(slot)
        wrong = next(n for n in client.get_primaries() if n.name != right.name)
        client.nodes_manager.slots_cache[slot] = [wrong]
        assert await batcher.execute("GET", key) == b"here"
    finally:
        await client.aclose()


async def test_a_multi_get_is_one_call_per_node(settings: Settings) -> None:
    """Sixty keys of sixty slots on every master, some missing, read as one MultiGet: each master
    gets one `cluster/node_get` call, and the values come back in the keys' order."""
    cluster_only(settings)
    client = RedisCluster.from_url(settings.redis_url)
    await client.initialize()
    batcher = CommandBatcher(client, timeout_s=2)  # type: ignore[arg-type]
    keys = tuple(f"batching-test:{{mg{i}}}" for i in range(60))
    try:
        await client.script_load(NODE_GET.text)
        for i, key in enumerate(keys):
            if i % 3:
                await client.set(key, f"v{i}", ex=10)
        before = await evalsha_calls(client)
        values, echoed = await batcher.execute_many([MultiGet(keys), ("ECHO", "after")])
        assert values == [f"v{i}".encode() if i % 3 else None for i in range(60)]
        assert echoed == b"after"
        after = await evalsha_calls(client)
        assert {node: after[node] - before[node] for node in after} == dict.fromkeys(after, 1)
    finally:
        await client.aclose()


async def test_a_multi_get_part_on_the_wrong_node_is_read_key_by_key(settings: Settings) -> None:
    """Where the slot map is wrong for some keys (a failover or a resharding since it was read),
    the node refuses the part that names them (MOVED for its first key, "non local key" for the
    others), and those keys are read again a GET each: the values are all there."""
    cluster_only(settings)
    client = RedisCluster.from_url(settings.redis_url)
    await client.initialize()
    batcher = CommandBatcher(client, timeout_s=2)  # type: ignore[arg-type]
    keys = tuple(f"batching-test:{{mw{i}}}" for i in range(30))
    try:
        await client.script_load(NODE_GET.text)
        for i, key in enumerate(keys):
            await client.set(key, f"w{i}", ex=10)
        primaries = client.get_primaries()
        # Every third key's slot mapped to the next master: misplaced keys first and later in
        # their (wrong) node's part.
        for key in keys[::3]:
            slot = client.keyslot(key)
            right = client.nodes_manager.get_node_from_slot(slot)
            at = [n.name for n in primaries].index(right.name)
            client.nodes_manager.slots_cache[slot] = [primaries[(at + 1) % len(primaries)]]
        values = (await batcher.execute_many([MultiGet(keys)]))[0]
        assert values == [f"w{i}".encode() for i in range(30)]
    finally:
        await client.aclose()


async def test_a_multi_get_loads_its_script_where_it_is_missing(settings: Settings) -> None:
    """A restarted or newly promoted master has no scripts: that call is answered with GETs and
    the script is loaded on every master for the next one."""
    cluster_only(settings)
    client = RedisCluster.from_url(settings.redis_url)
    await client.initialize()
    batcher = CommandBatcher(client, timeout_s=2)  # type: ignore[arg-type]
    keys = tuple(f"batching-test:{{ms{i}}}" for i in range(30))
    try:
        for i, key in enumerate(keys):
            await client.set(key, f"s{i}", ex=10)
        await client.script_flush()  # every primary
        values = (await batcher.execute_many([MultiGet(keys)]))[0]
        assert values == [f"s{i}".encode() for i in range(30)]
        loaded: Any = await client.script_exists(NODE_GET.sha)
        assert loaded == [True]
    finally:
        await client.aclose()
