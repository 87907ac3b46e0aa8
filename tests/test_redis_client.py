"""The Redis client the backends build (backends.redis_client): commands bounded in time."""

from __future__ import annotations

import time

import pytest
from redis.exceptions import TimeoutError as RedisTimeoutError

from backends import InlineTimeoutConnection, redis_client
from graphgram.settings import Settings
from tests.fixtures.relay import Relay, stalling_relay


async def test_a_write_that_stalls_times_out_and_drops_the_connection(settings: Settings) -> None:
    """The real Redis behind a path that stops carrying bytes (a hung server, a partition): the
    write fills the socket's buffers and `asyncio.timeout` (not the library's `wait_for` task)
    ends it after the socket timeout with redis-py's TimeoutError; the connection is dropped and
    the bound is in place for the next command."""
    async with stalling_relay(settings.redis_url, "up") as relay:
        await _stall_a_write(settings, relay)


async def _stall_a_write(settings: Settings, relay: Relay) -> None:
    client = redis_client(
        settings.model_copy(
            update={"redis_url": f"redis://127.0.0.1:{relay.port}/0", "redis_timeout_s": 0.5}
        )
    )
    try:
        assert await client.ping()  # through the relay, while it carries bytes
        connection = await client.connection_pool.get_connection()  # type: ignore[no-untyped-call]
        assert isinstance(connection, InlineTimeoutConnection)
        await client.connection_pool.release(connection)
        relay.stall()
        started = time.perf_counter()
        with pytest.raises(RedisTimeoutError, match="writing"):
            # Far more than the kernel's buffers on both ends hold.
            await client.set("redis-client-test-stall", "x" * 64 * 1024 * 1024, ex=5)
        assert 0.4 < time.perf_counter() - started < 5
        assert connection.socket_timeout == 0.5
        assert not connection.is_connected
    finally:
        await client.aclose()


async def test_commands_run_with_the_inline_bound(settings: Settings) -> None:
    client = redis_client(settings)
    try:
        await client.set("redis-client-test", "1", ex=5)
        assert await client.get("redis-client-test") == "1"
        pipe = client.pipeline()
        pipe.incr("redis-client-test")
        pipe.get("redis-client-test")
        assert await pipe.execute() == [2, "2"]
    finally:
        await client.aclose()
