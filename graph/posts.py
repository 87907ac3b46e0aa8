"""Posts, likes and comments."""

from __future__ import annotations

from dataclasses import dataclass

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from graph.driver import Graph, Params, Row, run


@dataclass(frozen=True)
class PostAccess:
    own: bool
    visible: bool


class MediaNotAttachable(Exception):
    def __init__(self, media_ids: list[str]) -> None:
        super().__init__(", ".join(media_ids))
        self.media_ids = media_ids


async def create(
    graph: Graph,
    *,
    viewer_id: str,
    post_id: str,
    caption: str,
    hashtags: list[str],
    mentions: list[str],
    media_ids: list[str],
    request: str | None = None,
    audience: str = "everyone",
    audience_days: int | None = None,
) -> str:
    """One transaction: check every media id, then write the post; nothing is written on error.
    Returns the post's id: `post_id`, or the post this author's `request` (an Idempotency-Key
    digest) already made, when a run of it committed and never answered (a process that died)."""

    async def made(tx: AsyncManagedTransaction) -> str | None:
        rows = await run(
            tx, "posts/get_post_by_request", {"viewer_id": viewer_id, "request": request}
        )
        return str(rows[0]["id"]) if rows else None

    async def work(tx: AsyncManagedTransaction) -> str:
        if request is not None and (earlier := await made(tx)) is not None:
            return earlier
        checks = await run(
            tx, "posts/check_media", {"viewer_id": viewer_id, "media_ids": media_ids}
        )
        bad = [row["media_id"] for row in checks if not row["ok"]]
        if bad:
            raise MediaNotAttachable(bad)
        await run(
            tx,
            "posts/create_post",
            {
                "viewer_id": viewer_id,
                "id": post_id,
                "caption": caption,
                "hashtags": hashtags,
                "mentions": mentions,
                "media_ids": media_ids,
                "request": request,
                "audience": audience,
                "audience_days": audience_days,
            },
        )
        return post_id

    try:
        return await graph.in_write("posts/create_post", work)
    except ConstraintError:
        if request is None:
            raise
        # The same request committed meanwhile (post_request is unique): that post it is.
        earlier = await graph.in_read("posts/get_post_by_request", made)
        if earlier is None:
            raise
        return earlier


class AltNotOnPost(Exception):
    def __init__(self, media_ids: list[str]) -> None:
        super().__init__(", ".join(media_ids))
        self.media_ids = media_ids


async def edit(
    graph: Graph,
    *,
    viewer_id: str,
    post_id: str,
    edit_id: str,
    caption: str | None,
    hashtags: list[str] | None,
    mentions: list[str] | None,
    alts: dict[str, str],
) -> bool:
    """One transaction: keep the version being replaced, write the new one; False when the post
    is not the viewer's. A None caption (hashtags, mentions) keeps it. Alt texts for media not
    on the post roll it all back (`AltNotOnPost`)."""

    async def work(tx: AsyncManagedTransaction) -> bool:
        rows = await run(
            tx,
            "posts/edit_post",
            {
                "viewer_id": viewer_id,
                "post_id": post_id,
                "edit_id": edit_id,
                "caption": caption,
                "hashtags": hashtags,
                "mentions": mentions,
                "alts": alts,
            },
        )
        if not rows:
            return False
        bad = sorted(set(alts) - set(rows[0]["media_ids"]))
        if bad:
            raise AltNotOnPost(bad)
        return True

    return await graph.in_write("posts/edit_post", work)


async def history(graph: Graph, post_id: str) -> list[Row]:
    """Every version of a post, newest first (the current one first); the caller checked the
    viewer may see it."""
    return await graph.read("posts/history", {"post_id": post_id})


async def views(graph: Graph, ids: list[str]) -> dict[str, Row]:
    """The viewer-independent part of each post's view, by id (missing ids are gone)."""
    rows = await graph.read("posts/views", {"ids": ids})
    return {row["id"]: row for row in rows}


async def viewer_state(graph: Graph, viewer_id: str, ids: list[str]) -> dict[str, Row]:
    """What one viewer may see of each post, and their share of it (liked, saved, hidden
    counts)."""
    rows = await graph.read("posts/viewer_state", {"viewer_id": viewer_id, "ids": ids})
    return {row["id"]: row for row in rows}


def compose(view: Row, state: Row) -> Row | None:
    """A full post row as `viewer_state` says the viewer sees it; None when hidden."""
    if not state["visible"]:
        return None
    blocked = set(state["blocked_ids"])
    return {
        "id": view["id"],
        "author": view["author"],
        "caption": view["caption"],
        "created_at": view["created_at"],
        "edited_at": view.get("edited_at"),
        "media": view["media"],
        "hashtags": view["hashtags"],
        "mentions": [m["username"] for m in view["mentions"] if m["id"] not in blocked],
        "like_count": view["like_count"] - state["hidden_likes"],
        "liked": state["liked"],
        "saved": state["saved"],
        "comment_count": view["comment_count"] - state["hidden_comments"],
        "audience": view.get("audience"),
        "audience_days": view.get("audience_days"),
    }


async def hydrate(graph: Graph, viewer_id: str, ids: list[str]) -> list[Row]:
    """Full post views in the order of `ids`, leaving out what the viewer may not see."""
    if not ids:
        return []

    async def work(tx: AsyncManagedTransaction) -> list[Row]:
        found = {row["id"]: row for row in await run(tx, "posts/views", {"ids": ids})}
        states = await run(tx, "posts/viewer_state", {"viewer_id": viewer_id, "ids": ids})
        by_id = {row["id"]: row for row in states}
        out = []
        for post_id in ids:
            if post_id in found and post_id in by_id:
                row = compose(found[post_id], by_id[post_id])
                if row is not None:
                    out.append(row)
        return out

    return await graph.in_read("posts/views", work)


async def access(graph: Graph, viewer_id: str, post_id: str) -> PostAccess | None:
    row = await graph.read_one("posts/get_access", {"viewer_id": viewer_id, "post_id": post_id})
    return PostAccess(row["own"], row["visible"]) if row else None


async def delete_in(tx: AsyncManagedTransaction, author_id: str, post_id: str) -> list[str] | None:
    """Delete the author's post in the caller's transaction; the ids of media no post uses any
    more, or None when it is not theirs (or gone)."""
    rows = await run(tx, "posts/delete_post", {"viewer_id": author_id, "post_id": post_id})
    return list(rows[0]["released_media"]) if rows else None


async def delete(graph: Graph, viewer_id: str, post_id: str) -> list[str] | None:
    """Delete the viewer's post; the ids of media no post uses any more, or None if not theirs."""

    async def work(tx: AsyncManagedTransaction) -> list[str] | None:
        return await delete_in(tx, viewer_id, post_id)

    return await graph.in_write("posts/delete_post", work)


async def user_post_ids(graph: Graph, viewer_id: str, user_id: str, page: Params) -> list[str]:
    """One page of the user's post ids the viewer may see (the caller checked the account)."""
    rows = await graph.read(
        "posts/list_user_posts", {"viewer_id": viewer_id, "user_id": user_id, **page}
    )
    return [row["id"] for row in rows]


async def like(graph: Graph, viewer_id: str, post_id: str, rel_id: str) -> bool:
    row = await graph.write_one(
        "posts/like", {"viewer_id": viewer_id, "post_id": post_id, "rel_id": rel_id}
    )
    return row is not None


async def unlike(graph: Graph, viewer_id: str, post_id: str) -> None:
    await graph.write("posts/unlike", {"viewer_id": viewer_id, "post_id": post_id})


async def save(graph: Graph, viewer_id: str, post_id: str, rel_id: str) -> bool:
    """Save a post the viewer may see (idempotent); False when it cannot be seen."""
    row = await graph.write_one(
        "posts/save", {"viewer_id": viewer_id, "post_id": post_id, "rel_id": rel_id}
    )
    return row is not None


async def unsave(graph: Graph, viewer_id: str, post_id: str) -> None:
    await graph.write("posts/unsave", {"viewer_id": viewer_id, "post_id": post_id})


async def is_saved(graph: Graph, viewer_id: str, post_id: str) -> bool:
    row = await graph.read_one("posts/is_saved", {"viewer_id": viewer_id, "post_id": post_id})
    return bool(row and row["saved"])


async def saved(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    """One page of the viewer's saved posts they may still see: {cursor, id}, newest saved
    first (the cursor is when it was saved)."""
    return await graph.read("posts/list_saved", {"viewer_id": viewer_id, **page})


async def likers(graph: Graph, viewer_id: str, post_id: str, page: Params) -> list[Row]:
    return await graph.read(
        "posts/list_likers", {"viewer_id": viewer_id, "post_id": post_id, **page}
    )


async def reply_target_ok(graph: Graph, viewer_id: str, post_id: str, comment_id: str) -> bool:
    row = await graph.read_one(
        "posts/check_reply_target",
        {"viewer_id": viewer_id, "post_id": post_id, "comment_id": comment_id},
    )
    return bool(row and row["ok"])


async def create_comment(
    graph: Graph, *, viewer_id: str, post_id: str, comment_id: str, text: str, reply_to: str | None
) -> Row | None:
    return await graph.write_one(
        "posts/create_comment",
        {
            "viewer_id": viewer_id,
            "post_id": post_id,
            "id": comment_id,
            "text": text,
            "reply_to": reply_to,
        },
    )


async def comments(graph: Graph, viewer_id: str, post_id: str, page: Params) -> list[Row]:
    return await graph.read(
        "posts/list_comments", {"viewer_id": viewer_id, "post_id": post_id, **page}
    )


async def comment_access(graph: Graph, viewer_id: str, comment_id: str) -> Row | None:
    return await graph.read_one(
        "posts/get_comment_access", {"viewer_id": viewer_id, "comment_id": comment_id}
    )


async def delete_comment(graph: Graph, comment_id: str) -> None:
    await graph.write("posts/delete_comment", {"comment_id": comment_id})
