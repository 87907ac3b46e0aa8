"""Reports: anyone may report an account, its posts, comments or stories to the moderators."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request, status
from pydantic import BaseModel, Field

from api import ratelimit
from api.auth.scopes import WriteReports
from api.deps import Backend
from api.errors import ERROR_RESPONSES
from api.schemas import StrictBody
from services import moderation as moderation_service
from services.moderation import ReportRequest

router = APIRouter(tags=["reports"], responses=ERROR_RESPONSES)

Category = Literal["spam", "harassment", "nudity", "violence", "illegal", "other"]


class ReportBody(StrictBody):
    account: str | None = Field(None, description="The reported account's username")
    post_ids: list[str] = Field([], max_length=moderation_service.MAX_ITEMS)
    comment_ids: list[str] = Field([], max_length=moderation_service.MAX_ITEMS)
    story_ids: list[str] = Field([], max_length=moderation_service.MAX_ITEMS)
    category: Category = "other"
    comment: str = Field("", max_length=moderation_service.MAX_COMMENT)


class Report(BaseModel):
    id: str
    created: bool = Field(description="False when the same report was filed before")


async def limit_reports(request: Request, viewer_id: str, backends: Backend) -> None:
    s = backends.settings
    await ratelimit.enforce(
        request, backends, f"reports:{viewer_id}", limit=s.report_limit,
        window_s=s.report_window_s, what="reports",
    )  # fmt: skip


@router.post("/reports", response_model=Report, status_code=status.HTTP_201_CREATED)
async def create_report(
    body: ReportBody, request: Request, viewer: WriteReports, backends: Backend
) -> Report:
    """Report an account, its posts, comments or stories. The reported person is not told who
    reported them; the same reporter reporting the same things again gets the first report
    back."""
    await limit_reports(request, viewer.id, backends)
    row = await moderation_service.report(
        backends,
        viewer.id,
        ReportRequest(
            body.account,
            body.post_ids,
            body.comment_ids,
            body.category,
            body.comment,
            story_ids=body.story_ids,
        ),
    )
    return Report(**row)
