"""Avatars and headers: an uploaded picture made into fixed-size variants and stored.

Taken on the request like any picture (`media.upload`): streamed to disk, the type decided from
the bytes, decoded fully with EXIF orientation applied and every byte of metadata left behind,
then cropped around the centre (a square for an avatar, 3:1 for a header) to each size of
`media.images.AVATAR_SIZES` / `HEADER_SIZES`. The variants are content-addressed WebP objects
under `avatar/` and `header/`, recorded on a `Media` node (kind `avatar` or `header`) that hangs
off the account by `PICTURE`; the one it replaces is released (`media.lifecycle`), so its objects
are deleted and purged from the edge unless another Media node uses them.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Callable
from functools import partial
from typing import Any, Literal

import anyio.to_thread

from backends import Backends
from graph import accounts as accounts_graph
from graphgram.errors import NotFound, Unprocessable, UnsupportedMedia
from graphgram.ids import new_id
from media.images import (
    AVATAR_SIZES,
    HEADER_SIZES,
    ImageRejected,
    TooManyPixels,
    process_picture,
)
from media.lifecycle import release_media, remove_unreferenced
from media.storage import put_bytes
from media.upload import check_type, spool

PictureKind = Literal["avatar", "header"]
# Field of the Media node for each variant, in the order of the sizes (smallest first).
_FIELDS = {
    "avatar": ("thumb_key", "profile_key", "key"),
    "header": ("thumb_key", "key"),
}


async def store_picture(
    backends: Backends,
    viewer_id: str,
    kind: PictureKind,
    chunks: AsyncIterator[bytes],
    declared: str | None,
) -> dict[str, Any]:
    """Make the upload the account's avatar or header; the new Media node. Bad input raises the
    client's error and leaves nothing behind (no node, no object)."""
    settings = backends.settings
    bucket = settings.media_bucket
    path, _, size = await spool(chunks, settings.max_image_bytes)
    created: list[str] = []
    puts: dict[str, Callable[[], bool]] = {}
    try:
        if size == 0:
            raise Unprocessable("the file is empty")
        found = check_type(path, declared)
        if found.kind != "image":
            raise UnsupportedMedia(f"an {kind} must be a picture, not a {found.kind}")
        sizes = AVATAR_SIZES if kind == "avatar" else HEADER_SIZES
        try:
            picture = await anyio.to_thread.run_sync(
                lambda: process_picture(path, sizes, max_pixels=settings.max_image_pixels)
            )
        except TooManyPixels as exc:
            raise Unprocessable(str(exc), code="too_many_pixels") from exc
        except ImageRejected as exc:
            raise Unprocessable(str(exc), code="undecodable") from exc
        media: dict[str, Any] = {
            "id": new_id(),
            "kind": kind,
            "status": "ready",
            "content_type": "image/webp",
            "width": picture.variants[-1].width,
            "height": picture.variants[-1].height,
            "blurhash": picture.blurhash,
            "bytes": sum(len(v.data) for v in picture.variants),
        }
        for field, variant in zip(_FIELDS[kind], picture.variants, strict=True):
            key = f"{kind}/{hashlib.sha256(variant.data).hexdigest()}.webp"
            media[field] = key
            puts[key] = partial(put_bytes, backends.s3, bucket, key, variant.data, "image/webp")

        async def ensure_objects(_: list[str]) -> None:
            for key, put in puts.items():
                if await anyio.to_thread.run_sync(put) and key not in created:
                    created.append(key)

        await ensure_objects([])  # outside the lock first; again under it (see media.upload)
        done = await accounts_graph.set_picture(
            backends.graph, viewer_id, media, list(puts), ensure_objects
        )
        if done is None:
            raise NotFound("this account no longer exists")
    except BaseException:
        await remove_unreferenced(backends, created)
        raise
    finally:
        path.unlink(missing_ok=True)  # noqa: ASYNC240 - a local unlink
    node, replaced = done
    if replaced:
        await release_media(backends, replaced)
    return node


async def remove_picture(backends: Backends, viewer_id: str, kind: PictureKind) -> list[str]:
    """Take the avatar or header off: its objects deleted and purged from the edge (unless
    another Media node uses them); returns the keys deleted."""
    removed = await accounts_graph.remove_picture(backends.graph, viewer_id, kind)
    return await release_media(backends, removed) if removed else []
