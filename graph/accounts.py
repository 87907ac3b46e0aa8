"""Accounts and sessions in the graph."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from graph.driver import Graph, Row, run


class UsernameTaken(Exception):
    pass


async def create_user(
    graph: Graph, *, id: str, username: str, display_name: str, password_hash: str, role: str
) -> Row:
    try:
        row = await graph.write_one(
            "accounts/create_user",
            {
                "id": id,
                "username": username,
                "display_name": display_name,
                "password_hash": password_hash,
                "role": role,
            },
        )
    except ConstraintError as exc:
        raise UsernameTaken(username) from exc
    assert row is not None
    return row


async def get_credentials(graph: Graph, username: str) -> Row | None:
    return await graph.read_one("accounts/get_credentials", {"username": username})


async def create_session(graph: Graph, user_id: str, session_id: str, ttl_s: int) -> int | None:
    row = await graph.write_one(
        "accounts/create_session", {"user_id": user_id, "session_id": session_id, "ttl_s": ttl_s}
    )
    return int(row["expires_at"]) if row else None


async def get_session(graph: Graph, session_id: str) -> Row | None:
    return await graph.read_one("accounts/get_session", {"session_id": session_id})


async def delete_session(graph: Graph, session_id: str) -> None:
    await graph.write("accounts/delete_session", {"session_id": session_id})


async def delete_expired(graph: Graph, *, batch: int = 1000) -> int:
    """Delete up to `batch` each of the expired sessions, app tokens and authorization codes;
    returns how many went (call again until it returns less than one batch)."""
    row = await graph.write_one("accounts/delete_expired", {"batch": batch})
    return int(row["deleted"]) if row else 0


async def get_me(graph: Graph, viewer_id: str) -> Row | None:
    return await graph.read_one("accounts/get_me", {"viewer_id": viewer_id})


async def update_me(graph: Graph, viewer_id: str, changes: dict[str, Any]) -> Row:
    params = {"viewer_id": viewer_id, "display_name": None, "bio": None, "private": None}
    params.update(changes)

    async def work(tx: AsyncManagedTransaction) -> Row:
        rows = await run(tx, "accounts/update_me", params)
        # An account that turns public lets its pending requests in, as Instagram does.
        if changes.get("private") is False:
            await run(tx, "accounts/accept_all_requests", {"viewer_id": viewer_id})
        return rows[0]

    return await graph.in_write("accounts/update_me", work)


async def delete_account(graph: Graph, viewer_id: str) -> tuple[list[str], list[str]]:
    """Delete the account and everything it wrote; (media ids it owned, its session ids)."""
    row = await graph.write_one("accounts/delete_account", {"viewer_id": viewer_id})
    if row is None:
        return [], []
    return list(row["media"]), list(row["sessions"])


async def end_sessions(graph: Graph, viewer_id: str, *, keep_session_id: str | None) -> list[str]:
    """End the account's sessions but `keep_session_id`; the ids of those ended."""
    row = await graph.write_one(
        "accounts/end_sessions", {"viewer_id": viewer_id, "keep_session_id": keep_session_id}
    )
    return list(row["ended"]) if row else []


async def change_password(
    graph: Graph, viewer_id: str, password_hash: str, keep_session_id: str
) -> list[str]:
    """New password hash and every other session ended, in one transaction; the ended ids."""

    async def work(tx: AsyncManagedTransaction) -> list[str]:
        await run(
            tx, "accounts/set_password", {"viewer_id": viewer_id, "password_hash": password_hash}
        )
        rows = await run(
            tx,
            "accounts/end_sessions",
            {"viewer_id": viewer_id, "keep_session_id": keep_session_id},
        )
        return list(rows[0]["ended"]) if rows else []

    return await graph.in_write("accounts/set_password", work)


async def set_picture(
    graph: Graph,
    viewer_id: str,
    media: dict[str, Any],
    keys: list[str],
    ensure_objects: Callable[[list[str]], Awaitable[None]],
) -> tuple[Row, list[str]] | None:
    """Lock the picture's object keys, let `ensure_objects` (re)store any missing object, then
    make it the account's avatar or header (`media["kind"]`): (the Media node, the ids of the
    ones it replaced), or None when the account no longer exists."""

    async def work(tx: AsyncManagedTransaction) -> tuple[Row, list[str]] | None:
        await run(tx, "media/lock_keys", {"keys": sorted(set(keys))})
        await ensure_objects(keys)
        rows = await run(tx, "accounts/set_picture", {"viewer_id": viewer_id, "media": media})
        if not rows:
            return None
        return dict(rows[0]["media"]), list(rows[0]["replaced"])

    return await graph.in_write("accounts/set_picture", work)


async def remove_picture(graph: Graph, viewer_id: str, kind: str) -> list[str]:
    """Take the account's avatar or header off; the ids of the Media nodes to release."""
    row = await graph.write_one("accounts/remove_picture", {"viewer_id": viewer_id, "kind": kind})
    return list(row["removed"]) if row else []


async def pictures(graph: Graph, user_ids: list[str]) -> dict[str, list[Row]]:
    """The avatar Media nodes of each account (by id), for rows that carry only names."""
    if not user_ids:
        return {}
    rows = await graph.read("accounts/pictures", {"ids": sorted(set(user_ids))})
    return {row["id"]: list(row["pictures"]) for row in rows}


async def session_ids(graph: Graph, user_id: str) -> list[str]:
    """The ids of the account's sessions (first-party and app tokens)."""
    row = await graph.read_one("accounts/session_ids", {"user_id": user_id})
    return list(row["ids"]) if row else []
