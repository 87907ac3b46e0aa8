"""Media attachments: upload (v2 answers 202 while a video is processed), poll, describe.

Uploads go through the same service as `POST /media` (`services.media.upload`: types from the
bytes, metadata stripped, variants, blurhash, content-addressed objects); the attachment's `url`
and `preview_url` are the same signed edge URLs, handed out only to who may see the media.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile
from pydantic import BaseModel, Field

from api.auth.scopes import WriteMedia
from api.deps import Backend, Config, Graph
from api.mastodon.deps import Body, not_found, validate
from api.mastodon.entities import Json, media_attachment
from api.mastodon.errors import ERRORS, MastodonError
from api.mastodon.ids import MastodonJSON, MastodonRoute
from graph import media as media_graph
from graphgram.errors import ErrorResponse
from services import media as media_service

router = APIRouter(
    tags=["mastodon: media"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)

DESCRIPTION_MAX = 1500
Description = Annotated[str | None, Form(max_length=DESCRIPTION_MAX)]

# What an upload answers besides success, as it really answers: 400 a body that is no multipart
# form; 413 a file over its type's cap, or (in the API's own error shape: the body cap,
# api/middleware.py, answers before any route) a body over the largest cap; 415 bytes that are
# no picture or video this server takes; 422 no file, or one that is empty or does not decode.
UPLOAD_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": MastodonError, "description": "The body is not a multipart form"},
    413: {
        "model": MastodonError | ErrorResponse,
        "description": "The file is over its type's cap, or the body over the largest one",
    },
    415: {"model": MastodonError, "description": "Not a picture or video this server takes"},
    422: {"model": MastodonError, "description": "No file, or it is empty or does not decode"},
}


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


@router.post(
    "/api/v2/media",
    responses={
        **UPLOAD_RESPONSES,
        202: {"description": "A video: its poster is being made, `url` is null (poll it)"},
    },
)
async def upload_v2(
    caller: WriteMedia,
    backends: Backend,
    file: Annotated[UploadFile, File(description="One picture or video")],
    description: Description = None,
    focus: Annotated[str | None, Form()] = None,
) -> MastodonJSON:
    """200 with URLs for a picture; 202 with `url: null` while a video's poster is made (poll
    `GET /api/v1/media/:id`)."""
    out = await _upload(caller.id, file, description, backends)
    return MastodonJSON(out, status_code=200 if out["url"] else 202)


@router.post("/api/v1/media", responses=UPLOAD_RESPONSES)
async def upload_v1(
    caller: WriteMedia,
    backends: Backend,
    file: Annotated[UploadFile, File(description="One picture or video")],
    description: Description = None,
    focus: Annotated[str | None, Form()] = None,
) -> Json:
    return await _upload(caller.id, file, description, backends)


@router.get(
    "/api/v1/media/{media_id}",
    responses={206: {"description": "Still being processed: `url` is null"}},
)
async def get_media(
    media_id: str, caller: WriteMedia, graph: Graph, settings: Config
) -> MastodonJSON:
    """The attachment: 206 while it is processed, 200 once its URLs are there. Needs the
    write:media scope, as on Mastodon (it is how an uploading app polls)."""
    node = await media_graph.get_visible(graph, caller.id, media_id)
    if node is None:
        raise not_found()
    out = media_attachment(settings, node)
    return MastodonJSON(out, status_code=200 if out["url"] or node["status"] == "failed" else 206)


@router.put("/api/v1/media/{media_id}")
async def update_media(media_id: str, caller: WriteMedia, backends: Backend, body: Body) -> Json:
    """Change the alt text of your own upload."""
    data = validate(MediaUpdate, body)
    node = await media_service.describe(backends, caller.id, media_id, data.description)
    return media_attachment(backends.settings, node)
