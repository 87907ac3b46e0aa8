"""`GET /api/v1/instance` and `/api/v2/instance`: who this server is and what it accepts.

The version string starts with the Mastodon API version this surface follows, so clients that
parse it (Mastodon.py reads the part before the first space) pick the right endpoints, and names
Graphgram after it, as Pixelfed and GoToSocial do.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request, Response

from api.deps import Config, Graph
from api.mastodon.entities import avatar_url
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from api.posts.schemas import CAPTION_MAX, MEDIA_MAX
from graph import mastodon as mgraph
from graphgram.errors import NotFound
from graphgram.settings import Settings
from media.defaults import default_avatar, default_header

router = APIRouter(
    tags=["mastodon: instance"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)

MASTODON_API = "4.2.0"
GRAPHGRAM_VERSION = "0.1.0"
VERSION = f"{MASTODON_API} (compatible; Graphgram {GRAPHGRAM_VERSION})"
TITLE = "Graphgram"
DESCRIPTION = "A graph-native photo and video social network."

MIME_TYPES = [
    "image/jpeg", "image/png", "image/webp", "image/gif", "image/heic", "image/heif",
    "video/mp4", "video/quicktime", "video/webm",
]  # fmt: skip
# A post's caption and a comment take this many characters (api/posts/schemas.py).
MAX_CHARACTERS = CAPTION_MAX


def _configuration(settings: Settings) -> dict[str, Any]:
    return {
        "accounts": {"max_featured_tags": 0, "max_pinned_statuses": 0},
        "statuses": {
            "max_characters": MAX_CHARACTERS,
            "max_media_attachments": MEDIA_MAX,
            "characters_reserved_per_url": 23,
        },
        "media_attachments": {
            "supported_mime_types": MIME_TYPES,
            "image_size_limit": settings.max_image_bytes,
            "image_matrix_limit": settings.max_image_pixels,
            "video_size_limit": settings.max_video_bytes,
            "video_frame_rate_limit": 120,
            "video_matrix_limit": settings.max_image_pixels,
            "description_limit": 1500,
        },
        "polls": {
            "max_options": 0,
            "max_characters_per_option": 0,
            "min_expiration": 0,
            "max_expiration": 0,
        },
    }


def _host(request: Request) -> str:
    return request.url.netloc


@router.get("/api/v1/instance")
async def instance_v1(request: Request, graph: Graph, settings: Config) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    stats = await mgraph.instance_stats(graph)
    return {
        "uri": _host(request),
        "title": TITLE,
        "short_description": DESCRIPTION,
        "description": DESCRIPTION,
        "email": "",
        "version": VERSION,
        "urls": {},
        "stats": {"user_count": stats["users"], "status_count": stats["posts"], "domain_count": 0},
        "thumbnail": avatar_url(base),
        "languages": ["en"],
        "registrations": False,
        "approval_required": False,
        "invites_enabled": False,
        "configuration": _configuration(settings),
        "contact_account": None,
        "rules": [],
    }


@router.get("/api/v2/instance")
async def instance_v2(request: Request, graph: Graph, settings: Config) -> dict[str, Any]:
    base = str(request.base_url).rstrip("/")
    stats = await mgraph.instance_stats(graph)
    configuration = _configuration(settings)
    configuration["urls"] = {}
    configuration["translation"] = {"enabled": False}
    return {
        "domain": _host(request),
        "title": TITLE,
        "version": VERSION,
        "source_url": f"{base}/docs",
        "description": DESCRIPTION,
        "usage": {"users": {"active_month": stats["users"]}},
        "thumbnail": {"url": avatar_url(base), "blurhash": None, "versions": {}},
        "languages": ["en"],
        "configuration": configuration,
        "registrations": {"enabled": False, "approval_required": False, "message": None},
        "contact": {"email": "", "account": None},
        "rules": [],
        "api_versions": {"mastodon": 0},
    }


# The generated pictures never change for a name, so browsers, apps and proxies keep them a year.
MAX_NAME = 64  # the longest name a sign-in accepts; anything longer is no account's
_FOREVER = {"Cache-Control": "public, max-age=31536000, immutable"}


@router.get("/avatars/default/{username}.png", include_in_schema=False)
async def default_avatar_png(username: str) -> Response:
    """The generated avatar of an account without one (both APIs link here)."""
    if not 0 < len(username) <= MAX_NAME:
        raise NotFound("no such picture")
    return Response(default_avatar(username.lower()), media_type="image/png", headers=_FOREVER)


@router.get("/headers/default/{username}.png", include_in_schema=False)
async def default_header_png(username: str) -> Response:
    """The generated header of an account without one."""
    if not 0 < len(username) <= MAX_NAME:
        raise NotFound("no such picture")
    return Response(default_header(username.lower()), media_type="image/png", headers=_FOREVER)
