"""Your data: an archive of everything the account made (`/me/export`), and a Mastodon follow or
block list imported (`/me/import`). Both run as jobs on the media job queue; first-party sessions
only (docs/your-data.md)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Form, Request, UploadFile, status
from pydantic import BaseModel, Field

from api.auth.scopes import FirstParty
from api.deps import Backend
from api.errors import ERROR_RESPONSES
from graphgram.errors import PayloadTooLarge
from services import data_export, data_import

router = APIRouter(tags=["your data"], responses=ERROR_RESPONSES)


class JobStarted(BaseModel):
    id: str
    status: str


class ExportState(BaseModel):
    id: str
    status: Literal["pending", "running", "ready", "failed"]
    progress: int = Field(description="Percent done")
    step: str | None = None
    created_at: str
    finished_at: str | None = None
    bytes: int | None = Field(None, description="The archive's size, once ready")
    error: str | None = None
    download_url: str | None = Field(
        None,
        description="Once ready: the archive on the media edge, valid until `download_expires_at` "
        "and only with the same `Authorization` header as this request",
    )
    download_expires_at: int | None = Field(None, description="Unix time")


class Skipped(BaseModel):
    line: int
    account: str
    reason: str


class ImportState(BaseModel):
    id: str
    type: Literal["following", "blocking"]
    status: Literal["pending", "running", "done", "failed"]
    total: int
    processed: int
    followed: int
    requested: int = Field(description="Follow requests sent to private accounts")
    blocked: int
    skipped: list[Skipped] = Field(description="Accounts not followed or blocked, and why")
    error: str | None = None
    created_at: str
    finished_at: str | None = None


@router.post(
    "/me/export",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobStarted,
    responses={409: {"description": "An archive is already being made"}},
)
async def start_export(request: Request, viewer: FirstParty, backends: Backend) -> JobStarted:
    """Start an archive of your data: profile, posts with their media files, comments, likes,
    saved posts, follows, followers, blocks and mutes as JSON, and `following_accounts.csv`.
    Follow it with `GET /me/export`."""
    row = await data_export.request_export(backends, viewer.id, request.url.netloc)
    return JobStarted(id=row["id"], status=row["status"])


@router.get("/me/export", response_model=ExportState)
async def export_state(request: Request, viewer: FirstParty, backends: Backend) -> ExportState:
    """Your newest archive: its progress, and once ready a signed, expiring download link."""
    row, url, expires = await data_export.export_state(
        backends, viewer.id, request.headers.get("authorization", "")
    )
    return ExportState(
        id=row["id"], status=row["status"], progress=row["progress"] or 0, step=row["step"],
        created_at=row["created_at"], finished_at=row["finished_at"], bytes=row["bytes"],
        error=row["error"], download_url=url, download_expires_at=expires,
    )  # fmt: skip


@router.post(
    "/me/import",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=JobStarted,
    responses={
        409: {"description": "An import is already under way"},
        413: {"description": "The file is over the size cap"},
    },
)
async def start_import(
    request: Request,
    viewer: FirstParty,
    backends: Backend,
    file: Annotated[UploadFile, File(description="following_accounts.csv or blocked_accounts.csv")],
    type: Annotated[Literal["following", "blocking"], Form()],
) -> JobStarted:
    """Follow (`type=following`) or block (`type=blocking`) the accounts of a Mastodon CSV export
    that exist here. Follow it with `GET /me/import/{id}`."""
    cap = backends.settings.import_max_bytes
    try:
        data = await file.read(cap + 1)
    finally:
        await file.close()
    if len(data) > cap:
        raise PayloadTooLarge(f"an import file may be at most {cap // 1024} KiB")
    row = await data_import.request_import(backends, viewer.id, type, data, request.url.netloc)
    return JobStarted(id=row["id"], status=row["status"])


@router.get("/me/import/{import_id}", response_model=ImportState)
async def import_state(import_id: str, viewer: FirstParty, backends: Backend) -> ImportState:
    """An import's progress and report: how many accounts were followed, requested or blocked,
    and each one skipped with the reason."""
    row = await data_import.get_import(backends, viewer.id, import_id)
    return ImportState(**row)
