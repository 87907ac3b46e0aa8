"""Posts, likes and comments: post (with media, hashtags and mentions), edit a post, delete a
post, like, unlike, save, unsave, comment, delete a comment.

A Mastodon status is a post and a Mastodon reply is a comment, so both APIs end up here."""

from __future__ import annotations

import hashlib
import re

from backends import Backends
from graph import posts
from graph.driver import Row
from graphgram.errors import FieldError, Forbidden, NotFound, Unprocessable
from graphgram.ids import new_id
from media.lifecycle import release_media
from timelines import hooks as timeline_hooks
from wire.posts import check_audience

HASHTAG = re.compile(r"(?<![\w#])#(\w{1,100})")
MENTION = re.compile(r"(?<![\w@])@([A-Za-z0-9_]{3,30})\b")


def hashtags(text: str) -> list[str]:
    return sorted({tag.lower() for tag in HASHTAG.findall(text)})


def mentions(text: str) -> list[str]:
    return sorted({name.lower() for name in MENTION.findall(text)})


def _no_post(post_id: str) -> NotFound:
    return NotFound(f"no post {post_id!r}")


async def _visible(backends: Backends, viewer_id: str, post_id: str) -> posts.PostAccess:
    found = await posts.access(backends.graph, viewer_id, post_id)
    if found is None or not found.visible:
        raise _no_post(post_id)
    return found


async def create_post(
    backends: Backends,
    viewer_id: str,
    *,
    caption: str,
    media_ids: list[str],
    idempotency_key: str | None = None,
    idempotency_scope: str = "posts",
    audience: str = "everyone",
    audience_days: int | None = None,
) -> str:
    """Publish a post with the viewer's ready media attached, in order; the new post's id.
    Readers see it at once and the fan-out worker takes it to followers' timelines.

    With the request's `Idempotency-Key`, the post records the key's digest (unique): a retry
    that runs again because its first run died after committing (its claim on the key expired,
    `api.middleware.Idempotency`) answers that post instead of posting twice. Its timeline
    hooks run again, which the first run may not have reached; they are idempotent. A key is
    the account's own and the surface's (`idempotency_scope`): as the middleware has it, a key
    of `POST /posts` and the same key of Mastodon's statuses are two requests.

    `audience` (with `audience_days` for `followers_for_days`) narrows who may see the post below
    everyone who may see the account: it is kept on the post and every read checks it, and the
    fan-out pushes the post only to followers in it."""
    check_audience(audience, audience_days)
    if len(set(media_ids)) != len(media_ids):
        raise Unprocessable(
            "media_ids: each media item may appear once",
            fields=[FieldError(field="media_ids", message="duplicate media id")],
        )
    request = None
    if idempotency_key is not None:
        named = f"{idempotency_scope}\n{viewer_id}\n{idempotency_key}"
        request = hashlib.sha256(named.encode()).hexdigest()
    try:
        post_id = await posts.create(
            backends.graph,
            viewer_id=viewer_id,
            post_id=new_id(),
            request=request,
            caption=caption,
            hashtags=hashtags(caption),
            mentions=mentions(caption),
            media_ids=media_ids,
            audience=audience,
            audience_days=audience_days,
        )
    except posts.MediaNotAttachable as exc:
        raise Unprocessable(
            f"media_ids: not yours, unknown or failed: {', '.join(exc.media_ids)}",
            fields=[FieldError(field="media_ids", message="unknown, not yours, or failed")],
        ) from None
    await timeline_hooks.post_created(backends, post_id, viewer_id, everyone=audience == "everyone")
    return post_id


async def edit_post(
    backends: Backends,
    viewer_id: str,
    post_id: str,
    *,
    caption: str | None = None,
    alts: dict[str, str] | None = None,
) -> None:
    """Edit the viewer's own post: its caption (hashtags and mentions parsed again: a new mention
    notifies, a removed tag leaves the tag) and the alt text of its media items (by media id).
    The version replaced is kept (`history`); `None` leaves a part as it is."""
    found = await _visible(backends, viewer_id, post_id)
    if not found.own:
        raise Forbidden("only the author can edit a post")
    try:
        done = await posts.edit(
            backends.graph,
            viewer_id=viewer_id,
            post_id=post_id,
            edit_id=new_id(),
            caption=caption,
            hashtags=None if caption is None else hashtags(caption),
            mentions=None if caption is None else mentions(caption),
            alts=alts or {},
        )
    except posts.AltNotOnPost as exc:
        raise Unprocessable(
            f"media: not on this post: {', '.join(exc.media_ids)}",
            fields=[FieldError(field="media", message="not a media item of this post")],
        ) from None
    if not done:  # deleted meanwhile
        raise _no_post(post_id)
    await timeline_hooks.post_edited(backends, post_id)


async def delete_post(backends: Backends, viewer_id: str, post_id: str) -> None:
    """Delete the viewer's own post; media no other post uses goes with it."""
    found = await _visible(backends, viewer_id, post_id)
    if not found.own:
        raise Forbidden("only the author can delete a post")
    released = await posts.delete(backends.graph, viewer_id, post_id)
    await after_delete(backends, viewer_id, post_id, released or [])


async def after_delete(
    backends: Backends, author_id: str, post_id: str, released: list[str]
) -> None:
    """What follows a post's deletion from the graph, by its author or a moderator
    (services/moderation.py): gone from every feed, cached view and fragment; the media no post
    uses any more (`released`) deleted and purged from the edge."""
    await timeline_hooks.post_deleted(backends, post_id, author_id)
    if released:
        await release_media(backends, released)


async def like(backends: Backends, viewer_id: str, post_id: str) -> None:
    """Like a post the viewer may see; idempotent."""
    if not await posts.like(backends.graph, viewer_id, post_id, new_id()):
        raise _no_post(post_id)
    await timeline_hooks.liked(backends, viewer_id, post_id)


async def unlike(backends: Backends, viewer_id: str, post_id: str) -> None:
    """Take a like back; idempotent."""
    await _visible(backends, viewer_id, post_id)
    await posts.unlike(backends.graph, viewer_id, post_id)
    await timeline_hooks.unliked(backends, viewer_id, post_id)


async def save(backends: Backends, viewer_id: str, post_id: str) -> None:
    """Save a post the viewer may see, for later; idempotent. Private to the viewer."""
    if not await posts.save(backends.graph, viewer_id, post_id, new_id()):
        raise _no_post(post_id)
    await timeline_hooks.saved(backends, viewer_id, post_id)


async def unsave(backends: Backends, viewer_id: str, post_id: str) -> None:
    """Take a post out of the viewer's saved posts; idempotent."""
    await _visible(backends, viewer_id, post_id)
    await posts.unsave(backends.graph, viewer_id, post_id)
    await timeline_hooks.unsaved(backends, viewer_id, post_id)


async def comment(
    backends: Backends, viewer_id: str, post_id: str, *, text: str, reply_to: str | None = None
) -> Row:
    """Comment on a post, or reply to one of its comments (`reply_to`); the comment's row."""
    await _visible(backends, viewer_id, post_id)
    if reply_to is not None and not await posts.reply_target_ok(
        backends.graph, viewer_id, post_id, reply_to
    ):
        raise Unprocessable(
            "reply_to: no such comment on this post",
            fields=[FieldError(field="reply_to", message="no such comment on this post")],
        )
    row = await posts.create_comment(
        backends.graph,
        viewer_id=viewer_id,
        post_id=post_id,
        comment_id=new_id(),
        text=text,
        reply_to=reply_to,
    )
    if row is None:  # the post was deleted meanwhile
        raise _no_post(post_id)
    await timeline_hooks.commented(backends, post_id)
    return row


async def delete_comment(backends: Backends, viewer_id: str, comment_id: str) -> None:
    """Delete a comment the viewer wrote, or one on the viewer's post."""
    found = await posts.comment_access(backends.graph, viewer_id, comment_id)
    if found is None or not found["visible"]:
        raise NotFound(f"no comment {comment_id!r}")
    if not (found["own"] or found["post_owner"]):
        raise Forbidden("only the comment's author or the post's owner can delete it")
    await posts.delete_comment(backends.graph, comment_id)
    await timeline_hooks.commented(backends, found["post_id"])
