"""Register, log in and out, and the caller's own account."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api import ratelimit
from api.accounts.schemas import Login, Register, Token, UpdateMe
from api.auth.deps import CurrentUser, cache_key
from api.auth.security import hash_password, new_token, session_id, verify_password
from api.deps import Backend, Cache, Config, Graph
from api.errors import ERROR_RESPONSES
from api.schemas import Account
from graph import accounts
from graphgram.errors import Conflict, NotFound, Unauthorized
from graphgram.ids import new_id
from media.lifecycle import release_media

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=Account)
async def register(
    body: Register, graph: Graph, cache: Cache, settings: Config, request: Request
) -> Account:
    await ratelimit.hit(
        cache,
        f"register:{_client(request)}",
        limit=settings.registrations,
        window_s=settings.rate_window_s,
        what="registrations from this address",
    )
    password_hash = await hash_password(body.password)
    try:
        row = await accounts.create_user(
            graph,
            id=new_id(),
            username=body.username,
            display_name=body.display_name or body.username,
            password_hash=password_hash,
            role="user",
        )
    except accounts.UsernameTaken:
        raise Conflict(f"the username {body.username!r} is taken") from None
    return Account(**row)


@router.post("/auth/login", response_model=Token)
async def login(
    body: Login, graph: Graph, cache: Cache, settings: Config, request: Request
) -> Token:
    username = body.username.strip().lower()
    # Only failed attempts count, so a user who logs in often is never locked out.
    key = f"login:{_client(request)}:{username}"
    await ratelimit.check(cache, key, limit=settings.login_attempts, what="failed logins")
    row = await accounts.get_credentials(graph, username)
    if not await verify_password(row["password_hash"] if row else None, body.password) or not row:
        await ratelimit.count(cache, key, window_s=settings.rate_window_s)
        raise Unauthorized("wrong username or password")
    token = new_token()
    await accounts.create_session(graph, row["id"], session_id(token), settings.token_ttl_s)
    return Token(access_token=token, expires_in=settings.token_ttl_s)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(viewer: CurrentUser, graph: Graph, cache: Cache) -> Response:
    await accounts.delete_session(graph, viewer.session_id)
    await cache.delete(cache_key(viewer.session_id))
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Account)
async def get_me(viewer: CurrentUser, graph: Graph) -> Account:
    row = await accounts.get_me(graph, viewer.id)
    if row is None:
        raise NotFound("this account no longer exists")
    return Account(**row)


@router.patch("/me", response_model=Account)
async def update_me(body: UpdateMe, viewer: CurrentUser, graph: Graph) -> Account:
    row = await accounts.update_me(graph, viewer.id, body.model_dump(exclude_unset=True))
    return Account(**row)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT)
async def delete_me(viewer: CurrentUser, graph: Graph, cache: Cache, backends: Backend) -> Response:
    """Delete your account, its posts, comments, likes, follows and media, for good."""
    media, sessions = await accounts.delete_account(graph, viewer.id)
    if sessions:
        await cache.delete(*(cache_key(sid) for sid in sessions))
    if media:
        await release_media(backends, media)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
