"""Accounts, follows, follow requests, blocks and mutes, addressed by id as Mastodon does.

Each write calls the same service as the API's own routers (`services.relationships`,
`services.accounts`), so both surfaces leave the graph and the Redis timelines alike. Services
name users by username: an id is resolved first, by the read that answers 404 for an account the
caller may not see.
"""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field
from starlette.datastructures import UploadFile

from api.auth.scopes import (
    ReadAccounts,
    ReadBlocks,
    ReadFollows,
    ReadMutes,
    ReadStatuses,
    WriteAccounts,
    WriteBlocks,
    WriteFollows,
    WriteMutes,
    WriteReports,
)
from api.deps import Backend
from api.mastodon import loaders
from api.mastodon.deps import AccountPage, Body, Context, StatusPage, not_found, validate
from api.mastodon.entities import Json
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from api.reports.router import limit_reports
from graph import discovery, posts, users
from graph import mastodon as mgraph
from graphgram.errors import Unprocessable
from services import accounts as account_service
from services import moderation as moderation_service
from services import relationships as relationship_service
from services.moderation import ReportRequest

router = APIRouter(
    tags=["mastodon: accounts"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)


class UpdateCredentials(BaseModel):
    display_name: Annotated[str | None, Field(min_length=1, max_length=64)] = None
    note: Annotated[str | None, Field(max_length=300)] = None
    locked: bool | None = None


@router.get("/api/v1/accounts/verify_credentials")
async def verify_credentials(caller: ReadAccounts, ctx: Context) -> Json:
    return await loaders.credential_account(ctx, caller.id)


@router.patch("/api/v1/accounts/update_credentials")
async def update_credentials(
    caller: WriteAccounts, ctx: Context, backends: Backend, body: Body
) -> Json:
    """Display name, note (bio), locked (private), and `avatar` / `header` as multipart files
    (the native `PUT /me/avatar` and `/me/header`); other fields are not kept here."""
    data = validate(UpdateCredentials, body)
    files = {k: body[k] for k in ("avatar", "header") if isinstance(body.get(k), UploadFile)}
    for name in ("avatar", "header"):
        if name in body and name not in files:
            raise Unprocessable(f"Validation failed: {name} must be a file")
    try:
        if "avatar" in files:
            await account_service.set_picture(
                backends, caller.id, "avatar", files["avatar"], files["avatar"].content_type
            )
        if "header" in files:
            await account_service.set_picture(
                backends, caller.id, "header", files["header"], files["header"].content_type
            )
    finally:
        for file in files.values():
            await file.close()
    changes = account_service.ProfileChanges(
        display_name=data.display_name, bio=data.note, private=data.locked
    )
    await account_service.update_profile(backends, caller.id, changes)
    return await loaders.credential_account(ctx, caller.id)


@router.get("/api/v1/accounts/lookup")
async def lookup(caller: ReadAccounts, ctx: Context, acct: str) -> Json:
    """An account by username (`name` or `name@this-host`)."""
    username, _, host = acct.strip().lstrip("@").lower().partition("@")
    if host and host != ctx.base_url.split("://", 1)[-1].lower():
        raise not_found()
    row = await users.profile(ctx.backends.graph, caller.id, username)
    if row is None:
        raise not_found()
    return await loaders.account(ctx, caller.id, row["id"])


@router.get("/api/v1/accounts/search")
async def search_accounts(
    caller: ReadAccounts,
    ctx: Context,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    limit: Annotated[int, Query(ge=1)] = 40,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Json]:
    """Accounts whose username or display name starts with the words of `q`."""
    if offset:
        return []  # one page of best matches; the full-text index is not paged
    rows = await discovery.search_users(
        ctx.backends.graph, caller.id, q.lstrip("@"), min(limit, 80)
    )
    return await loaders.accounts(ctx, caller.id, [r["id"] for r in rows])


@router.get("/api/v1/accounts/relationships")
async def relationships(
    caller: ReadFollows,
    ctx: Context,
    ids: Annotated[list[str], Query(alias="id[]")] = [],  # noqa: B006 - FastAPI copies defaults
    id: Annotated[list[str], Query()] = [],  # noqa: B006
) -> list[Json]:
    wanted = list(dict.fromkeys(ids + id))[:80]
    return await loaders.relationships(ctx, caller.id, wanted)


@router.get("/api/v1/accounts/{account_id}")
async def get_account(account_id: str, caller: ReadAccounts, ctx: Context) -> Json:
    return await loaders.account(ctx, caller.id, account_id)


@router.get("/api/v1/accounts/{account_id}/statuses")
async def account_statuses(
    account_id: str,
    caller: ReadStatuses,
    ctx: Context,
    page: StatusPage,
    pinned: bool = False,
    only_media: bool = False,
    exclude_replies: bool = False,
    exclude_reblogs: bool = False,
    tagged: str | None = None,
) -> list[Json]:
    """The account's posts, newest first (a reply is a comment, so none are replies)."""
    row = await loaders.access(ctx, caller.id, account_id)
    # A locked account's posts are for its followers (Mastodon answers them an empty list);
    # nothing is pinned here.
    if not row["content_visible"] or pinned:
        return []
    ids = await posts.user_post_ids(ctx.backends.graph, caller.id, account_id, page.params())
    found = await loaders.post_ids_page(ctx, caller.id, ids, page)
    if only_media:
        found = [s for s in found if s["media_attachments"]]
    if tagged:
        name = tagged.lstrip("#").lower()
        found = [s for s in found if any(t["name"] == name for t in s["tags"])]
    return found


@router.get("/api/v1/accounts/{account_id}/followers")
async def followers(
    account_id: str, caller: ReadAccounts, ctx: Context, page: AccountPage
) -> list[Json]:
    row = await loaders.access(ctx, caller.id, account_id)
    if not row["content_visible"]:
        return []
    rows = await users.followers(ctx.backends.graph, caller.id, account_id, page.params())
    return await loaders.account_page(ctx, caller.id, rows, page)


@router.get("/api/v1/accounts/{account_id}/following")
async def following(
    account_id: str, caller: ReadAccounts, ctx: Context, page: AccountPage
) -> list[Json]:
    row = await loaders.access(ctx, caller.id, account_id)
    if not row["content_visible"]:
        return []
    rows = await users.following(ctx.backends.graph, caller.id, account_id, page.params())
    return await loaders.account_page(ctx, caller.id, rows, page)


@router.post("/api/v1/accounts/{account_id}/follow")
async def follow(account_id: str, caller: WriteFollows, ctx: Context, backends: Backend) -> Json:
    """Follow, or request to follow a locked account; idempotent."""
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.follow(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.post("/api/v1/accounts/{account_id}/unfollow")
async def unfollow(account_id: str, caller: WriteFollows, ctx: Context, backends: Backend) -> Json:
    """Unfollow, or withdraw a follow request."""
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.unfollow(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.post("/api/v1/accounts/{account_id}/block")
async def block(account_id: str, caller: WriteBlocks, ctx: Context, backends: Backend) -> Json:
    """Block: follows and requests both ways end, and each side stops seeing the other."""
    row = await mgraph.account_access(backends.graph, caller.id, account_id)
    if row is None:
        raise not_found()
    await relationship_service.block(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.post("/api/v1/accounts/{account_id}/unblock")
async def unblock(account_id: str, caller: WriteBlocks, ctx: Context, backends: Backend) -> Json:
    row = await mgraph.account_access(backends.graph, caller.id, account_id)
    if row is None or not (row["visible"] or row["blocking"]):
        raise not_found()
    if row["blocking"]:
        await relationship_service.unblock(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.get("/api/v1/blocks")
async def blocks(caller: ReadBlocks, ctx: Context, page: AccountPage) -> list[Json]:
    rows = await users.blocks(ctx.backends.graph, caller.id, page.params())
    return await loaders.account_page(ctx, caller.id, rows, page, blocked_ok=True)


class MuteForm(BaseModel):
    notifications: bool = True
    duration: int = Field(default=0, ge=0)


@router.post("/api/v1/accounts/{account_id}/mute")
async def mute(
    account_id: str, caller: WriteMutes, ctx: Context, backends: Backend, body: Body
) -> Json:
    """Mute: posts leave the home feed, notifications (with `notifications`, the default) stop,
    for `duration` seconds (0: until unmuted); the account is told nothing."""
    form = validate(MuteForm, body)
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.mute(
        backends,
        caller.id,
        row["username"],
        duration_s=form.duration,
        notifications=form.notifications,
    )
    return await loaders.relationship(ctx, caller.id, account_id)


@router.post("/api/v1/accounts/{account_id}/unmute")
async def unmute(account_id: str, caller: WriteMutes, ctx: Context, backends: Backend) -> Json:
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.unmute(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.get("/api/v1/mutes")
async def mutes(caller: ReadMutes, ctx: Context, page: AccountPage) -> list[Json]:
    """The accounts the caller mutes now, newest mute first, each with `mute_expires_at`."""
    rows = await users.mutes(ctx.backends.graph, caller.id, page.params())
    found = await loaders.account_page(ctx, caller.id, rows, page)
    ends = {r["id"]: r["mute_expires_at"] for r in rows}
    return [{**account, "mute_expires_at": ends.get(account["id"])} for account in found]


@router.get("/api/v1/follow_requests")
async def follow_requests(caller: ReadFollows, ctx: Context, page: AccountPage) -> list[Json]:
    rows = await users.follow_requests(ctx.backends.graph, caller.id, page.params())
    return await loaders.account_page(ctx, caller.id, rows, page)


@router.post("/api/v1/follow_requests/{account_id}/authorize")
async def authorize_request(
    account_id: str, caller: WriteFollows, ctx: Context, backends: Backend
) -> Json:
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.accept_request(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


@router.post("/api/v1/follow_requests/{account_id}/reject")
async def reject_request(
    account_id: str, caller: WriteFollows, ctx: Context, backends: Backend
) -> Json:
    row = await loaders.access(ctx, caller.id, account_id)
    await relationship_service.reject_request(backends, caller.id, row["username"])
    return await loaders.relationship(ctx, caller.id, account_id)


class ReportForm(BaseModel):
    account_id: str
    status_ids: list[str] = Field([], max_length=moderation_service.MAX_ITEMS)
    category: Literal[
        "spam", "legal", "violation", "other", "harassment", "nudity", "violence", "illegal"
    ] = "other"
    comment: str = Field("", max_length=moderation_service.MAX_COMMENT)
    forward: bool = False


# Mastodon's categories that have no match here: `legal` is `illegal`, a rule `violation` `other`.
_CATEGORY = {"legal": "illegal", "violation": "other"}


@router.post("/api/v1/reports")
async def report(
    request: Request, caller: WriteReports, ctx: Context, backends: Backend, body: Body
) -> Json:
    """Report an account and some of its statuses (posts or comments) to the moderators."""
    data = validate(ReportForm, body)
    await limit_reports(request, caller.id, backends)
    row = await mgraph.account_access(backends.graph, caller.id, data.account_id)
    if row is None:
        raise not_found()
    category = _CATEGORY.get(data.category, data.category)
    filed = await moderation_service.report(
        backends,
        caller.id,
        ReportRequest(row["username"], data.status_ids, data.status_ids, category, data.comment),
    )
    return {
        "id": filed["id"],
        "action_taken": False,
        "action_taken_at": None,
        "category": data.category,
        "comment": data.comment,
        "forwarded": False,
        "created_at": None,
        "status_ids": data.status_ids,
        "rule_ids": None,
        "target_account": await loaders.account(ctx, caller.id, data.account_id),
    }
