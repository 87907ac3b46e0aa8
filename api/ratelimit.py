"""Fixed-window rate limits kept in Redis (counters are ephemeral by nature: losing them only
resets the windows)."""

from __future__ import annotations

from redis.asyncio import Redis

from graphgram.errors import TooManyRequests


class RateLimited(TooManyRequests):
    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


def _key(key: str) -> str:
    return f"ratelimit:{key}"


async def check(redis: Redis, key: str, *, limit: int, what: str) -> None:
    """Refuse when `limit` attempts were already counted in the current window."""
    async with redis.pipeline(transaction=False) as pipe:
        pipe.get(_key(key))
        pipe.ttl(_key(key))
        count, ttl = await pipe.execute()
    if count is not None and int(count) >= limit:
        wait = max(int(ttl), 1)
        raise RateLimited(f"too many {what}: try again in {wait} s", retry_after=wait)


async def count(redis: Redis, key: str, *, window_s: int) -> None:
    """Count one attempt; the window starts with the first attempt."""
    async with redis.pipeline(transaction=True) as pipe:
        pipe.incr(_key(key))
        pipe.expire(_key(key), window_s, nx=True)
        await pipe.execute()


async def hit(redis: Redis, key: str, *, limit: int, window_s: int, what: str) -> None:
    """Check, then count this attempt (for actions limited whether they succeed or not)."""
    await check(redis, key, limit=limit, what=what)
    await count(redis, key, window_s=window_s)
