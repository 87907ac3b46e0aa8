"""Upload pictures and videos; read a media item's state and signed edge URLs."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile, status

from api.auth.scopes import ReadStatuses, WriteMedia
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES
from graph import media as media_graph
from graphgram.errors import NotFound
from media.views import MediaOut, media_view
from services import media as media_service

router = APIRouter(tags=["media"], responses=ERROR_RESPONSES)


@router.post(
    "/media",
    status_code=status.HTTP_201_CREATED,
    response_model=MediaOut,
    responses={413: {"description": "Over the size cap"}, 415: {"description": "Unsupported"}},
)
async def upload(
    file: Annotated[UploadFile, File(description="One picture or video")],
    viewer: WriteMedia,
    backends: Backend,
    settings: Config,
) -> MediaOut:
    """Upload one file. Pictures come back `ready`; videos `processing` until the worker is done.
    A body declared over the cap is refused before it is read (`api.middleware.BodyCap`)."""
    try:
        node = await media_service.upload(backends, viewer.id, file, file.content_type)
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
