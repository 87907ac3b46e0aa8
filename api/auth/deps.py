"""`CurrentUser`: the caller behind a bearer token (routes declare their scope with the types in
`api.auth.scopes`, which build on it).

Neo4j holds the sessions; Redis caches each one for at most `session_cache_ttl_s` and never
past its expiry. While Redis is away, sessions are read from Neo4j (slower, still correct).
Ending sessions (logout, logout-all, a password change) writes a short-lived "revoked"
tombstone over each cache entry (`services.sessions.forget_sessions`), and the cache is only ever
filled with SET NX, so a request that read a session just before it ended cannot put it back into
the cache. When Redis does not
take the tombstones, the sessions are ended all the same (Neo4j holds them) and a repair marker
is recorded: the repair drops the whole session cache (timelines/repair.py), and until it has,
this process reads sessions from Neo4j only.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Annotated, Any, cast

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from redis.asyncio import Redis
from redis.exceptions import RedisError

from api.deps import get_backends
from backends import Backends
from graph import accounts
from graph.driver import Graph as GraphClient
from graph.driver import join_chain
from graphgram.errors import Unauthorized
from graphgram.metrics import cache_lookup
from graphgram.settings import Settings
from services.security import session_id
from services.sessions import REVOKED
from services.sessions import cache_key as cache_key
from services.sessions import forget_sessions as forget_sessions
from wire import sessions

log = logging.getLogger(__name__)

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <access_token>`")

DEFAULT_CACHE_TTL_S: int = Settings.model_fields["session_cache_ttl_s"].default


@dataclass(frozen=True)
class Viewer:
    id: str
    username: str
    role: str
    session_id: str
    # The OAuth scopes of an app's token; None for a first-party session (every scope).
    scopes: frozenset[str] | None = None

    @property
    def first_party(self) -> bool:
        return self.scopes is None


def session_payload(row: Mapping[str, Any]) -> str:
    """The session cache's value for a session row (its format: `wire.sessions`, which the fast
    feed page reads too)."""
    return sessions.encode(
        id=row["id"], username=row["username"], role=row["role"], scopes=row["scopes"]
    )


def _viewer(data: Mapping[str, Any], sid: str) -> Viewer:
    """The viewer of a session row or of a cached session (`wire.sessions.CachedSession`)."""
    scopes = data["scopes"]
    return Viewer(
        data["id"], data["username"], data["role"], sid,
        None if scopes is None else frozenset(scopes),
    )  # fmt: skip


async def viewer_for_token(
    graph: GraphClient,
    cache: Redis,
    token: str,
    *,
    cache_ttl_s: int = DEFAULT_CACHE_TTL_S,
    use_cache: bool = True,
) -> Viewer | None:
    """The live session behind a bearer token, or None when it is unknown, ended or expired.
    `use_cache=False`: from Neo4j alone (the cache may hold a session ended while Redis was
    away, until the repair dropped it)."""
    sid = session_id(token)
    key = cache_key(sid)
    redis_up = use_cache
    cached: str | None = None
    if use_cache:
        try:
            cached = cast(str | None, await cache.get(key))  # decode_responses: text
        except (RedisError, OSError) as exc:
            redis_up = False
            log.warning("session cache unavailable, reading the session from Neo4j (%s)", exc)
        cache_lookup("session", hit=bool(cached))
    if cached == REVOKED:
        return None
    if cached:
        data = sessions.decode(cached)
        # An entry without `scopes` predates scoped sessions: read the session from Neo4j.
        if data is not None:
            return _viewer(data, sid)
    row = await accounts.get_session(graph, sid)
    if row is None:
        return None
    ttl = min(int(row["expires_at"]) - int(time.time()), cache_ttl_s)
    if ttl > 0 and redis_up and not cached:
        with contextlib.suppress(RedisError, OSError):  # the next request reads Neo4j again
            await cache.set(key, session_payload(row), ex=ttl, nx=True)
    return _viewer(row, sid)


async def current_user(
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    backends: Annotated[Backends, Depends(get_backends)],
) -> Viewer:
    # Two inputs only: every dependency FastAPI resolves costs CPU on every request, and the
    # graph and the cache both come from `backends`.
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("missing bearer token: log in with POST /auth/login")
    viewer = await viewer_for_token(
        backends.graph,
        backends.redis,
        credentials.credentials,
        cache_ttl_s=backends.settings.session_cache_ttl_s,
        use_cache=not backends.health.suspect,
    )
    if viewer is None:
        raise Unauthorized("invalid or expired token: log in again with POST /auth/login")
    join_chain(viewer.id, backends.bookmarks)
    return viewer


async def viewer_from_header(backends: Backends, authorization: str | None) -> Viewer | None:
    """The viewer of a raw `Authorization` header (for middleware, outside dependencies)."""
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    viewer = await viewer_for_token(
        backends.graph,
        backends.redis,
        token.strip(),
        cache_ttl_s=backends.settings.session_cache_ttl_s,
        use_cache=not backends.health.suspect,
    )
    if viewer is not None:
        join_chain(viewer.id, backends.bookmarks)
    return viewer


CurrentUser = Annotated[Viewer, Depends(current_user)]
# The bearer credentials alone, for a route that may authenticate inside its own first round trip
# (GET /feed) and calls `current_user` only when that did not serve the request.
BearerCredentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
