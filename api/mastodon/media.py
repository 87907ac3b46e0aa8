"""Media attachments: upload (v2 answers 202 while a video is processed), poll, describe.

Uploads go through the same service as `POST /media` (`services.media.upload`: types from the
bytes, metadata stripped, variants, blurhash, content-addressed objects); the attachment's `url`
and `preview_url` are the same signed edge URLs, handed out only to who may see the media.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.auth.scopes import WriteMedia
from api.deps import Backend, Config, Graph
from api.mastodon.deps import Body, not_found, validate
from api.mastodon.entities import Json, media_attachment
from api.mastodon.errors import ERRORS
from graph import media as media_graph
from services import media as media_service

router = APIRouter(tags=["mastodon: media"], responses=ERRORS)

DESCRIPTION_MAX = 1500
Description = Annotated[str | None, Form(max_length=DESCRIPTION_MAX)]


class MediaUpdate(BaseModel):
    description: Annotated[str | None, Field(max_length=DESCRIPTION_MAX)] = None


async def _upload(
    viewer_id: str, file: UploadFile, description: str | None, backends: Backend
) -> Json:
    """A body declared over the cap is refused before it is read (`api.middleware.BodyCap`)."""
    try:
        node = await media_service.upload(
            backends, viewer_id, file, file.content_type, description=description
        )
    finally:
        await file.close()
    return media_attachment(backends.settings, node)


@router.post("/api/v2/media")
async def upload_v2(
    caller: WriteMedia,
    backends: Backend,
    file: Annotated[UploadFile, File(description="One picture or video")],
    description: Description = None,
    focus: Annotated[str | None, Form()] = None,
) -> JSONResponse:
    """200 with URLs for a picture; 202 with `url: null` while a video's poster is made (poll
    `GET /api/v1/media/:id`)."""
    out = await _upload(caller.id, file, description, backends)
    return JSONResponse(out, status_code=200 if out["url"] else 202)


@router.post("/api/v1/media")
async def upload_v1(
    caller: WriteMedia,
    backends: Backend,
    file: Annotated[UploadFile, File(description="One picture or video")],
    description: Description = None,
    focus: Annotated[str | None, Form()] = None,
) -> Json:
    return await _upload(caller.id, file, description, backends)


@router.get("/api/v1/media/{media_id}")
async def get_media(
    media_id: str, caller: WriteMedia, graph: Graph, settings: Config
) -> JSONResponse:
    """The attachment: 206 while it is processed, 200 once its URLs are there. Needs the
    write:media scope, as on Mastodon (it is how an uploading app polls)."""
    node = await media_graph.get_visible(graph, caller.id, media_id)
    if node is None:
        raise not_found()
    out = media_attachment(settings, node)
    return JSONResponse(out, status_code=200 if out["url"] or node["status"] == "failed" else 206)


@router.put("/api/v1/media/{media_id}")
async def update_media(media_id: str, caller: WriteMedia, backends: Backend, body: Body) -> Json:
    """Change the alt text of your own upload."""
    data = validate(MediaUpdate, body)
    node = await media_service.describe(backends, caller.id, media_id, data.description)
    return media_attachment(backends.settings, node)
