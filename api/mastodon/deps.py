"""Dependencies of the Mastodon surface: the caller and the scopes their token was granted, form or
JSON bodies as Mastodon clients send them, and Mastodon's page sizes.

A token is a Graphgram session (`api.auth.deps.current_user` checks it, cached in Redis). What
it may do is its OAuth scopes, cached beside it (`mastodon:scopes:<session>`); a session from
`POST /auth/login` has none recorded and is first-party, so it may do everything.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from contextlib import suppress
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Query, Request, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ValidationError
from redis.exceptions import RedisError
from starlette.datastructures import UploadFile

from api.auth.deps import Viewer, current_user
from api.deps import Backend, Cache, Graph
from api.mastodon.errors import InvalidToken, OutsideScopes, validation_message
from api.pagination import Page
from backends import Backends
from graph import oauth
from graphgram.errors import AppError, NotFound, Unprocessable

_bearer = HTTPBearer(auto_error=False, description="`Authorization: Bearer <access_token>`")

# Mastodon's top-level scopes and what each covers (config/initializers/doorkeeper.rb).
TOP_SCOPES = ("read", "write", "follow")
FOLLOW_COVERS = {"read:blocks", "read:follows", "write:blocks", "write:follows"}
GRANULAR = {
    "read": ("accounts", "blocks", "favourites", "follows", "notifications", "search", "statuses"),
    "write": ("accounts", "blocks", "favourites", "follows", "media", "statuses"),
}
# `push` (Web Push) is accepted so that clients asking for Mastodon.py's default scopes can sign
# in; it grants nothing here, as there are no push subscriptions.
KNOWN_SCOPES = frozenset((*TOP_SCOPES, "push")) | {
    f"{top}:{part}" for top, parts in GRANULAR.items() for part in parts
}
FIRST_PARTY = frozenset(TOP_SCOPES)


def parse_scopes(value: object, default: str = "read") -> list[str]:
    """A space-separated scope list (or a list of scopes), checked against the scopes this
    server knows."""
    text = " ".join(map(str, value)) if isinstance(value, list) else str(value or "")
    scopes = list(dict.fromkeys((text or default).replace("+", " ").split()))
    unknown = [s for s in scopes if s not in KNOWN_SCOPES]
    if unknown:
        raise Unprocessable(f"Validation failed: unknown scope {', '.join(unknown)}")
    return scopes


def covers(granted: frozenset[str], needed: str) -> bool:
    top = needed.split(":", 1)[0]
    return needed in granted or top in granted or ("follow" in granted and needed in FOLLOW_COVERS)


@dataclass(frozen=True)
class Caller:
    """A user behind a token, and what the token may do."""

    viewer: Viewer
    scopes: frozenset[str]

    @property
    def id(self) -> str:
        return self.viewer.id

    @property
    def username(self) -> str:
        return self.viewer.username


def scopes_key(session_id: str) -> str:
    return f"mastodon:scopes:{session_id}"


async def _caller(
    graph: Graph,
    cache: Cache,
    backends: Backend,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Caller:
    if credentials is None:
        raise InvalidToken()
    viewer = await current_user(credentials, backends)
    key = scopes_key(viewer.session_id)
    try:
        cached = await cache.get(key)
    except (RedisError, OSError):  # Redis away: Neo4j answers, as for the session itself
        cached = None
    if cached is not None:
        return Caller(viewer, frozenset(json.loads(cached)))
    grant = await oauth.get_grant(graph, viewer.session_id)
    if grant is None:
        raise InvalidToken()
    scopes = FIRST_PARTY if grant["scopes"] is None else frozenset(grant["scopes"])
    ttl = min(int(grant["expires_at"]) - int(time.time()), backends.settings.session_cache_ttl_s)
    if ttl > 0:
        with suppress(RedisError, OSError):
            await cache.set(key, json.dumps(sorted(scopes)), ex=ttl)
    return Caller(viewer, scopes)


AnyCaller = Annotated[Caller, Depends(_caller)]


def scoped(needed: str) -> Callable[[Caller], Awaitable[Caller]]:
    async def check(caller: AnyCaller) -> Caller:
        if not covers(caller.scopes, needed):
            raise OutsideScopes()
        return caller

    return check


ReadAccounts = Annotated[Caller, Depends(scoped("read:accounts"))]
WriteAccounts = Annotated[Caller, Depends(scoped("write:accounts"))]
ReadStatuses = Annotated[Caller, Depends(scoped("read:statuses"))]
WriteStatuses = Annotated[Caller, Depends(scoped("write:statuses"))]
WriteMedia = Annotated[Caller, Depends(scoped("write:media"))]
WriteFavourites = Annotated[Caller, Depends(scoped("write:favourites"))]
ReadFollows = Annotated[Caller, Depends(scoped("read:follows"))]
WriteFollows = Annotated[Caller, Depends(scoped("write:follows"))]
ReadBlocks = Annotated[Caller, Depends(scoped("read:blocks"))]
WriteBlocks = Annotated[Caller, Depends(scoped("write:blocks"))]
ReadNotifications = Annotated[Caller, Depends(scoped("read:notifications"))]
ReadSearch = Annotated[Caller, Depends(scoped("read:search"))]


@dataclass(frozen=True)
class Ctx:
    """What rendering Mastodon entities needs: the backends and this server's public base URL."""

    backends: Backends
    base_url: str


def _ctx(request: Request, backends: Backend) -> Ctx:
    return Ctx(backends, str(request.base_url).rstrip("/"))


Context = Annotated[Ctx, Depends(_ctx)]


async def form_or_json(request: Request) -> dict[str, Any]:
    """A request body as Mastodon clients send it: JSON, urlencoded or multipart form, with
    `key[]` fields gathered into lists. Nested form keys (`fields_attributes[0][name]`) are
    dropped: nothing here takes them."""
    content_type = request.headers.get("content-type", "")
    if "json" in content_type:
        try:
            data = await request.json()
        except (ValueError, RecursionError):  # too deep is refused before this (api/security.py)
            raise Unprocessable("Validation failed: the body is not valid JSON") from None
        if not isinstance(data, dict):
            raise Unprocessable("Validation failed: the body must be a JSON object")
        return data
    if not content_type:
        return dict(request.query_params)
    form = await request.form()
    out: dict[str, Any] = {}
    for key, value in form.multi_items():
        if key.endswith("[]"):
            out.setdefault(key[:-2], []).append(value)
        elif "[" not in key:
            out[key] = value
    return out


Body = Annotated[dict[str, Any], Depends(form_or_json)]

M = TypeVar("M", bound=BaseModel)


def validate(model: type[M], data: dict[str, Any]) -> M:
    """A body checked by a model; a bad field is a 422 `Validation failed: ...` naming it."""
    clean = {k: v for k, v in data.items() if not isinstance(v, UploadFile)}
    try:
        return model.model_validate(clean)
    except ValidationError as exc:
        raise Unprocessable(validation_message(exc.errors())) from None


def pages(default: int, maximum: int) -> Callable[..., Page]:
    """Mastodon's cursors; a `limit` over the maximum is cut to it, as Mastodon does."""

    def page(
        request: Request,
        response: Response,
        limit: Annotated[int, Query(ge=1)] = default,
        max_id: str | None = None,
        since_id: str | None = None,
        min_id: str | None = None,
    ) -> Page:
        return Page(
            request,
            response,
            limit=min(limit, maximum),
            max_id=max_id or None,
            since_id=since_id or None,
            min_id=min_id or None,
        )

    return page


StatusPage = Annotated[Page, Depends(pages(20, 40))]
AccountPage = Annotated[Page, Depends(pages(40, 80))]
NotificationPage = Annotated[Page, Depends(pages(40, 80))]


def not_found() -> AppError:
    return NotFound("Record not found")
