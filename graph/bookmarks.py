"""Read-your-writes across requests and API processes: a user's last write bookmark, in Redis.

A bookmark names a committed transaction; a session opened with it reads on a Neo4j member
only once that member has applied the transaction. Within one request the causal chain
(`graph.driver.causal_chain`) carries bookmarks from statement to statement. Across requests
the chain of the user who wrote keeps its newest bookmark here, before the response leaves, and
the same user's next request, on any API process, hands it to its sessions: a post written
through one process is in the author's profile and feed when read through another at once,
even where reads go to a secondary that has not caught up yet.

One small key per user, `bm:{u:<user id>}` (`graphgram.redis_keys.bookmark`; the hash tag
puts it with the user's other keys on Redis Cluster), a JSON list of bookmark strings, kept
`ttl_s` seconds (a secondary lags by milliseconds to seconds; after that the bookmark says
nothing the member does not know). It is read only when the request runs a Neo4j statement:
requests answered from Redis alone (the fast feed page) never read it. Losing it (Redis away,
TTL) costs consistency for that user's next read, never a write.
"""

from __future__ import annotations

import json
import logging
from typing import Protocol

from redis.asyncio import Redis
from redis.exceptions import RedisError

from graphgram import redis_keys

log = logging.getLogger(__name__)


def bookmark_key(user_id: str) -> str:
    return redis_keys.bookmark(user_id)


class BookmarkStore(Protocol):
    async def load(self, user_id: str) -> list[str]: ...
    async def save(self, user_id: str, bookmarks: list[str]) -> None: ...


class RedisBookmarks:
    """The bookmark store of one process, on its Redis client."""

    def __init__(self, redis: Redis, ttl_s: int) -> None:
        self.redis = redis
        self.ttl_s = ttl_s

    async def load(self, user_id: str) -> list[str]:
        try:
            raw = await self.redis.get(bookmark_key(user_id))
        except (RedisError, OSError) as exc:
            log.warning("bookmark of %s unavailable, reading without it (%s)", user_id, exc)
            return []
        if not raw:
            return []
        try:
            values = json.loads(raw)
        except ValueError:
            return []
        return [v for v in values if isinstance(v, str)] if isinstance(values, list) else []

    async def save(self, user_id: str, bookmarks: list[str]) -> None:
        try:
            value = json.dumps(sorted(bookmarks))
            await self.redis.set(bookmark_key(user_id), value, ex=self.ttl_s)
        except (RedisError, OSError) as exc:
            log.warning("bookmark of %s not kept (%s)", user_id, exc)
