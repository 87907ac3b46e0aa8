"""Register, log in and out, and the caller's own account."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Request, Response, UploadFile, status

from api import ratelimit
from api.accounts.schemas import ChangePassword, Login, Register, Token, UpdateMe
from api.auth.scopes import AnyToken, FirstParty, ReadAccounts, WriteAccounts
from api.auth.security import new_token, session_id, verify_password
from api.deps import Backend, Graph
from api.errors import ERROR_RESPONSES
from api.schemas import Account
from graph import accounts
from graph.driver import Row
from graphgram.errors import Forbidden, NotFound, Unauthorized
from media.pictures import PictureKind
from media.views import with_pictures
from services import accounts as account_service
from services import sessions as session_service

router = APIRouter(tags=["accounts"], responses=ERROR_RESPONSES)


@router.post("/auth/register", status_code=status.HTTP_201_CREATED, response_model=Account)
async def register(body: Register, backends: Backend, request: Request) -> Account:
    settings = backends.settings
    await ratelimit.enforce(
        request,
        backends,
        f"register:{ratelimit.client_address(request, settings)}",
        limit=settings.registrations,
        window_s=settings.rate_window_s,
        what="registrations from this address",
    )
    row = await account_service.register(
        backends, username=body.username, password=body.password, display_name=body.display_name
    )
    return _account(backends, row)


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
    if (
        not await verify_password(
            row["password_hash"] if row else None, body.password, backends.settings
        )
        or not row
    ):
        raise Unauthorized("wrong username or password")
    await ratelimit.refund_sign_in(backends.redis, reserved)
    if row["suspended"]:
        raise Forbidden("this account is suspended")
    token = new_token()
    await accounts.create_session(graph, row["id"], session_id(token), settings.token_ttl_s)
    return Token(access_token=token, expires_in=settings.token_ttl_s)


@router.post("/auth/logout", status_code=status.HTTP_204_NO_CONTENT)
async def logout(viewer: AnyToken, backends: Backend) -> Response:
    """End this session."""
    await session_service.log_out(backends, viewer.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/auth/logout-all",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=ratelimit.WRITE_LIMITS,
)
async def logout_all(viewer: FirstParty, backends: Backend) -> Response:
    """End every session of this account, this one included (log out everywhere)."""
    await session_service.log_out_everywhere(backends, viewer.id, viewer.session_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(
    "/me/password",
    status_code=status.HTTP_204_NO_CONTENT,
    dependencies=ratelimit.WRITE_LIMITS,
)
async def change_password(
    body: ChangePassword,
    viewer: FirstParty,
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
    await account_service.change_password(
        backends,
        viewer_id=viewer.id,
        username=viewer.username,
        session_id=viewer.session_id,
        current_password=body.current_password,
        new_password=body.new_password,
    )
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _account(backends: Backend, row: Row) -> Account:
    return Account(**with_pictures(backends.settings, row))


@router.get("/me", response_model=Account)
async def get_me(viewer: ReadAccounts, backends: Backend) -> Account:
    row = await accounts.get_me(backends.graph, viewer.id)
    if row is None:
        raise NotFound("this account no longer exists")
    return _account(backends, row)


@router.patch("/me", response_model=Account, dependencies=ratelimit.WRITE_LIMITS)
async def update_me(body: UpdateMe, viewer: WriteAccounts, backends: Backend) -> Account:
    """Display name, bio, private; turning public accepts the pending follow requests."""
    changes = account_service.ProfileChanges(
        display_name=body.display_name, bio=body.bio, private=body.private
    )
    return _account(backends, await account_service.update_profile(backends, viewer.id, changes))


_PICTURE_ERRORS: dict[int | str, dict[str, Any]] = {
    413: {"description": "Over the picture size cap"},
    415: {"description": "Not a picture"},
    422: {"description": "Undecodable, empty or too many pixels"},
}


async def _set_picture(
    backends: Backend, viewer_id: str, kind: PictureKind, file: UploadFile
) -> Account:
    try:
        await account_service.set_picture(backends, viewer_id, kind, file, file.content_type)
    finally:
        await file.close()
    row = await accounts.get_me(backends.graph, viewer_id)
    if row is None:
        raise NotFound("this account no longer exists")
    return _account(backends, row)


@router.put(
    "/me/avatar",
    response_model=Account,
    responses=_PICTURE_ERRORS,
    dependencies=ratelimit.UPLOAD_LIMITS,
)
async def set_avatar(
    file: Annotated[UploadFile, File(description="A picture: JPEG, PNG, WebP, GIF or HEIC")],
    viewer: WriteAccounts,
    backends: Backend,
) -> Account:
    """Upload your avatar (multipart `file`): cropped to a square around its centre, metadata
    stripped, stored as 48, 150 and 300 px variants; the one before is deleted."""
    return await _set_picture(backends, viewer.id, "avatar", file)


@router.put(
    "/me/header",
    response_model=Account,
    responses=_PICTURE_ERRORS,
    dependencies=ratelimit.UPLOAD_LIMITS,
)
async def set_header(
    file: Annotated[UploadFile, File(description="A picture: JPEG, PNG, WebP, GIF or HEIC")],
    viewer: WriteAccounts,
    backends: Backend,
) -> Account:
    """Upload your profile header (multipart `file`): cropped to 3:1 around its centre,
    metadata stripped, stored as 1500×500 and 600×200 variants; the one before is deleted."""
    return await _set_picture(backends, viewer.id, "header", file)


@router.delete(
    "/me/avatar", status_code=status.HTTP_204_NO_CONTENT, dependencies=ratelimit.WRITE_LIMITS
)
async def delete_avatar(viewer: WriteAccounts, backends: Backend) -> Response:
    """Remove your avatar (its objects deleted and purged from the edge); the default shows."""
    await account_service.remove_picture(backends, viewer.id, "avatar")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete(
    "/me/header", status_code=status.HTTP_204_NO_CONTENT, dependencies=ratelimit.WRITE_LIMITS
)
async def delete_header(viewer: WriteAccounts, backends: Backend) -> Response:
    """Remove your profile header (its objects deleted and purged from the edge)."""
    await account_service.remove_picture(backends, viewer.id, "header")
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/me", status_code=status.HTTP_204_NO_CONTENT, dependencies=ratelimit.WRITE_LIMITS)
async def delete_me(viewer: FirstParty, backends: Backend) -> Response:
    """Delete your account, its posts, comments, likes, follows and media, for good."""
    await account_service.delete_account(backends, viewer.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
