"""Profiles, follows, follow requests, blocks and mutes."""

from __future__ import annotations

from dataclasses import dataclass

from graph.driver import Graph, Params, Row


@dataclass(frozen=True)
class Access:
    user_id: str
    visible: bool  # no block between viewer and user
    content_visible: bool  # and public, self, or followed


async def access(graph: Graph, viewer_id: str, username: str) -> Access | None:
    row = await graph.read_one("users/get_access", {"viewer_id": viewer_id, "username": username})
    if row is None:
        return None
    return Access(row["id"], row["visible"], row["content_visible"])


async def profile(graph: Graph, viewer_id: str, username: str) -> Row | None:
    return await graph.read_one("users/get_profile", {"viewer_id": viewer_id, "username": username})


async def followers(graph: Graph, viewer_id: str, user_id: str, page: Params) -> list[Row]:
    return await graph.read(
        "users/list_followers", {"viewer_id": viewer_id, "user_id": user_id, **page}
    )


async def following(graph: Graph, viewer_id: str, user_id: str, page: Params) -> list[Row]:
    return await graph.read(
        "users/list_following", {"viewer_id": viewer_id, "user_id": user_id, **page}
    )


async def follow(graph: Graph, viewer_id: str, username: str, rel_id: str) -> Row | None:
    """{id, following, requested}; None for an unknown user, oneself, or across a block."""
    return await graph.write_one(
        "users/follow", {"viewer_id": viewer_id, "username": username, "rel_id": rel_id}
    )


async def unfollow(graph: Graph, viewer_id: str, user_id: str) -> None:
    await graph.write("users/unfollow", {"viewer_id": viewer_id, "user_id": user_id})


async def follow_requests(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    return await graph.read("users/list_follow_requests", {"viewer_id": viewer_id, **page})


async def accept_request(graph: Graph, viewer_id: str, username: str) -> str | None:
    """The requester's id; None when no request from them is pending."""
    row = await graph.write_one(
        "users/accept_request", {"viewer_id": viewer_id, "username": username}
    )
    return str(row["id"]) if row else None


async def reject_request(graph: Graph, viewer_id: str, username: str) -> bool:
    row = await graph.write_one(
        "users/reject_request", {"viewer_id": viewer_id, "username": username}
    )
    return row is not None


async def block(graph: Graph, viewer_id: str, username: str, rel_id: str) -> str | None:
    """The blocked user's id; None for an unknown user or oneself."""
    row = await graph.write_one(
        "users/block", {"viewer_id": viewer_id, "username": username, "rel_id": rel_id}
    )
    return str(row["blocked"]) if row else None


async def unblock(graph: Graph, viewer_id: str, username: str) -> str | None:
    """The user's id (whether or not the viewer blocked them); None for an unknown user."""
    row = await graph.write_one("users/unblock", {"viewer_id": viewer_id, "username": username})
    return str(row["id"]) if row else None


async def blocks(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    return await graph.read("users/list_blocks", {"viewer_id": viewer_id, **page})


@dataclass(frozen=True)
class Muted:
    user_id: str
    until_ms: int | None  # when the mute ends (epoch ms); None: until unmuted


async def mute(
    graph: Graph,
    viewer_id: str,
    username: str,
    rel_id: str,
    *,
    duration_s: int,
    notifications: bool,
) -> Muted | None:
    """None for an unknown user, oneself, or across a block."""
    row = await graph.write_one(
        "users/mute",
        {
            "viewer_id": viewer_id,
            "username": username,
            "rel_id": rel_id,
            "duration": duration_s,
            "notifications": notifications,
        },
    )
    return Muted(str(row["id"]), row["until_ms"]) if row else None


async def unmute(graph: Graph, viewer_id: str, username: str) -> str | None:
    """The user's id (whether or not the viewer muted them); None for an unknown user, oneself,
    or across a block."""
    row = await graph.write_one("users/unmute", {"viewer_id": viewer_id, "username": username})
    return str(row["id"]) if row else None


async def mutes(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    return await graph.read("users/list_mutes", {"viewer_id": viewer_id, **page})


async def add_close_friend(graph: Graph, viewer_id: str, username: str, rel_id: str) -> str | None:
    """The friend's id; None for an unknown user, oneself, or across a block."""
    row = await graph.write_one(
        "users/add_close_friend", {"viewer_id": viewer_id, "username": username, "rel_id": rel_id}
    )
    return str(row["id"]) if row else None


async def remove_close_friend(graph: Graph, viewer_id: str, username: str) -> str | None:
    """The user's id (whether or not they were a close friend); None for an unknown user."""
    row = await graph.write_one(
        "users/remove_close_friend", {"viewer_id": viewer_id, "username": username}
    )
    return str(row["id"]) if row else None


async def close_friends(graph: Graph, viewer_id: str, page: Params) -> list[Row]:
    return await graph.read("users/list_close_friends", {"viewer_id": viewer_id, **page})
