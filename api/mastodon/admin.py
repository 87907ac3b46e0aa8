"""The part of Mastodon's admin API that moderation apps use: the report queue
(`/api/v1/admin/reports`), resolving a report, and account actions
(`/api/v1/admin/accounts/:id/action`, `/unsuspend`, `/unsilence`).

Every action calls the same `services.moderation` function as the native `/admin/…` routes, so it
is one graph transaction with its audit entry, then the same derived-state updates. Mastodon's
`silence` is Graphgram's limit. The routes take an app token with Mastodon's admin scope (or a
first-party session) of a moderator or admin; anyone else gets `404 Record not found`, as for an
unknown path, and the routes are left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field

from api.auth.scopes import (
    AdminReadAccounts,
    AdminReadReports,
    AdminWriteAccounts,
    AdminWriteReports,
)
from api.mastodon import entities
from api.mastodon.deps import Body, Context, Ctx, not_found, pages, validate
from api.mastodon.entities import Json
from api.mastodon.ids import MastodonJSON, MastodonRoute
from api.pagination import Page
from graph import moderation as mod_graph
from graph.driver import Row
from graphgram.errors import Unprocessable
from services import moderation as moderation_service

router = APIRouter(
    tags=["mastodon: admin"],
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
    include_in_schema=False,
)

ReportPage = Annotated[Page, Depends(pages(100, 200))]

# Mastodon's report categories; Graphgram's finer ones read as `other`, `illegal` as `legal`.
_CATEGORY = {"spam": "spam", "illegal": "legal"}
# Mastodon's role ids and permission bits (UserRole::FLAGS): an admin holds `administrator`;
# a moderator the dashboard, audit log, reports, appeals, taxonomies and users.
_ROLES = {
    "admin": {"id": "3", "name": "Admin", "permissions": "1", "color": "", "highlighted": True},
    "moderator": {
        "id": "1", "name": "Moderator", "permissions": "1820", "color": "", "highlighted": True
    },
}  # fmt: skip
_NO_ROLE = {"id": "-99", "name": "", "permissions": "0", "color": "", "highlighted": False}


def admin_account(base: str, row: Row, settings: Any) -> Json:
    """Mastodon's Admin::Account from a `moderation/admin_accounts` row."""
    return {
        "id": row["id"],
        "username": row["username"],
        "domain": None,
        "created_at": entities.timestamp(row.get("created_at")),
        "email": "",
        "ip": None,
        "ips": [],
        "locale": None,
        "invite_request": None,
        "role": _ROLES.get(row["role"], _NO_ROLE),
        "confirmed": True,
        "approved": True,
        "disabled": False,
        "sensitized": False,
        "silenced": bool(row["limited"]),
        "suspended": bool(row["suspended"]),
        "account": entities.account(base, row, settings),
        "created_by_application_id": None,
        "invited_by_account_id": None,
    }


def _snapshot_status(base: str, item: Row, account: Json | None) -> Json:
    """A reported post or comment as it was when reported (the report's snapshot), as a Status."""
    post_id = item.get("post_id") or item["id"]
    url = entities.post_url(base, post_id)
    if item.get("type") == "comment":
        url = f"{url}#c-{item['id']}"
    return {
        "id": item["id"],
        "created_at": entities.timestamp(item.get("created_at")),
        "edited_at": None,
        "in_reply_to_id": item.get("post_id") if item.get("type") == "comment" else None,
        "in_reply_to_account_id": None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": None,
        "uri": url,
        "url": url,
        "replies_count": 0,
        "reblogs_count": 0,
        "favourites_count": 0,
        "content": entities.text_html(base, item.get("text") or ""),
        "text": item.get("text") or "",
        "reblog": None,
        "application": None,
        "account": account,
        "media_attachments": [],
        "mentions": [],
        "tags": [],
        "emojis": [],
        "card": None,
        "poll": None,
    }


async def _reports(ctx: Ctx, rows: list[Row]) -> list[Json]:
    wanted = {r[k] for r in rows for k in ("reporter_id", "target_id") if r[k]}
    accounts = await mod_graph.admin_accounts(ctx.backends.graph, sorted(wanted))
    settings = ctx.backends.settings
    shown = {i: admin_account(ctx.base_url, row, settings) for i, row in accounts.items()}
    out = []
    for row in rows:
        target = shown.get(row["target_id"] or "")
        closed = row["status"] != "open"
        out.append({
            "id": row["id"],
            "action_taken": closed,
            "action_taken_at": entities.timestamp(row["closed_at"]) if closed else None,
            "category": _CATEGORY.get(row["category"], "other"),
            "comment": row["comment"] or "",
            "forwarded": False,
            "created_at": entities.timestamp(row["created_at"]),
            "updated_at": entities.timestamp(row["closed_at"] or row["created_at"]),
            "account": shown.get(row["reporter_id"] or ""),
            "target_account": target,
            "assigned_account": None,
            "action_taken_by_account": None,
            "statuses": [
                _snapshot_status(ctx.base_url, item, target["account"] if target else None)
                for item in row["items"]
                if item.get("type") in {"post", "comment"}
            ],
            "rules": [],
        })  # fmt: skip
    return out


async def _report(ctx: Ctx, report_id: str) -> Json:
    rows = await mod_graph.admin_reports(
        ctx.backends.graph, report_id=report_id, resolved=False, page={}
    )
    if not rows:
        raise not_found()
    return (await _reports(ctx, rows))[0]


@router.get("/api/v1/admin/reports")
async def list_reports(
    _: AdminReadReports, ctx: Context, page: ReportPage, resolved: bool = False
) -> list[Json]:
    """Open reports (`resolved=true`: resolved and dismissed ones), newest first, paged."""
    rows = await mod_graph.admin_reports(
        ctx.backends.graph, report_id=None, resolved=resolved, page=page.params()
    )
    return await _reports(ctx, page.items(rows))


@router.get("/api/v1/admin/reports/{report_id}")
async def get_report(report_id: str, _: AdminReadReports, ctx: Context) -> Json:
    return await _report(ctx, report_id)


@router.post("/api/v1/admin/reports/{report_id}/resolve")
async def resolve_report(report_id: str, viewer: AdminWriteReports, ctx: Context) -> Json:
    await moderation_service.close_report(
        ctx.backends, viewer.id, report_id, dismiss=False, note=""
    )
    return await _report(ctx, report_id)


async def _account(ctx: Ctx, account_id: str) -> Row:
    found = await mod_graph.admin_accounts(ctx.backends.graph, [account_id])
    if account_id not in found:
        raise not_found()
    return found[account_id]


@router.get("/api/v1/admin/accounts/{account_id}")
async def get_account(account_id: str, _: AdminReadAccounts, ctx: Context) -> Json:
    row = await _account(ctx, account_id)
    return admin_account(ctx.base_url, row, ctx.backends.settings)


class ActionForm(BaseModel):
    type: Literal["none", "sensitive", "disable", "silence", "suspend"] = "none"
    report_id: str | None = None
    warning_preset_id: str | None = None
    text: str = Field("", max_length=moderation_service.MAX_REASON)
    send_email_notification: bool = False


# Mastodon's account action types and the moderation action each is here.
ACTIONS = {"silence": "limit", "suspend": "suspend"}


@router.post("/api/v1/admin/accounts/{account_id}/action")
async def account_action(
    account_id: str, viewer: AdminWriteAccounts, ctx: Context, body: Body
) -> Json:
    """`silence` limits the account, `suspend` suspends it, `none` only resolves `report_id`;
    with `report_id`, that report is resolved with `text` as its note. `text` is the reason in
    the audit log. `disable` and `sensitive` have no counterpart here (422)."""
    data = validate(ActionForm, body)
    if data.type in {"disable", "sensitive"}:
        raise Unprocessable(
            f"Validation failed: type {data.type} is not supported here: use suspend or silence"
        )
    row = await _account(ctx, account_id)
    if data.report_id is not None:
        await _report(ctx, data.report_id)  # an unknown report is a 404 before anything changes
    if data.type in ACTIONS:
        await moderation_service.account_action(
            ctx.backends, viewer.id, row["username"], ACTIONS[data.type], data.text
        )
    if data.report_id is not None:
        await moderation_service.close_report(
            ctx.backends, viewer.id, data.report_id, dismiss=False, note=data.text
        )
    return {}


async def _undo(ctx: Ctx, viewer_id: str, account_id: str, action: str) -> Json:
    row = await _account(ctx, account_id)
    await moderation_service.account_action(ctx.backends, viewer_id, row["username"], action, "")
    row = await _account(ctx, account_id)
    return admin_account(ctx.base_url, row, ctx.backends.settings)


@router.post("/api/v1/admin/accounts/{account_id}/unsuspend")
async def unsuspend(account_id: str, viewer: AdminWriteAccounts, ctx: Context) -> Json:
    return await _undo(ctx, viewer.id, account_id, "unsuspend")


@router.post("/api/v1/admin/accounts/{account_id}/unsilence")
async def unsilence(account_id: str, viewer: AdminWriteAccounts, ctx: Context) -> Json:
    return await _undo(ctx, viewer.id, account_id, "unlimit")
