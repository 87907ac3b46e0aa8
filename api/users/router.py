"""Profiles, follower lists, follows, follow requests, blocks, mutes and close friends; users go by
username."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Response, status
from pydantic import BaseModel, Field

from api.auth.scopes import (
    ReadAccounts,
    ReadBlocks,
    ReadFollows,
    ReadLists,
    ReadMutes,
    WriteBlocks,
    WriteFollows,
    WriteLists,
    WriteMutes,
)
from api.deps import Backend, Config, Graph
from api.errors import ERROR_RESPONSES
from api.pagination import Pagination
from api.schemas import UserSummary, summary
from graph import users
from graphgram.errors import NotFound
from media.views import Picture, with_pictures
from services import relationships as relationship_service

router = APIRouter(tags=["users"], responses=ERROR_RESPONSES)


class Relationship(BaseModel):
    following: bool
    followed_by: bool
    requested: bool
    blocking: bool
    muting: bool


class Profile(BaseModel):
    id: str
    username: str
    display_name: str
    bio: str
    private: bool
    created_at: str
    post_count: int
    follower_count: int
    following_count: int
    avatar: Picture
    header: Picture
    relationship: Relationship


class FollowState(BaseModel):
    following: bool
    requested: bool


def _not_found(username: str) -> NotFound:
    return NotFound(f"no user {username!r}")


async def _content_owner(graph: Graph, viewer_id: str, username: str) -> str:
    """The user's id when the viewer may see their content (lists, posts); 404 otherwise."""
    found = await users.access(graph, viewer_id, username.lower())
    if found is None or not found.content_visible:
        raise _not_found(username)
    return found.user_id


@router.get("/users/{username}", response_model=Profile)
async def get_profile(username: str, viewer: ReadAccounts, backends: Backend) -> Profile:
    row = await users.profile(backends.graph, viewer.id, username.lower())
    if row is None:
        raise _not_found(username)
    rel = {k: row.pop(k) for k in ("following", "followed_by", "requested", "blocking", "muting")}
    return Profile(**with_pictures(backends.settings, row), relationship=Relationship(**rel))


@router.get("/users/{username}/followers", response_model=list[UserSummary])
async def list_followers(
    username: str,
    viewer: ReadAccounts,
    graph: Graph,
    settings: Config,
    page: Pagination,
) -> list[UserSummary]:
    user_id = await _content_owner(graph, viewer.id, username)
    rows = await users.followers(graph, viewer.id, user_id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]


@router.get("/users/{username}/following", response_model=list[UserSummary])
async def list_following(
    username: str,
    viewer: ReadAccounts,
    graph: Graph,
    settings: Config,
    page: Pagination,
) -> list[UserSummary]:
    user_id = await _content_owner(graph, viewer.id, username)
    rows = await users.following(graph, viewer.id, user_id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]


@router.post("/users/{username}/follow", response_model=FollowState)
async def follow(username: str, viewer: WriteFollows, backends: Backend) -> FollowState:
    state = await relationship_service.follow(backends, viewer.id, username)
    return FollowState(following=state.following, requested=state.requested)


@router.delete("/users/{username}/follow", response_model=FollowState)
async def unfollow(username: str, viewer: WriteFollows, backends: Backend) -> FollowState:
    await relationship_service.unfollow(backends, viewer.id, username)
    return FollowState(following=False, requested=False)


@router.get("/me/follow-requests", response_model=list[UserSummary])
async def list_follow_requests(
    viewer: ReadFollows, graph: Graph, settings: Config, page: Pagination
) -> list[UserSummary]:
    rows = await users.follow_requests(graph, viewer.id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]


@router.post("/me/follow-requests/{username}/accept", status_code=status.HTTP_204_NO_CONTENT)
async def accept_request(username: str, viewer: WriteFollows, backends: Backend) -> Response:
    await relationship_service.accept_request(backends, viewer.id, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/me/follow-requests/{username}/reject", status_code=status.HTTP_204_NO_CONTENT)
async def reject_request(username: str, viewer: WriteFollows, backends: Backend) -> Response:
    await relationship_service.reject_request(backends, viewer.id, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/users/{username}/block", status_code=status.HTTP_204_NO_CONTENT)
async def block(username: str, viewer: WriteBlocks, backends: Backend) -> Response:
    await relationship_service.block(backends, viewer.id, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.delete("/users/{username}/block", status_code=status.HTTP_204_NO_CONTENT)
async def unblock(username: str, viewer: WriteBlocks, backends: Backend) -> Response:
    await relationship_service.unblock(backends, viewer.id, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/blocks", response_model=list[UserSummary])
async def list_blocks(
    viewer: ReadBlocks, graph: Graph, settings: Config, page: Pagination
) -> list[UserSummary]:
    rows = await users.blocks(graph, viewer.id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]


class MuteRequest(BaseModel):
    duration: int = Field(default=0, ge=0, description="seconds the mute lasts; 0: until unmuted")
    notifications: bool = Field(
        default=True, description="also stop the account's notifications to you"
    )


class MuteState(BaseModel):
    muting: bool
    notifications: bool
    expires_at: str | None  # ISO 8601, UTC; null: until unmuted


class MutedUser(UserSummary):
    mute_expires_at: str | None = None
    mute_notifications: bool = True


def _iso(epoch_ms: int | None) -> str | None:
    if epoch_ms is None:
        return None
    return datetime.fromtimestamp(epoch_ms / 1000, tz=UTC).isoformat().replace("+00:00", "Z")


@router.put("/users/{username}/mute", response_model=MuteState)
async def mute(
    username: str, viewer: WriteMutes, backends: Backend, body: MuteRequest | None = None
) -> MuteState:
    """Mute an account: its posts leave your home feed and (unless `notifications` is false)
    its notifications stop; it is told nothing. `duration` seconds, 0: until unmuted."""
    terms = body or MuteRequest()
    state = await relationship_service.mute(
        backends,
        viewer.id,
        username,
        duration_s=terms.duration,
        notifications=terms.notifications,
    )
    return MuteState(
        muting=True, notifications=terms.notifications, expires_at=_iso(state.until_ms)
    )


@router.delete("/users/{username}/mute", status_code=status.HTTP_204_NO_CONTENT)
async def unmute(username: str, viewer: WriteMutes, backends: Backend) -> Response:
    await relationship_service.unmute(backends, viewer.id, username)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me/mutes", response_model=list[MutedUser])
async def list_mutes(
    viewer: ReadMutes, graph: Graph, settings: Config, page: Pagination
) -> list[MutedUser]:
    """The accounts you mute now (a timed mute that ended is gone), newest mute first."""
    rows = await users.mutes(graph, viewer.id, page.params())
    return [
        MutedUser(
            **summary(settings, row).model_dump(),
            mute_expires_at=row["mute_expires_at"],
            mute_notifications=row["mute_notifications"],
        )
        for row in page.items(rows, key="cursor")
    ]


class CloseFriendState(BaseModel):
    close_friend: bool


@router.put("/me/close-friends/{username}", response_model=CloseFriendState)
async def add_close_friend(
    username: str, viewer: WriteLists, backends: Backend
) -> CloseFriendState:
    """Put an account on your close friends (idempotent): your posts for close friends reach
    it. It is told nothing."""
    await relationship_service.add_close_friend(backends, viewer.id, username)
    return CloseFriendState(close_friend=True)


@router.delete("/me/close-friends/{username}", response_model=CloseFriendState)
async def remove_close_friend(
    username: str, viewer: WriteLists, backends: Backend
) -> CloseFriendState:
    """Take an account off your close friends (idempotent): your posts for close friends leave
    its feed and every page at once."""
    await relationship_service.remove_close_friend(backends, viewer.id, username)
    return CloseFriendState(close_friend=False)


@router.get("/me/close-friends", response_model=list[UserSummary])
async def list_close_friends(
    viewer: ReadLists, graph: Graph, settings: Config, page: Pagination
) -> list[UserSummary]:
    """Your close friends, newest added first (only you see this list)."""
    rows = await users.close_friends(graph, viewer.id, page.params())
    return [summary(settings, row) for row in page.items(rows, key="cursor")]
