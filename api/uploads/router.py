"""Direct uploads: parts go straight to the object store on presigned URLs (docs/media.md)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Response, status
from pydantic import BaseModel, Field

from api.auth.scopes import WriteMedia
from api.deps import Backend, Config
from api.errors import ERROR_RESPONSES
from api.ratelimit import limit_uploads
from api.schemas import StrictBody
from graph.driver import Row
from media.direct import StoredPart
from media.views import MediaOut, media_view
from services import media as media_service

router = APIRouter(tags=["uploads"], responses=ERROR_RESPONSES)


class NewUpload(StrictBody):
    filename: Annotated[str, Field(min_length=1, max_length=255)]
    content_type: Annotated[
        str, Field(min_length=3, max_length=100, pattern=r"^[\w.+-]+/[\w.+-]+$")
    ]
    size: Annotated[int, Field(ge=1, description="The file's exact size in bytes")]


class PartUrl(BaseModel):
    number: int
    size: int = Field(description="The exact Content-Length the URL is signed for")
    url: str = Field(description="PUT the part's bytes here (no other headers needed)")


class StoredPartOut(BaseModel):
    number: int
    size: int


class UploadOut(BaseModel):
    id: str
    status: str = Field(description="`open` until completed, then `completed`")
    filename: str
    content_type: str
    size: int
    part_size: int
    part_count: int
    expires_at: datetime
    media_id: str | None = None
    part_urls: list[PartUrl] = Field(
        default_factory=list, description="Presigned part URLs (more: GET /uploads/{id}/parts)"
    )
    parts: list[StoredPartOut] = Field(
        default_factory=list, description="Parts the store holds (GET /uploads/{id})"
    )


def _out(
    upload: Row, urls: list[dict[str, Any]] | None = None, parts: list[StoredPart] | None = None
) -> UploadOut:
    expires = upload["expires_at"]
    return UploadOut(
        id=upload["id"],
        status=upload["status"],
        filename=upload["filename"],
        content_type=upload["content_type"],
        size=upload["size"],
        part_size=upload["part_size"],
        part_count=upload["parts"],
        expires_at=expires.to_native() if hasattr(expires, "to_native") else expires,
        media_id=upload.get("media_id"),
        part_urls=[PartUrl(**u) for u in urls or []],
        parts=[StoredPartOut(number=p.number, size=p.size) for p in parts or []],
    )


@router.post(
    "/uploads",
    status_code=status.HTTP_201_CREATED,
    response_model=UploadOut,
    dependencies=[Depends(limit_uploads)],
    responses={413: {"description": "Over the type's cap"}, 415: {"description": "Unsupported"}},
)
async def start_upload(body: NewUpload, viewer: WriteMedia, backends: Backend) -> UploadOut:
    """Start a direct upload: PUT each part's bytes to its URL, then `POST
    /uploads/{id}/complete`. Counts against the account's upload limit."""
    upload, urls = await media_service.start_upload(
        backends, viewer.id, body.filename, body.content_type, body.size
    )
    return _out(upload, urls)


@router.get("/uploads/{upload_id}", response_model=UploadOut)
async def get_upload(upload_id: str, viewer: WriteMedia, backends: Backend) -> UploadOut:
    """The upload and the parts the store already holds: resume by sending only the others."""
    upload, parts = await media_service.upload_state(backends, viewer.id, upload_id)
    return _out(upload, parts=parts)


@router.get("/uploads/{upload_id}/parts", response_model=UploadOut)
async def part_urls(
    upload_id: str,
    viewer: WriteMedia,
    backends: Backend,
    first: Annotated[int, Query(ge=1, le=10_000)] = 1,
    count: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> UploadOut:
    """Fresh part URLs for parts `first` to `first + count - 1` (signed for each part's size)."""
    upload, urls = await media_service.upload_part_urls(
        backends, viewer.id, upload_id, first, count
    )
    return _out(upload, urls)


@router.post("/uploads/{upload_id}/complete", response_model=MediaOut)
async def complete_upload(
    upload_id: str, viewer: WriteMedia, backends: Backend, settings: Config
) -> MediaOut:
    """Join the parts the store holds and check the object (size, type from its first bytes,
    pixel count); answers the media item, `processing` until the worker made its variants.
    A refused object is deleted. Safe to repeat: a completed upload answers its media."""
    node = await media_service.complete_upload(backends, viewer.id, upload_id)
    return media_view(settings, node)


@router.delete("/uploads/{upload_id}", status_code=status.HTTP_204_NO_CONTENT)
async def abort_upload(upload_id: str, viewer: WriteMedia, backends: Backend) -> Response:
    """Abort an open upload: the parts sent are dropped."""
    await media_service.abort_upload(backends, viewer.id, upload_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
