"""How a `Media` node is shown to a client: its metadata plus signed edge URLs."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from graphgram.settings import Settings
from media.signing import signed_url


class MediaOut(BaseModel):
    id: str
    kind: str
    status: str
    width: int | None = None
    height: int | None = None
    duration: float | None = None
    blurhash: str | None = None
    url: str | None = None
    preview_url: str | None = None
    description: str | None = None


def media_view(settings: Settings, node: dict[str, Any], *, until: float | None = None) -> MediaOut:
    """`node` is a Media node's properties (see cypher/README.md). URLs only once it is ready,
    signed to expire by `until` (epoch seconds) when given."""
    ready = node.get("status") == "ready"
    key = node.get("key")
    preview = node.get("thumb_key") or node.get("poster_key")
    return MediaOut(
        id=node["id"],
        kind=node["kind"],
        status=node["status"],
        width=node.get("width"),
        height=node.get("height"),
        duration=node.get("duration"),
        blurhash=node.get("blurhash"),
        url=signed_url(settings, key, until=until) if ready and key else None,
        preview_url=signed_url(settings, preview, until=until) if ready and preview else None,
        description=node.get("description") or None,
    )


# A profile picture's object keys by variant width, smallest first (media/images.py makes them).
AVATAR_VARIANTS = (("48", "thumb_key"), ("150", "profile_key"), ("300", "key"))
HEADER_VARIANTS = (("600", "thumb_key"), ("1500", "key"))
DEFAULT_AVATAR_PATH = "/avatars/default/"
DEFAULT_HEADER_PATH = "/headers/default/"


class Picture(BaseModel):
    """An account's avatar or header: `url` for a profile page (avatar 150 px, header 1500×500),
    `urls` by width, a blurhash to show while it loads; `default` when the account has none and
    the URLs are the generated picture (its initial on a colour of its own)."""

    url: str
    urls: dict[str, str]
    blurhash: str | None = None
    default: bool = False


def picture_view(
    settings: Settings | None, kind: str, username: str, node: dict[str, Any] | None
) -> Picture:
    """`node`: the account's Media node of `kind` ("avatar" or "header"), or None for none;
    without `settings` nothing is signed and the default shows."""
    variants = AVATAR_VARIANTS if kind == "avatar" else HEADER_VARIANTS
    if settings is None or node is None or any(not node.get(field) for _, field in variants):
        path = DEFAULT_AVATAR_PATH if kind == "avatar" else DEFAULT_HEADER_PATH
        default = f"{path}{username}.png"
        return Picture(url=default, urls={w: default for w, _ in variants}, default=True)
    urls = {width: signed_url(settings, str(node[field])) for width, field in variants}
    profile = variants[-2 if kind == "avatar" else -1][0]  # avatar 150 px, header 1500 px
    return Picture(url=urls[profile], urls=urls, blurhash=node.get("blurhash"))


# What an account row's `pictures` carries of each Media node (cached with post views).
PICTURE_FIELDS = ("kind", "key", "profile_key", "thumb_key", "blurhash")


def account_pictures(
    settings: Settings | None, username: str, pictures: list[dict[str, Any]] | None
) -> tuple[Picture, Picture]:
    """The (avatar, header) of an account row whose `pictures` lists its picture Media nodes."""
    by_kind = {str(p.get("kind")): p for p in pictures or []}
    return (
        picture_view(settings, "avatar", username, by_kind.get("avatar")),
        picture_view(settings, "header", username, by_kind.get("header")),
    )


def with_pictures(settings: Settings, row: dict[str, Any]) -> dict[str, Any]:
    """An account row with its `pictures` (Media nodes) turned into `avatar` and `header`."""
    out = {k: v for k, v in row.items() if k != "pictures"}
    out["avatar"], out["header"] = account_pictures(settings, row["username"], row.get("pictures"))
    return out
