"""Upload pictures and videos; read a media item's state and signed edge URLs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, File, Request, UploadFile, status

from api.auth.scopes import ReadStatuses, WriteMedia
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES
from graph import media as media_graph
from graphgram.errors import NotFound, PayloadTooLarge
from media.upload import CHUNK, store_upload
from media.views import MediaOut, media_view

router = APIRouter(tags=["media"], responses=ERROR_RESPONSES)

MULTIPART_OVERHEAD = 64 * 1024


async def _chunks(file: UploadFile) -> AsyncIterator[bytes]:
    while chunk := await file.read(CHUNK):
        yield chunk


@router.post(
    "/media",
    status_code=status.HTTP_201_CREATED,
    response_model=MediaOut,
    responses={413: {"description": "Over the size cap"}, 415: {"description": "Unsupported"}},
)
async def upload(
    request: Request,
    file: Annotated[UploadFile, File(description="One picture or video")],
    viewer: WriteMedia,
    backends: Backend,
    settings: Config,
) -> MediaOut:
    """Upload one file. Pictures come back `ready`; videos `processing` until the worker is done."""
    declared = request.headers.get("content-length")
    limit = max(settings.max_image_bytes, settings.max_video_bytes) + MULTIPART_OVERHEAD
    if declared and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(f"uploads may be at most {limit // (1024 * 1024)} MB")
    try:
        node = await store_upload(backends, viewer.id, _chunks(file), file.content_type)
    finally:
        await file.close()
    return media_view(settings, node)


@router.get("/media/{media_id}", response_model=MediaOut)
async def get_media(
    media_id: str, viewer: ReadStatuses, graph: Graph, settings: Config
) -> MediaOut:
    """Poll a media item: its owner, or anyone who can see a post showing it."""
    node = await media_graph.get_visible(graph, viewer.id, media_id)
    if node is None:
        raise NotFound(f"no media {media_id!r}")
    return media_view(settings, node)
