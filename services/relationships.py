"""Follows, follow requests, blocks, mutes and close friends: follow, unfollow, accept or reject a
request, block, unblock, mute, unmute, add or remove a close friend.

A follow or unfollow can make or undo a mutual follow, and with it the other account's place in
the audience of the viewer's posts for mutual follows: the timeline hooks follow it both ways.

Users are named by username, as the graph addresses them; the Mastodon API, which names them by
id, resolves the id first (a read it needs anyway to answer 404 for someone out of sight)."""

from __future__ import annotations

from dataclasses import dataclass

from backends import Backends
from graph import users
from graphgram.errors import AppError, FieldError, NotFound, Unprocessable
from graphgram.ids import new_id
from timelines import hooks as timeline_hooks


@dataclass(frozen=True)
class FollowState:
    user_id: str
    following: bool
    requested: bool


async def _refused(backends: Backends, viewer_id: str, username: str, verb: str) -> AppError:
    """Why a follow or block wrote nothing: the viewer named themselves (422), or the user is
    unknown or out of sight (404). Read only on that path."""
    found = await users.access(backends.graph, viewer_id, username.lower())
    if found is not None and found.user_id == viewer_id:
        return Unprocessable(f"you cannot {verb} yourself")
    return NotFound(f"no user {username!r}")


async def follow(backends: Backends, viewer_id: str, username: str) -> FollowState:
    """Follow a public account, or request to follow a private one; idempotent. A follow brings
    the account's recent posts into the viewer's timeline."""
    row = await users.follow(backends.graph, viewer_id, username.lower(), new_id())
    if row is None:
        raise await _refused(backends, viewer_id, username, "follow")
    if row["following"]:
        await timeline_hooks.followed(backends, viewer_id, row["id"])
        # If they follow the viewer, the follow is now mutual: the viewer's posts for mutual
        # follows reach them.
        await timeline_hooks.audience_joined(backends, row["id"], viewer_id)
    return FollowState(user_id=row["id"], following=row["following"], requested=row["requested"])


async def unfollow(backends: Backends, viewer_id: str, username: str) -> None:
    """Unfollow, or withdraw a follow request; idempotent. Their posts leave the timeline."""
    found = await users.access(backends.graph, viewer_id, username.lower())
    if found is None or not found.visible:
        raise NotFound(f"no user {username!r}")
    await users.unfollow(backends.graph, viewer_id, found.user_id)
    await timeline_hooks.unfollowed(backends, viewer_id, found.user_id)
    # A mutual follow, if there was one, is undone: the viewer's posts for mutual follows leave
    # their timeline.
    await timeline_hooks.audience_left(backends, found.user_id, viewer_id)


async def accept_request(backends: Backends, viewer_id: str, username: str) -> None:
    """Accept `username`'s pending request to follow the viewer."""
    requester_id = await users.accept_request(backends.graph, viewer_id, username.lower())
    if requester_id is None:
        raise NotFound(f"no pending follow request from {username!r}")
    await timeline_hooks.followed(backends, requester_id, viewer_id)
    await timeline_hooks.audience_joined(backends, viewer_id, requester_id)


async def reject_request(backends: Backends, viewer_id: str, username: str) -> None:
    """Reject `username`'s pending request to follow the viewer."""
    if not await users.reject_request(backends.graph, viewer_id, username.lower()):
        raise NotFound(f"no pending follow request from {username!r}")


async def block(backends: Backends, viewer_id: str, username: str) -> None:
    """Block: follows and requests both ways end, and each side stops seeing the other;
    idempotent."""
    blocked_id = await users.block(backends.graph, viewer_id, username.lower(), new_id())
    if blocked_id is None:
        raise await _refused(backends, viewer_id, username, "block")
    await timeline_hooks.blocked(backends, viewer_id, blocked_id)


async def unblock(backends: Backends, viewer_id: str, username: str) -> None:
    """Lift the viewer's block (follows are not restored); idempotent."""
    user_id = await users.unblock(backends.graph, viewer_id, username.lower())
    if user_id is None:
        raise NotFound(f"no user {username!r}")
    await timeline_hooks.block_changed(backends, viewer_id, user_id)


# The longest timed mute: a year (Mastodon sets no bound; this keeps the end a sane date).
MAX_MUTE_DURATION_S = 365 * 86400


@dataclass(frozen=True)
class MuteState:
    user_id: str
    until_ms: int | None  # when the mute ends (epoch ms); None: until unmuted


async def mute(
    backends: Backends,
    viewer_id: str,
    username: str,
    *,
    duration_s: int = 0,
    notifications: bool = True,
) -> MuteState:
    """Mute: the account's posts leave the viewer's home feed, and with `notifications` their
    notifications to the viewer stop, for `duration_s` seconds (0: until unmuted). The muted
    account is told nothing and still sees the viewer. Muting again replaces the terms;
    idempotent."""
    if duration_s < 0 or duration_s > MAX_MUTE_DURATION_S:
        raise Unprocessable(
            "invalid mute duration",
            fields=[
                FieldError(
                    field="duration",
                    message=f"seconds from 0 (until unmuted) to {MAX_MUTE_DURATION_S}",
                )
            ],
        )
    found = await users.mute(
        backends.graph,
        viewer_id,
        username.lower(),
        new_id(),
        duration_s=duration_s,
        notifications=notifications,
    )
    if found is None:
        raise await _refused(backends, viewer_id, username, "mute")
    await timeline_hooks.muted(backends, viewer_id, found.user_id)
    return MuteState(user_id=found.user_id, until_ms=found.until_ms)


async def unmute(backends: Backends, viewer_id: str, username: str) -> None:
    """Lift the viewer's mute (if any): the account's posts come back to the feed; idempotent."""
    user_id = await users.unmute(backends.graph, viewer_id, username.lower())
    if user_id is None:
        raise await _refused(backends, viewer_id, username, "unmute")
    await timeline_hooks.unmuted(backends, viewer_id, user_id)


async def add_close_friend(backends: Backends, viewer_id: str, username: str) -> str:
    """Put `username` on the viewer's close friends (idempotent); they are not told. The
    viewer's posts for close friends reach them from now on, and the recent ones join their
    timeline if they follow the viewer. The friend's id."""
    friend_id = await users.add_close_friend(backends.graph, viewer_id, username.lower(), new_id())
    if friend_id is None:
        raise await _refused(backends, viewer_id, username, "be a close friend of")
    await timeline_hooks.audience_joined(backends, friend_id, viewer_id)
    return friend_id


async def remove_close_friend(backends: Backends, viewer_id: str, username: str) -> None:
    """Take `username` off the viewer's close friends (idempotent): the viewer's posts for close
    friends leave their timeline and every read path at once."""
    friend_id = await users.remove_close_friend(backends.graph, viewer_id, username.lower())
    if friend_id is None:
        raise NotFound(f"no user {username!r}")
    await timeline_hooks.audience_left(backends, friend_id, viewer_id)
