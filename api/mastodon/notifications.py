"""Notifications in Mastodon's types.

Read with the function `GET /notifications` uses. Graphgram's kinds map onto Mastodon's: a like
is `favourite` (likes are grouped per post, so one notification stands for a post's newest like),
a comment or reply is `mention` with the comment as its status (a reply is a mention, as in
Mastodon), an @mention in a caption is `mention` with the post, and `follow` and
`follow_request` are themselves.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth.scopes import ReadNotifications
from api.mastodon import loaders
from api.mastodon.deps import Context, NotificationPage
from api.mastodon.entities import Json, timestamp
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from graph import notifications as notifications_graph

router = APIRouter(
    tags=["mastodon: notifications"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)

TYPES = {
    "like": "favourite",
    "comment": "mention",
    "mention": "mention",
    "follow": "follow",
    "follow_request": "follow_request",
}


@router.get("/api/v1/notifications")
async def notifications(
    caller: ReadNotifications,
    ctx: Context,
    page: NotificationPage,
    types: Annotated[list[str], Query(alias="types[]")] = [],  # noqa: B006 - FastAPI copies defaults
    exclude_types: Annotated[list[str], Query(alias="exclude_types[]")] = [],  # noqa: B006
    account_id: str | None = None,
) -> list[Json]:
    """Newest first with Mastodon's cursors. `types[]`, `exclude_types[]` and `account_id`
    filter the page that was read, so a filtered page may hold fewer than `limit`."""
    rows = page.items(await notifications_graph.page(ctx.backends.graph, caller.id, page.params()))
    account_ids = list(dict.fromkeys(r["account"]["id"] for r in rows))
    status_ids = list(
        dict.fromkeys(
            r["comment_id"] or r["post_id"] for r in rows if r["comment_id"] or r["post_id"]
        )
    )
    found_accounts = {a["id"]: a for a in await loaders.accounts(ctx, caller.id, account_ids)}
    found_statuses = {s["id"]: s for s in await loaders.statuses(ctx, caller.id, status_ids)}
    out = []
    for row in rows:
        kind = TYPES.get(row["type"])
        who = found_accounts.get(row["account"]["id"])
        if kind is None or who is None:
            continue
        if (types and kind not in types) or kind in exclude_types:
            continue
        if account_id is not None and who["id"] != account_id:
            continue
        item: Json = {
            "id": row["id"],
            "type": kind,
            "created_at": timestamp(row["created_at"]),
            "group_key": f"ungrouped-{row['id']}",
            "account": who,
        }
        status_id = row["comment_id"] or row["post_id"]
        if status_id:
            status = found_statuses.get(status_id)
            if status is None:  # gone, or no longer visible
                continue
            item["status"] = status
        out.append(item)
    return out
