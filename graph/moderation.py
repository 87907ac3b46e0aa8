"""Roles, reports, moderator actions and their audit log in the graph.

Every action is one write transaction that also records its `(:ModerationAction)`: the action and
its audit entry commit together or not at all.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Literal

from neo4j import AsyncManagedTransaction
from neo4j.exceptions import ConstraintError

from graph import posts, stories
from graph.driver import Graph, Row, run


async def set_role(graph: Graph, username: str, role: str) -> Row | None:
    return await graph.write_one("accounts/set_role", {"username": username, "role": role})


async def report_items(
    graph: Graph,
    reporter_id: str,
    username: str | None,
    post_ids: list[str],
    comment_ids: list[str],
) -> Row | None:
    """What a report names as the reporter may see it now (unknown or hidden items are left
    out: the caller compares counts)."""
    return await graph.read_one(
        "moderation/report_items",
        {"reporter_id": reporter_id, "username": username, "post_ids": post_ids,
         "comment_ids": comment_ids},
    )  # fmt: skip


async def create_report(graph: Graph, params: dict[str, Any]) -> Row:
    """File a report (or find the same one filed before): {id, created}."""
    try:
        row = await graph.write_one("moderation/create_report", params)
    except ConstraintError:
        # The same report committed meanwhile (the key is unique): that one it is.
        row = await graph.write_one("moderation/create_report", params)
    assert row is not None
    return row


async def list_reports(graph: Graph, status: str | None, limit: int) -> list[Row]:
    rows = await graph.read("moderation/list_reports", {"status": status, "limit": limit})
    for row in rows:
        row["items"] = json.loads(row.pop("snapshot") or "[]")
    return rows


async def close_report(
    graph: Graph, report_id: str, *, status: str, note: str, moderator_id: str, action_id: str
) -> Row | None:
    return await graph.write_one(
        "moderation/close_report",
        {"report_id": report_id, "status": status, "note": note, "moderator_id": moderator_id,
         "action_id": action_id, "action": "resolve" if status == "resolved" else "dismiss"},
    )  # fmt: skip


async def set_account_state(
    graph: Graph,
    username: str,
    *,
    field: str,
    on: bool,
    moderator_id: str,
    action_id: str,
    action: str,
    reason: str,
) -> Row | None:
    return await graph.write_one(
        "moderation/set_account_state",
        {"username": username, "field": field, "on": on, "moderator_id": moderator_id,
         "action_id": action_id, "action": action, "reason": reason},
    )  # fmt: skip


async def find_content(graph: Graph, *, post_id: str | None, comment_id: str | None) -> Row | None:
    return await graph.read_one(
        "moderation/find_content", {"post_id": post_id, "comment_id": comment_id}
    )


async def find_story(graph: Graph, story_id: str) -> Row | None:
    return await graph.read_one("moderation/find_story", {"story_id": story_id})


async def report_stories(
    graph: Graph, reporter_id: str, story_ids: list[str], now: Any
) -> list[Row]:
    """The reported stories the reporter may see now, as snapshot items (hidden ones left out)."""
    if not story_ids:
        return []
    rows = await graph.read(
        "moderation/report_stories",
        {"reporter_id": reporter_id, "story_ids": story_ids, "now": now},
    )
    return [row["item"] for row in rows]


Removable = Literal["post", "story"]


async def find_author(graph: Graph, kind: Removable, target_id: str) -> str | None:
    """The author of the post or story a moderator acts on, whatever its audience; None when
    there is no such item."""
    if kind == "post":
        row = await find_content(graph, post_id=target_id, comment_id=None)
    else:
        row = await find_story(graph, target_id)
    return str(row["author_id"]) if row else None


async def remove(
    graph: Graph,
    kind: Removable,
    *,
    author_id: str,
    target_id: str,
    moderator_id: str,
    action_id: str,
    reason: str,
    now: datetime,
) -> list[str] | None:
    """Delete a post or a story as its author would (`posts.delete_in`, `stories.delete_in`: the
    author's own statements) with the audit entry, in one transaction: the ids of media nothing
    uses any more, or None when the item is gone."""

    async def work(tx: AsyncManagedTransaction) -> list[str] | None:
        if kind == "post":
            released = await posts.delete_in(tx, author_id, target_id)
        else:
            released = await stories.delete_in(tx, author_id, target_id, now)
        if released is None:
            return None
        await run(tx, "moderation/record_action", _action(
            moderator_id, action_id, f"remove_{kind}", kind, target_id, reason
        ))  # fmt: skip
        return released

    return await graph.in_write("moderation/record_action", work)


async def remove_comment(
    graph: Graph, *, comment_id: str, moderator_id: str, action_id: str, reason: str
) -> None:
    async def work(tx: AsyncManagedTransaction) -> None:
        await run(tx, "posts/delete_comment", {"comment_id": comment_id})
        await run(tx, "moderation/record_action", _action(
            moderator_id, action_id, "remove_comment", "comment", comment_id, reason
        ))  # fmt: skip

    await graph.in_write("moderation/record_action", work)


def _action(
    moderator_id: str, action_id: str, action: str, target_type: str, target_id: str, reason: str
) -> dict[str, Any]:
    return {"moderator_id": moderator_id, "action_id": action_id, "action": action,
            "target_type": target_type, "target_id": target_id, "reason": reason}  # fmt: skip


async def audit(graph: Graph, before: str | None, limit: int) -> list[Row]:
    return await graph.read("moderation/list_audit", {"before": before, "limit": limit})


async def admin_reports(
    graph: Graph, *, report_id: str | None, resolved: bool, page: dict[str, Any]
) -> list[Row]:
    """Mastodon's admin view of reports: one by id, or a page (`api.pagination.Page.params()`)
    of open or closed ones; each with its items' snapshot parsed."""
    params = {"newer_than": "", "older_than": "~", "after": "", "before": "", "limit": 1, **page}
    rows = await graph.read(
        "moderation/admin_reports",
        {k: params[k] for k in ("newer_than", "older_than", "after", "before", "limit")}
        | {"report_id": report_id, "resolved": resolved},
    )
    for row in rows:
        row["items"] = json.loads(row.pop("snapshot") or "[]")
    return rows


async def admin_accounts(graph: Graph, ids: list[str]) -> dict[str, Row]:
    """Accounts as moderators see them, by id (unknown ids left out)."""
    rows = await graph.read("moderation/admin_accounts", {"ids": ids})
    return {row["id"]: row for row in rows}
