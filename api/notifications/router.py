"""Notifications, grouped the way people expect: "carol and 1,203 others liked your post" is one
item, with the latest accounts and a count."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from api.auth.scopes import ReadNotifications, WriteNotifications
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.schemas import Author
from graph import notifications
from graph.driver import Row
from services import notifications as notification_service
from timelines.views import author

router = APIRouter(tags=["notifications"], responses=ERROR_RESPONSES)


class Notification(BaseModel):
    id: str = Field(
        description="Cursor for max_id / since_id / min_id: the id of the event, or for a like "
        "group the id of its newest like (a new like moves the group to the top)"
    )
    type: Literal["like", "comment", "follow", "follow_request", "mention"] = Field(
        description="`comment` covers comments on your posts and replies to your comments"
    )
    account: Author = Field(description="Who did it; for a like group, the latest liker")
    accounts: list[Author] = Field(
        description="For a like group the latest likers, newest first (up to 3); otherwise "
        "`[account]`"
    )
    count: int = Field(
        description="For a like group how many accounts like the post, not counting you or "
        "anyone in a block with you; otherwise 1"
    )
    post_id: str | None
    comment_id: str | None
    created_at: str = Field(description="When it happened; for a like group, its newest like")
    read: bool = Field(description="Whether it happened before your last POST /notifications/read")


@router.get("/notifications", response_model=list[Notification])
async def list_notifications(
    viewer: ReadNotifications, graph: Graph, settings: Config, page: Pagination
) -> list[Notification]:
    """Likes (one item per post), comments, replies, follows, follow requests and mentions
    addressed to you, newest first; nothing from anyone in a block with you."""
    rows = page.items(await notifications.page(graph, viewer.id, page.params()))

    def person(a: Row) -> Author:
        return author(settings, a)

    return [
        Notification(
            **{
                **row,
                "account": person(row["account"]),
                "accounts": [person(a) for a in row["accounts"]],
            }
        )
        for row in rows
    ]


@router.post("/notifications/read", status_code=status.HTTP_204_NO_CONTENT)
async def mark_read(viewer: WriteNotifications, backends: Backend) -> Response:
    """Mark everything up to now as read."""
    await notification_service.mark_read(backends, viewer.id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
