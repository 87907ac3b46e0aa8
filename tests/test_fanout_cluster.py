"""A post's fan-out on Redis Cluster: `timelines.store.add` over windows of many slots is one
`cluster/node_add_if_exists` call per node, does exactly what `timelines/add_if_exists` does per
slot, and still adds to every window when the slot map is wrong or the script is missing (run
with GRAPHGRAM_TEST_REDIS=cluster, as `make test-cluster` does)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from typing import Any

import pytest
from redis.asyncio.cluster import RedisCluster

from graphgram.settings import Settings
from tests.fixtures.redis_cluster import evalsha_calls
from timelines import store

pytestmark = pytest.mark.no_clean

CAP = 5


@pytest.fixture
async def cluster(settings: Settings) -> AsyncIterator[RedisCluster]:
    if settings.redis_topology != "cluster":
        pytest.skip("a Redis Cluster test: run with GRAPHGRAM_TEST_REDIS=cluster")
    client = RedisCluster.from_url(settings.redis_url, decode_responses=True)
    await client.initialize()
    try:
        yield client
    finally:
        await client.aclose()


def windows(tag: str, n: int) -> list[str]:
    """`n` windows of `n` owners (one slot each), named as home timelines are."""
    return [f"fanout-test:{{u:{tag}-{i}}}:home" for i in range(n)]


async def fill(client: RedisCluster, keys: list[str]) -> None:
    """Every third window missing; the others of every shape `add_to_windows` treats apart:
    exact for every id, exact from a floor, full to the cap, being built."""
    for i, key in enumerate(keys):
        shape = i % 3 and i % 4
        if i % 3 == 0:
            continue
        members = {
            0: ["!", "01a", "01b"],
            1: ["!01a", "01a", "01b", "01c"],
            2: ["!", *(f"01{c}" for c in "abcde")],
            3: ["!?", "01a"],
        }[shape]
        await client.zadd(key, dict.fromkeys(members, 0))
        await client.expire(key, 60)


async def contents(client: RedisCluster, keys: list[str]) -> list[list[str] | None]:
    found: list[list[str] | None] = []
    for key in keys:
        members: Any = await client.zrange(key, 0, -1)
        found.append(list(members) if await client.exists(key) else None)
    return found


async def test_a_fan_out_is_one_call_per_node_and_does_what_the_per_slot_script_does(
    cluster: RedisCluster,
) -> None:
    """90 windows on every master, added to twice (a trim, a floor moved up): each master gets
    one call per add, and every window ends as the same windows given to `add_if_exists` one
    slot at a time."""
    tag = secrets.token_hex(4)
    by_node, by_slot = windows(f"n{tag}", 90), windows(f"s{tag}", 90)
    await fill(cluster, by_node)
    await fill(cluster, by_slot)
    await cluster.script_load(store.NODE_ADD_IF_EXISTS.text)
    await cluster.script_load(store.ADD_IF_EXISTS.text)
    for ids, exact_from in ((["01f"], ""), (["01g", "01h"], "01b")):
        before = await evalsha_calls(cluster)
        added = await store.add(cluster, by_node, ids, CAP, exact_from=exact_from)  # type: ignore[arg-type]
        after = await evalsha_calls(cluster)
        assert {node: after[node] - before[node] for node in after} == dict.fromkeys(after, 1)
        per_slot = await store.run_per_slot(
            cluster, store.ADD_IF_EXISTS, by_slot, [CAP, exact_from, *ids]
        )
        assert len(per_slot) == 90  # one call per window: each is its own slot
        assert added == sum(int(n) for n in per_slot) == 60
    got, expected = await contents(cluster, by_node), await contents(cluster, by_slot)
    assert got == expected
    assert got[0] is None  # a missing window stays missing
    assert got[1] == ["!01b", "01b", "01c", "01f", "01g", "01h"]  # trimmed; floor up to 01b
    assert got[2] == ["!01d", "01d", "01e", "01f", "01g", "01h"]  # trimmed twice, to the cap
    assert got[7] == ["!?", "01a", "01f", "01g", "01h"]  # being built: its sentinel stays


async def test_a_node_that_no_longer_holds_a_window_is_answered_per_slot(
    cluster: RedisCluster,
) -> None:
    """Where the slot map is wrong for some windows (a failover or a resharding since it was
    read), the node refuses its call ("non local key"; MOVED for its first window), maybe after
    adding to some; its windows are added to again one slot at a time: every window has the id
    once, and the count is every window that exists."""
    keys = windows(f"w{secrets.token_hex(4)}", 45)
    await fill(cluster, keys)
    await cluster.script_load(store.NODE_ADD_IF_EXISTS.text)
    primaries = cluster.get_primaries()
    for key in keys[1::4]:
        slot = cluster.keyslot(key)
        right = cluster.nodes_manager.get_node_from_slot(slot)
        at = [n.name for n in primaries].index(right.name)
        cluster.nodes_manager.slots_cache[slot] = [primaries[(at + 1) % len(primaries)]]
    assert await store.add(cluster, keys, ["01z"], CAP) == 30  # type: ignore[arg-type]
    for key, members in zip(keys, await contents(cluster, keys), strict=True):
        if members is not None:
            assert members.count("01z") == 1, key


async def test_a_fan_out_loads_its_script_where_it_is_missing(cluster: RedisCluster) -> None:
    """A restarted or newly promoted master has no scripts: the script is loaded on every master
    and the call sent again."""
    keys = windows(f"m{secrets.token_hex(4)}", 30)
    await fill(cluster, keys)
    await cluster.script_flush()  # every primary
    assert await store.add(cluster, keys, ["01y"], CAP) == 20  # type: ignore[arg-type]
    assert await cluster.script_exists(store.NODE_ADD_IF_EXISTS.sha) == [True]
    assert all(m is None or "01y" in m for m in await contents(cluster, keys))
