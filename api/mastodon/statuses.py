"""Statuses: post, read, edit (with history and source), delete, thread context, favourites,
bookmarks.

A Mastodon status is a Graphgram post, and a reply is a comment: Graphgram's replies are
comments under a post (threaded by `REPLY_TO`), shown in the post's comments on the API and the
web client and notified as comments. Making a Mastodon reply a comment keeps one conversation
whichever client wrote it: a reply from a Mastodon app appears under the post in Graphgram, and a
Graphgram comment appears in the app's thread view. So `in_reply_to_id` names a post (a comment
on it) or a comment (a reply to it, on the same post); a reply carries text only, no media, and
cannot be favourited (comments have no likes).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from api.auth.scopes import (
    ReadAccounts,
    ReadBookmarks,
    ReadStatuses,
    WriteBookmarks,
    WriteFavourites,
    WriteStatuses,
)
from api.deps import Backend
from api.mastodon import loaders
from api.mastodon.deps import (
    AccountPage,
    Body,
    Context,
    Ctx,
    StatusPage,
    not_found,
    validate,
)
from api.mastodon.entities import Json, comment_status, status_edit, text_html, timestamp
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from api.posts.schemas import ALT_MAX, CAPTION_MAX, COMMENT_MAX, MEDIA_MAX
from graph import mastodon as mgraph
from graph import posts
from graphgram.errors import NotFound, Unprocessable
from services import posts as post_service

router = APIRouter(
    tags=["mastodon: statuses"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)

# Comments a context returns at most on each side, oldest first (Mastodon caps threads too).
CONTEXT_LIMIT = 200


class NewStatus(BaseModel):
    status: Annotated[str, Field(max_length=CAPTION_MAX)] = ""
    media_ids: Annotated[list[str], Field(max_length=MEDIA_MAX)] = []
    in_reply_to_id: str | None = None
    sensitive: bool = False
    spoiler_text: str = ""
    visibility: Literal["public", "unlisted", "private", "direct"] | None = None
    language: str | None = None
    scheduled_at: str | None = None


def _refuse(message: str) -> Unprocessable:
    return Unprocessable(f"Validation failed: {message}")


def _check_unsupported(body: dict[str, Any], data: NewStatus) -> None:
    """Refuse what would be dropped silently: a poll, a content warning, a schedule, a DM."""
    if any(key == "poll" or key.startswith("poll[") for key in body):
        raise _refuse("polls are not supported here")
    if data.spoiler_text.strip() or data.sensitive:
        raise _refuse("content warnings and sensitive media are not supported here")
    if data.scheduled_at:
        raise _refuse("scheduled statuses are not supported here")
    if data.visibility == "direct":
        raise _refuse("direct messages are not supported here")


def _check_audience(requested: str | None, audience: str) -> None:
    """Who sees a post is its author's choice of public or private account, not the post's. A
    request narrower than that audience is refused rather than published wider than asked."""
    if requested in {"private", "direct"} and audience == "public":
        raise _refuse(
            "visibility: posts of a public account are public; make the account locked to post "
            "for followers only"
        )


@router.post("/api/v1/statuses")
async def create_status(
    caller: WriteStatuses, ctx: Context, backends: Backend, body: Body, request: Request
) -> Json:
    """Post, or reply (a comment). A repeated `Idempotency-Key` from the same account within an
    hour answers the status the first request made instead of posting twice, as Mastodon does;
    one sent while the first still runs is a 409, and one that cannot be checked (Redis away) a
    503 (`api.middleware.Idempotency`, the same as the API's own creating routes)."""
    data = validate(NewStatus, body)
    _check_unsupported(body, data)
    return await _create(ctx, backends, caller.id, data, request.headers.get("idempotency-key"))


async def _create(
    ctx: Ctx, backends: Backend, viewer_id: str, data: NewStatus, idempotency_key: str | None
) -> Json:
    if data.in_reply_to_id:
        return await _reply(ctx, backends, viewer_id, data)
    if not data.status.strip() and not data.media_ids:
        raise _refuse("text can't be blank")
    me = await loaders.credential_account(ctx, viewer_id)
    _check_audience(data.visibility, "private" if me["locked"] else "public")
    post_id = await post_service.create_post(
        backends,
        viewer_id,
        caption=data.status,
        media_ids=data.media_ids,
        idempotency_key=idempotency_key,
        idempotency_scope="mastodon-status",
    )
    return await loaders.status(ctx, viewer_id, post_id)


async def _reply(ctx: Ctx, backends: Backend, viewer_id: str, data: NewStatus) -> Json:
    if data.media_ids:
        raise _refuse("a reply is a comment here and carries no media")
    text = data.status.strip()
    if not text:
        raise _refuse("text can't be blank")
    if len(text) > COMMENT_MAX:
        raise _refuse(f"text is over {COMMENT_MAX} characters")
    target = str(data.in_reply_to_id)
    parent = await loaders.status(ctx, viewer_id, target)  # 404 when it cannot be seen
    _check_audience(data.visibility, parent["visibility"])
    found = await posts.access(backends.graph, viewer_id, target)
    if found is not None:
        post_id, reply_to = target, None
    else:
        comment = await loaders.comment_row(ctx, viewer_id, target)
        if comment is None:
            raise not_found()
        post_id, reply_to = comment["post_id"], target
    row = await post_service.comment(backends, viewer_id, post_id, text=text, reply_to=reply_to)
    created = await loaders.comment_row(ctx, viewer_id, row["id"])
    if created is None:
        raise not_found()
    return comment_status(ctx.base_url, created, ctx.backends.settings)


class MediaAttribute(BaseModel):
    id: str
    description: Annotated[str | None, Field(max_length=ALT_MAX)] = None
    focus: str | None = None


class StatusChanges(BaseModel):
    status: Annotated[str, Field(max_length=CAPTION_MAX)] = ""
    media_ids: Annotated[list[str] | None, Field(max_length=MEDIA_MAX)] = None
    media_attributes: Annotated[list[MediaAttribute], Field(max_length=MEDIA_MAX)] = []
    sensitive: bool | None = None
    spoiler_text: str | None = None
    language: str | None = None


@router.put("/api/v1/statuses/{status_id}")
async def update_status(
    status_id: str, caller: WriteStatuses, ctx: Context, backends: Backend, body: Body
) -> Json:
    """Edit a post of yours: its text and its media's descriptions (`media_attributes`, JSON
    bodies); the version replaced is kept (`/history`). The media set itself cannot change, and
    polls, content warnings and comments (replies) cannot be edited here."""
    data = validate(StatusChanges, body)
    if any(key == "poll" or key.startswith("poll[") for key in body):
        raise _refuse("polls are not supported here")
    if (data.spoiler_text or "").strip() or data.sensitive:
        raise _refuse("content warnings and sensitive media are not supported here")
    current = await loaders.status(ctx, caller.id, status_id)  # 404 when it cannot be seen
    if current["account"]["id"] != caller.id:
        raise not_found()
    if "in_reply_to_id" in current and current["in_reply_to_id"] is not None:
        raise _refuse("a reply is a comment here and cannot be edited")
    attached = [m["id"] for m in current["media_attachments"]]
    if data.media_ids is not None and sorted(data.media_ids) != sorted(attached):
        raise _refuse("media_ids: the media of a status cannot be changed here")
    if not data.status.strip() and not attached:
        raise _refuse("text can't be blank")
    await post_service.edit_post(
        backends,
        caller.id,
        status_id,
        caption=data.status,
        alts={m.id: m.description for m in data.media_attributes if m.description is not None},
    )
    return await loaders.status(ctx, caller.id, status_id)


@router.get("/api/v1/statuses/{status_id}/history")
async def status_history(status_id: str, caller: ReadStatuses, ctx: Context) -> list[Json]:
    """Every version of a status, oldest first (the current one last), as Mastodon answers; a
    status never edited has one. A reply (a comment) is never edited: its one version."""
    current = await loaders.status(ctx, caller.id, status_id)  # 404 when it cannot be seen
    found = await posts.access(ctx.backends.graph, caller.id, status_id)
    if found is None:
        return [status_edit(current, current["content"], current["media_attachments"])]
    versions = await posts.history(ctx.backends.graph, status_id)
    by_id = {m["id"]: m for m in current["media_attachments"]}
    out = []
    for row in reversed(versions):
        media = [
            {**by_id[m], "description": alt or None}
            for m, alt in zip(row["media_ids"], row["alts"], strict=True)
            if m in by_id
        ]
        out.append(
            status_edit(
                {**current, "created_at": timestamp(row["created_at"])},
                text_html(ctx.base_url, row["caption"]),
                media,
            )
        )
    return out


@router.get("/api/v1/statuses/{status_id}/source")
async def status_source(status_id: str, caller: ReadStatuses, ctx: Context) -> Json:
    """The text of a status as written, for editing."""
    rows = await posts.hydrate(ctx.backends.graph, caller.id, [status_id])
    if rows:
        return {"id": status_id, "text": rows[0]["caption"], "spoiler_text": ""}
    comment = await loaders.comment_row(ctx, caller.id, status_id)
    if comment is None:
        raise not_found()
    return {"id": status_id, "text": comment["text"], "spoiler_text": ""}


@router.get("/api/v1/statuses/{status_id}")
async def get_status(status_id: str, caller: ReadStatuses, ctx: Context) -> Json:
    return await loaders.status(ctx, caller.id, status_id)


@router.delete("/api/v1/statuses/{status_id}")
async def delete_status(
    status_id: str, caller: WriteStatuses, ctx: Context, backends: Backend
) -> Json:
    """Delete a post of yours, or a comment you wrote or that is on your post; answers the status
    with its source `text`, as Mastodon does (for "delete and redraft")."""
    graph = backends.graph
    found = await posts.access(graph, caller.id, status_id)
    if found is not None:
        if not (found.visible and found.own):
            raise not_found()
        rows = await posts.hydrate(graph, caller.id, [status_id])
        [gone] = await loaders.post_statuses(ctx, caller.id, rows, with_text=True)
        await post_service.delete_post(backends, caller.id, status_id)
        return gone
    comment = await loaders.comment_row(ctx, caller.id, status_id)
    if comment is None or not comment["deletable"]:
        raise not_found()
    await post_service.delete_comment(backends, caller.id, status_id)
    return comment_status(ctx.base_url, comment, ctx.backends.settings, with_text=True)


def _thread(root: str, rows: list[dict[str, Any]]) -> list[str]:
    """Comment ids in reading order: depth first from `root`, each level oldest first; comments
    whose parent is not shown come after, oldest first."""
    children: dict[str, list[str]] = {}
    for row in sorted(rows, key=lambda r: r["id"]):
        children.setdefault(row["in_reply_to_id"], []).append(row["id"])
    ordered: list[str] = []
    stack = list(reversed(children.get(root, [])))
    while stack:
        current = stack.pop()
        ordered.append(current)
        stack.extend(reversed(children.get(current, [])))
    seen = set(ordered)
    return ordered + [r["id"] for r in sorted(rows, key=lambda r: r["id"]) if r["id"] not in seen]


@router.get("/api/v1/statuses/{status_id}/context")
async def context(status_id: str, caller: ReadStatuses, ctx: Context) -> Json:
    """Ancestors (the post, then the comments a reply answers) and descendants (the replies
    below, in thread order), at most 200 comments each way."""
    graph = ctx.backends.graph
    await loaders.status(ctx, caller.id, status_id)  # 404 when it cannot be seen
    found = await posts.access(graph, caller.id, status_id)
    window = {"limit": CONTEXT_LIMIT, "newer_than": "", "older_than": "", "before": "~"}
    if found is not None:
        post_id, ancestor_ids = status_id, []
        listed = await posts.comments(graph, caller.id, post_id, {**window, "after": ""})
    else:
        comment = await loaders.comment_row(ctx, caller.id, status_id)
        if comment is None:
            raise not_found()
        post_id = comment["post_id"]
        chain = await mgraph.comment_ancestors(graph, status_id, CONTEXT_LIMIT)
        ancestor_ids = [post_id, *chain]
        # Replies are newer than what they answer: read on from this comment, oldest first.
        listed = await posts.comments(graph, caller.id, post_id, {**window, "after": status_id})
    rows = await mgraph.comments(graph, caller.id, [r["id"] for r in listed])
    order = _thread(status_id, list(rows.values()))
    if found is None:  # only the replies below this comment
        below = set(_subtree(status_id, list(rows.values())))
        order = [i for i in order if i in below]
    return {
        "ancestors": await loaders.statuses(ctx, caller.id, ancestor_ids),
        "descendants": [
            comment_status(ctx.base_url, rows[i], ctx.backends.settings) for i in order
        ],
    }


def _subtree(root: str, rows: list[dict[str, Any]]) -> list[str]:
    children: dict[str, list[str]] = {}
    for row in rows:
        children.setdefault(row["in_reply_to_id"], []).append(row["id"])
    out, stack = [], list(children.get(root, []))
    while stack:
        current = stack.pop()
        out.append(current)
        stack.extend(children.get(current, []))
    return out


@router.post("/api/v1/statuses/{status_id}/favourite")
async def favourite(
    status_id: str, caller: WriteFavourites, ctx: Context, backends: Backend
) -> Json:
    """Like a post; idempotent."""
    try:
        await post_service.like(backends, caller.id, status_id)
    except NotFound:
        if await loaders.comment_row(ctx, caller.id, status_id) is not None:
            raise _refuse("a reply is a comment here, and comments cannot be favourited") from None
        raise
    return await loaders.status(ctx, caller.id, status_id)


@router.post("/api/v1/statuses/{status_id}/unfavourite")
async def unfavourite(
    status_id: str, caller: WriteFavourites, ctx: Context, backends: Backend
) -> Json:
    """Take a like back; a comment (never liked) or an unknown status answers as `GET` does."""
    with suppress(NotFound):
        await post_service.unlike(backends, caller.id, status_id)
    return await loaders.status(ctx, caller.id, status_id)


async def _refuse_comment(ctx: Ctx, viewer_id: str, status_id: str, what: str) -> None:
    if await loaders.comment_row(ctx, viewer_id, status_id) is not None:
        raise _refuse(f"a reply is a comment here, and comments cannot be {what}")


@router.post("/api/v1/statuses/{status_id}/bookmark")
async def bookmark(status_id: str, caller: WriteBookmarks, ctx: Context, backends: Backend) -> Json:
    """Save a post for later; idempotent, and private to you."""
    try:
        await post_service.save(backends, caller.id, status_id)
    except NotFound:
        await _refuse_comment(ctx, caller.id, status_id, "bookmarked")
        raise not_found() from None
    return await loaders.status(ctx, caller.id, status_id)


@router.post("/api/v1/statuses/{status_id}/unbookmark")
async def unbookmark(
    status_id: str, caller: WriteBookmarks, ctx: Context, backends: Backend
) -> Json:
    """Take a bookmark back; a comment (never bookmarked) or an unknown status answers as `GET`
    does."""
    with suppress(NotFound):
        await post_service.unsave(backends, caller.id, status_id)
    return await loaders.status(ctx, caller.id, status_id)


@router.get("/api/v1/bookmarks")
async def bookmarks(caller: ReadBookmarks, ctx: Context, page: StatusPage) -> list[Json]:
    """Your bookmarked statuses, newest bookmarked first, leaving out those you may no longer
    see; the Link header's cursors are bookmark ids, as Mastodon's are."""
    rows = await posts.saved(ctx.backends.graph, caller.id, page.params())
    kept = page.items(rows, key="cursor")
    found = await posts.hydrate(ctx.backends.graph, caller.id, [row["id"] for row in kept])
    return await loaders.post_statuses(ctx, caller.id, found)


@router.get("/api/v1/statuses/{status_id}/favourited_by")
async def favourited_by(
    status_id: str, caller: ReadAccounts, ctx: Context, page: AccountPage
) -> list[Json]:
    await loaders.status(ctx, caller.id, status_id)  # 404 when it cannot be seen
    found = await posts.access(ctx.backends.graph, caller.id, status_id)
    if found is None:
        return []  # a comment: nobody can favourite it
    rows = await posts.likers(ctx.backends.graph, caller.id, status_id, page.params())
    return await loaders.account_page(ctx, caller.id, rows, page)


@router.get("/api/v1/statuses/{status_id}/reblogged_by")
async def reblogged_by(status_id: str, caller: ReadAccounts, ctx: Context) -> list[Json]:
    """No boosts here: nobody, once the status is one the caller may see."""
    await loaders.status(ctx, caller.id, status_id)
    return []
