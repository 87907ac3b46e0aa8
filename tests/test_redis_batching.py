"""backends.batching: commands of concurrent requests share one write, against the real Redis."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, ResponseError
from redis.exceptions import TimeoutError as RedisTimeoutError

from backends import redis_client
from backends.batching import CommandBatcher, MultiGet
from graphgram.settings import Settings
from tests.fixtures.relay import Relay, stalling_relay


async def _connections(redis: Redis, name: str) -> int:
    clients = await redis.client_list()
    return sum(1 for c in clients if c.get("name") == name)


async def test_commands_of_one_turn_share_one_connection_and_keep_their_replies(
    settings: Settings,
) -> None:
    """Fifty commands issued at once go out on one connection (the client alone would open
    fifty), and each gets its own reply, as bytes."""
    name = "batching-test-one-turn"
    client: Redis = Redis.from_url(settings.redis_url, client_name=name)
    batcher = CommandBatcher(client, timeout_s=2)
    try:
        replies = await asyncio.gather(*(batcher.execute("ECHO", f"reply-{i}") for i in range(50)))
        assert replies == [f"reply-{i}".encode() for i in range(50)]
        assert await _connections(client, name) == 1
        # The library's own path, for contrast: fifty connections for fifty at once.
        await asyncio.gather(*(client.echo(f"reply-{i}") for i in range(50)))
        assert await _connections(client, name) == 50
    finally:
        await client.aclose()


async def test_an_error_reply_fails_its_own_command_only(settings: Settings) -> None:
    client = redis_client(settings)
    batcher = CommandBatcher(client, timeout_s=2)
    try:
        await client.set("batching-test-string", "not a number", ex=5)
        results: tuple[Any, ...] = await asyncio.gather(
            batcher.execute("SET", "batching-test-key", "1", "EX", "5"),
            batcher.execute("INCR", "batching-test-string"),
            batcher.execute("EVALSHA", "0" * 40, "0"),
            batcher.execute("INCR", "batching-test-key"),
            return_exceptions=True,
        )
        ok, wrong, missing_script, after = results
        assert ok == b"OK"
        assert isinstance(wrong, ResponseError)
        assert isinstance(missing_script, NoScriptError)  # fastpage reloads its script on it
        assert after == 2
    finally:
        await client.aclose()


async def test_a_cancelled_caller_leaves_the_batch_whole(settings: Settings) -> None:
    """A request whose client went away is cancelled while its command is in flight: the
    others of the batch still get their replies, and the connection stays usable."""
    client = redis_client(settings)
    batcher = CommandBatcher(client, timeout_s=2)
    try:
        gone = asyncio.ensure_future(batcher.execute("ECHO", "gone"))
        kept = asyncio.ensure_future(batcher.execute("ECHO", "kept"))
        await asyncio.sleep(0)  # both queued in this turn
        gone.cancel()
        assert await kept == b"kept"
        assert await batcher.execute("ECHO", "next") == b"next"
    finally:
        await client.aclose()


async def test_a_redis_that_is_away_fails_the_batch_fast(settings: Settings) -> None:
    """Nothing listens: every command of the batch gets the connection error at once (the feed's
    hot path then leaves the request to the route, which answers 503)."""
    client = redis_client(
        settings.model_copy(update={"redis_url": "redis://127.0.0.1:1/0"})  # nothing there
    )
    batcher = CommandBatcher(client, timeout_s=2)
    try:
        results = await asyncio.gather(
            batcher.execute("ECHO", "a"), batcher.execute("ECHO", "b"), return_exceptions=True
        )
        assert all(isinstance(r, RedisConnectionError) for r in results)
    finally:
        await client.aclose()


async def test_a_stalled_redis_times_out_and_the_connection_is_dropped(settings: Settings) -> None:
    """The real Redis behind a relay that stops answering: the batch ends after its timeout
    with redis-py's TimeoutError, and the next batch, on a fresh connection, succeeds."""
    async with stalling_relay(settings.redis_url, "down") as relay:
        await _time_out_a_batch(settings, relay)


async def _time_out_a_batch(settings: Settings, relay: Relay) -> None:
    client = redis_client(
        settings.model_copy(update={"redis_url": f"redis://127.0.0.1:{relay.port}/0"})
    )
    batcher = CommandBatcher(client, timeout_s=0.5)
    try:
        assert await batcher.execute("ECHO", "before") == b"before"
        relay.stall()
        started = time.perf_counter()
        results = await asyncio.gather(
            batcher.execute("ECHO", "a"), batcher.execute("ECHO", "b"), return_exceptions=True
        )
        assert all(isinstance(r, RedisTimeoutError) for r in results)
        assert 0.4 < time.perf_counter() - started < 3
        relay.resume()
        assert await batcher.execute("ECHO", "after") == b"after"
    finally:
        await client.aclose()


@pytest.mark.parametrize("concurrent", [1, 8])
async def test_replies_match_the_library_client(settings: Settings, concurrent: int) -> None:
    """The same commands through redis-py's own path and through the batcher give the same
    replies (undecoded here)."""
    client = redis_client(settings)
    batcher = CommandBatcher(client, timeout_s=2)
    try:
        await client.delete("batching-test-zset")
        await client.zadd("batching-test-zset", {f"m{i}": 0 for i in range(5)})
        ours = await asyncio.gather(
            *(
                batcher.execute("ZREVRANGEBYLEX", "batching-test-zset", "+", "-")
                for _ in range(concurrent)
            )
        )
        theirs = [str(m) for m in await client.zrevrangebylex("batching-test-zset", "+", "-")]
        assert theirs == [f"m{i}" for i in range(4, -1, -1)]
        assert ours == [[m.encode() for m in theirs]] * concurrent
    finally:
        await client.delete("batching-test-zset")
        await client.aclose()


async def test_a_multi_get_reads_its_keys_in_order_among_other_commands(
    settings: Settings,
) -> None:
    """A MultiGet's reply is its keys' values in order, None where a key is missing, beside the
    other commands of the call (one MGET here; one call per node on a cluster)."""
    client = redis_client(settings)
    batcher = CommandBatcher(client, timeout_s=2)
    keys = tuple(f"batching-test:{{m{i}}}" for i in range(12))
    try:
        for i, key in enumerate(keys):
            if i % 4:
                await client.set(key, f"m{i}", ex=5)
        before, values, after, none = await batcher.execute_many(
            [("ECHO", "before"), MultiGet(keys), ("ECHO", "after"), MultiGet(keys[:1])]
        )
        assert (before, after) == (b"before", b"after")
        assert values == [f"m{i}".encode() if i % 4 else None for i in range(12)]
        assert none == [None]
    finally:
        await client.aclose()
