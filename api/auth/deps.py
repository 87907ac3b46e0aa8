"""`CurrentUser` and `AnalystUser`: the caller behind a bearer token."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from api.auth.security import session_id
from api.deps import Cache, Graph
from graph import accounts
from graphgram.errors import Forbidden, Unauthorized
from graphgram.metrics import cache_lookup

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <access_token>`")


@dataclass(frozen=True)
class Viewer:
    id: str
    username: str
    role: str
    session_id: str


def cache_key(sid: str) -> str:
    return f"session:{sid}"


async def current_user(
    graph: Graph,
    cache: Cache,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Viewer:
    if credentials is None or credentials.scheme.lower() != "bearer" or not credentials.credentials:
        raise Unauthorized("missing bearer token: log in with POST /auth/login")
    sid = session_id(credentials.credentials)
    cached = await cache.get(cache_key(sid))
    cache_lookup("session", hit=bool(cached))
    if cached:
        data = json.loads(cached)
        return Viewer(data["id"], data["username"], data["role"], sid)
    row = await accounts.get_session(graph, sid)
    if row is None:
        raise Unauthorized("invalid or expired token: log in again with POST /auth/login")
    ttl = int(row["expires_at"]) - int(time.time())
    if ttl > 0:
        payload = {"id": row["id"], "username": row["username"], "role": row["role"]}
        await cache.set(cache_key(sid), json.dumps(payload), ex=ttl)
    return Viewer(row["id"], row["username"], row["role"], sid)


CurrentUser = Annotated[Viewer, Depends(current_user)]


async def analyst_user(viewer: CurrentUser) -> Viewer:
    if viewer.role != "analyst":
        raise Forbidden("this endpoint is for accounts with the analyst role")
    return viewer


AnalystUser = Annotated[Viewer, Depends(analyst_user)]
