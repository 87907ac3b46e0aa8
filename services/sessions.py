"""Sessions: log out, log out everywhere, sweep expired credentials, and the session cache's
tombstones.

Neo4j holds the sessions; Redis caches each one under `session:<sha256>` (read by
`api.auth.deps`). Ending sessions writes a short-lived "revoked" tombstone over each cache
entry, and the cache is only ever filled with SET NX, so a request that read a session just
before it ended cannot put it back into the cache.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from redis.asyncio import Redis
from redis.exceptions import RedisError

from backends import Backends
from graph import accounts
from graph.driver import Graph
from graphgram import redis_keys
from graphgram.settings import Settings
from timelines import repair
from wire import sessions

log = logging.getLogger(__name__)

# The tombstone over an ended session (the cache format: wire/sessions.py).
REVOKED = sessions.REVOKED


def cache_key(sid: str) -> str:
    return redis_keys.session(sid)


async def forget_sessions(
    cache: Redis, settings: Settings, session_ids: Iterable[str], *, graph: Graph
) -> None:
    """Tombstone the cache entries of sessions just ended in Neo4j.

    The sessions are ended whatever Redis does, so this never fails the request: when Redis
    does not answer, a repair marker is recorded in Neo4j instead, and the repair drops the
    session cache before any process trusts it again (timelines/repair.py)."""
    keys = [cache_key(sid) for sid in session_ids]
    if not keys:
        return
    try:
        async with cache.pipeline(transaction=False) as pipe:
            for key in keys:
                pipe.set(key, REVOKED, ex=settings.session_cache_ttl_s)
            await pipe.execute()
    except (RedisError, OSError) as exc:
        log.warning("session cache did not take %d revocations (%r)", len(keys), exc)
        await repair.record(graph, settings.timeline_namespace, "sessions")


async def log_out(backends: Backends, session_id: str) -> None:
    """End one session."""
    await accounts.delete_session(backends.graph, session_id)
    await forget_sessions(backends.redis, backends.settings, [session_id], graph=backends.graph)


async def log_out_everywhere(backends: Backends, viewer_id: str, session_id: str) -> None:
    """End every session of the account, `session_id` (the caller's own) included."""
    ended = await accounts.end_sessions(backends.graph, viewer_id, keep_session_id=None)
    await forget_sessions(
        backends.redis, backends.settings, [*ended, session_id], graph=backends.graph
    )


async def sweep_expired(backends: Backends, batch: int) -> int:
    """Delete expired sessions, app tokens and authorization codes in batches (one write
    transaction each) until none is left; how many nodes went. An expired credential is already
    refused and its cache entry never outlives it, so nothing is tombstoned."""
    total = 0
    while True:
        deleted = await accounts.delete_expired(backends.graph, batch=batch)
        total += deleted
        if deleted < batch:
            return total
