"""Moderation for moderators and admins: the report queue, actions on content and accounts, the
audit log, and (admins) roles.

Every route answers 404 `Not Found`, as an unknown path does, to anyone without the role and to
every app token (first-party sessions only); the routes are left out of the OpenAPI document.
"""

from __future__ import annotations

from typing import Any, Literal

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from api.auth.scopes import AdminUser, ModeratorUser
from api.deps import Backend
from api.schemas import StrictBody
from services import moderation as moderation_service

router = APIRouter(prefix="/admin", tags=["admin"], include_in_schema=False)


class RoleBody(StrictBody):
    role: str


class Reason(StrictBody):
    reason: str = Field("", max_length=moderation_service.MAX_REASON)


class Note(StrictBody):
    note: str = Field("", max_length=moderation_service.MAX_REASON)


class Account(BaseModel):
    id: str
    username: str
    role: str | None = None
    suspended: bool | None = None
    limited: bool | None = None


class ReportItem(BaseModel):
    type: str
    id: str
    author: str
    text: str | None
    created_at: str | None = None
    post_id: str | None = None
    media: list[str]


class AdminReport(BaseModel):
    id: str
    status: str
    category: str
    comment: str
    note: str | None
    created_at: str
    closed_at: str | None
    reporter: str
    account: str
    account_suspended: bool
    account_limited: bool
    item_ids: list[str]
    items: list[ReportItem] = Field(description="Each reported item as it was when reported")


class ReportState(BaseModel):
    id: str
    status: str


class AuditEntry(BaseModel):
    id: str
    action: str
    target_type: str
    target_id: str
    reason: str
    at: str
    moderator: str


@router.put("/accounts/{username}/role", response_model=Account)
async def set_role(username: str, body: RoleBody, _: AdminUser, backends: Backend) -> Account:
    row = await moderation_service.set_role(backends, username, body.role)
    return Account(**row)


@router.get("/reports", response_model=list[AdminReport])
async def list_reports(
    _: ModeratorUser,
    backends: Backend,
    status: Literal["open", "resolved", "dismissed"] | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> list[AdminReport]:
    rows = await moderation_service.list_reports(backends, status, limit)
    return [AdminReport(**_report(row)) for row in rows]


def _report(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != "account_id"}


@router.post("/reports/{report_id}/resolve", response_model=ReportState)
async def resolve_report(
    report_id: str, body: Note, viewer: ModeratorUser, backends: Backend
) -> ReportState:
    row = await moderation_service.close_report(
        backends, viewer.id, report_id, dismiss=False, note=body.note
    )
    return ReportState(**row)


@router.post("/reports/{report_id}/dismiss", response_model=ReportState)
async def dismiss_report(
    report_id: str, body: Note, viewer: ModeratorUser, backends: Backend
) -> ReportState:
    row = await moderation_service.close_report(
        backends, viewer.id, report_id, dismiss=True, note=body.note
    )
    return ReportState(**row)


@router.post("/posts/{post_id}/remove", status_code=204)
async def remove_post(post_id: str, body: Reason, viewer: ModeratorUser, backends: Backend) -> None:
    await moderation_service.remove(backends, viewer.id, "post", post_id, body.reason)


@router.post("/stories/{story_id}/remove", status_code=204)
async def remove_story(
    story_id: str, body: Reason, viewer: ModeratorUser, backends: Backend
) -> None:
    await moderation_service.remove(backends, viewer.id, "story", story_id, body.reason)


@router.post("/comments/{comment_id}/remove", status_code=204)
async def remove_comment(
    comment_id: str, body: Reason, viewer: ModeratorUser, backends: Backend
) -> None:
    await moderation_service.remove_comment(backends, viewer.id, comment_id, body.reason)


@router.post("/accounts/{username}/{action}", response_model=Account)
async def account_action(
    username: str,
    action: Literal["suspend", "unsuspend", "limit", "unlimit"],
    body: Reason,
    viewer: ModeratorUser,
    backends: Backend,
) -> Account:
    row = await moderation_service.account_action(
        backends, viewer.id, username, action, body.reason
    )
    return Account(**row)


@router.get("/audit", response_model=list[AuditEntry])
async def audit(
    _: ModeratorUser,
    backends: Backend,
    before: str | None = None,
    limit: int = Query(50, ge=1, le=200),
) -> list[AuditEntry]:
    return [AuditEntry(**row) for row in await moderation_service.audit(backends, before, limit)]
