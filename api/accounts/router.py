"""Register, log in and out, and the caller's own account."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response, status

from api import ratelimit
from api.accounts.schemas import ChangePassword, Login, Register, Token, UpdateMe
from api.auth.deps import forget_sessions
from api.auth.scopes import AnyToken, FirstParty, ReadAccounts, WriteAccounts
from api.auth.security import hash_password, new_token, session_id, verify_password
from api.deps import Backend, Cache, Config, Graph
from api.errors import ERROR_RESPONSES
from api.schemas import Account
from graph import accounts
from graphgram.errors import Conflict, NotFound, Unauthorized
from graphgram.ids import new_id
from media.lifecycle import release_media
from timelines import hooks as timeline_hooks

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=Account)
async def register(body: Register, graph: Graph, backends: Backend, request: Request) -> Account:
    settings = backends.settings
    await ratelimit.enforce(
        request,
        backends,
        f"register:{ratelimit.client_address(request, settings)}",
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
async def login(body: Login, graph: Graph, backends: Backend, request: Request) -> Token:
    settings = backends.settings
    username = body.username.strip().lower()
    # Each attempt reserves one of the window's tries, for this username and for the address
    # whatever the username, before the password is checked (so concurrent guesses cannot all
    # pass a check made before any was counted); a successful login gives its tries back, so a
    # user who logs in often is never locked out.
    reserved = await ratelimit.reserve_sign_in(request, backends, username)
    row = await accounts.get_credentials(graph, username)
    if not await verify_password(row["password_hash"] if row else None, body.password) or not row:
        raise Unauthorized("wrong username or password")
    await ratelimit.refund_sign_in(backends.redis, reserved)
    token = new_token()
    await accounts.create_session(graph, row["id"], session_id(token), settings.token_ttl_s)
    return Token(access_token=token, expires_in=settings.token_ttl_s)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(viewer: AnyToken, graph: Graph, cache: Cache, settings: Config) -> Response:
    """End this session."""
    await accounts.delete_session(graph, viewer.session_id)
    await forget_sessions(cache, settings, [viewer.session_id], graph=graph)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=ratelimit.WRITE_LIMITS,
)
async def logout_all(viewer: FirstParty, graph: Graph, cache: Cache, settings: Config) -> Response:
    """End every session of this account, this one included (log out everywhere)."""
    ended = await accounts.end_sessions(graph, viewer.id, keep_session_id=None)
    await forget_sessions(cache, settings, [*ended, viewer.session_id], graph=graph)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=ratelimit.WRITE_LIMITS,
)
async def change_password(
    body: ChangePassword,
    viewer: FirstParty,
    graph: Graph,
    backends: Backend,
    request: Request,
) -> Response:
    """Change the password (the current one is needed) and end every other session."""
    settings = backends.settings
    await ratelimit.enforce(
        request,
        backends,
        f"password:user:{viewer.id}",
        limit=settings.password_attempts,
        window_s=settings.password_window_s,
        what="password changes",
    )
    row = await accounts.get_credentials(graph, viewer.username)
    if row is None or not await verify_password(row["password_hash"], body.current_password):
        raise Unauthorized("the current password is wrong")
    new_hash = await hash_password(body.new_password)
    ended = await accounts.change_password(graph, viewer.id, new_hash, viewer.session_id)
    await forget_sessions(backends.redis, settings, ended, graph=graph)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=Account)
async def get_me(viewer: ReadAccounts, graph: Graph) -> Account:
    row = await accounts.get_me(graph, viewer.id)
    if row is None:
        raise NotFound("this account no longer exists")
    return Account(**row)


@router.patch("/me", response_model=Account, dependencies=ratelimit.WRITE_LIMITS)
async def update_me(
    body: UpdateMe, viewer: WriteAccounts, graph: Graph, backends: Backend
) -> Account:
    # Requests pending now are accepted if the account turns public: they join timelines.
    requesters = (
        await timeline_hooks.requesters(backends, viewer.id) if body.private is False else []
    )
    row = await accounts.update_me(graph, viewer.id, body.model_dump(exclude_unset=True))
    await timeline_hooks.profile_changed(backends, viewer.id)
    if requesters and not row["private"]:
        await timeline_hooks.became_public(backends, viewer.id, requesters)
    return Account(**row)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, dependencies=ratelimit.WRITE_LIMITS)
async def delete_me(viewer: FirstParty, graph: Graph, cache: Cache, backends: Backend) -> Response:
    """Delete your account, its posts, comments, likes, follows and media, for good."""
    footprint = await timeline_hooks.account_footprint(backends, viewer.id)
    media, sessions = await accounts.delete_account(graph, viewer.id)
    await timeline_hooks.account_deleted(backends, viewer.id, footprint)
    await forget_sessions(cache, backends.settings, sessions, graph=graph)
    if media:
        await release_media(backends, media)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
