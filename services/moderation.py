"""Trust and safety: roles, reports, and what moderators do about them (docs/moderation.md).

Each moderator action is one graph transaction that also writes its audit entry
(`graph/moderation.py`), then the derived-state hooks that must follow it: timelines and cached
views, the session cache, media release and the edge purge.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field

from redis.exceptions import RedisError

from backends import Backends
from graph import accounts
from graph import moderation as mod_graph
from graph.driver import Row
from graph.moderation import Removable
from graphgram import clock
from graphgram.errors import FieldError, NotFound, Unprocessable
from graphgram.ids import new_id
from services import posts, stories
from services.sessions import cache_key, forget_sessions
from timelines import hooks as timeline_hooks
from timelines import repair

ROLES = ("user", "analyst", "moderator", "admin")
MODERATOR_ROLES = frozenset({"moderator", "admin"})
CATEGORIES = ("spam", "harassment", "nudity", "violence", "illegal", "other")
MAX_COMMENT = 1000
MAX_REASON = 1000
MAX_ITEMS = 20


@dataclass(frozen=True)
class ReportRequest:
    username: str | None
    post_ids: list[str]
    comment_ids: list[str]
    category: str
    comment: str
    story_ids: list[str] = field(default_factory=list)


def _check_text(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise Unprocessable(
            f"{field} is longer than {limit} characters",
            fields=[FieldError(field=field, message=f"at most {limit} characters")],
        )


async def set_role(backends: Backends, username: str, role: str) -> Row:
    """Give an account a role (`graphgram accounts role`, `PUT /admin/accounts/{u}/role`)."""
    if role not in ROLES:
        raise Unprocessable(
            f"unknown role {role!r}: one of {', '.join(ROLES)}",
            fields=[FieldError(field="role", message=f"one of {', '.join(ROLES)}")],
        )
    row = await mod_graph.set_role(backends.graph, username.lower(), role)
    if row is None:
        raise NotFound(f"no user {username!r}")
    # The role is part of each cached session: drop the entries so the new role counts at once
    # (the next request reads its session from Neo4j and caches it again).
    sessions = await accounts.session_ids(backends.graph, row["id"])
    if sessions:
        try:
            await backends.redis.delete(*[cache_key(sid) for sid in sessions])
        except (RedisError, OSError):
            await repair.record(backends.graph, backends.settings.timeline_namespace, "sessions")
    return row


async def report(backends: Backends, reporter_id: str, request: ReportRequest) -> Row:
    """File a report; the same reporter naming the same things again gets the first one back.
    The reported person is never told who reported them."""
    if request.category not in CATEGORIES:
        raise Unprocessable(
            f"unknown category {request.category!r}",
            fields=[FieldError(field="category", message=f"one of {', '.join(CATEGORIES)}")],
        )
    _check_text("comment", request.comment, MAX_COMMENT)
    post_ids = sorted(set(request.post_ids))
    comment_ids = sorted(set(request.comment_ids))
    story_ids = sorted(set(request.story_ids))
    if len(post_ids) + len(comment_ids) + len(story_ids) > MAX_ITEMS:
        raise Unprocessable(f"a report names at most {MAX_ITEMS} posts, comments and stories")
    username = request.username.strip().lower() if request.username else None
    if not username and not post_ids and not comment_ids and not story_ids:
        raise Unprocessable(
            "a report names an account, posts, comments or stories",
            fields=[
                FieldError(field="account", message="name an account, posts, comments or stories")
            ],
        )
    found = await mod_graph.report_items(
        backends.graph, reporter_id, username, post_ids, comment_ids
    )
    assert found is not None
    if username and found["account_id"] is None:
        raise NotFound(f"no user {request.username!r}")
    reported_stories = await mod_graph.report_stories(
        backends.graph, reporter_id, story_ids, clock.now(backends.settings)
    )
    items = [*found["posts"], *found["comments"], *reported_stories]
    seen = {item["id"] for item in items}
    # An id may be passed as both a post and a comment (Mastodon's status_ids): one must match.
    missing = [i for i in (*post_ids, *comment_ids, *story_ids) if i not in seen]
    if missing:
        raise NotFound(f"no post, comment or story {missing[0]!r}")
    target_id = found["account_id"] or items[0]["author_id"]
    if any(item["author_id"] != target_id for item in items):
        raise Unprocessable(
            "every reported post, comment and story must be by the reported account"
        )
    if target_id == reporter_id:
        raise Unprocessable("you cannot report yourself")
    item_ids = sorted(seen)
    key = hashlib.sha256(json.dumps([reporter_id, target_id, item_ids]).encode()).hexdigest()
    return await mod_graph.create_report(
        backends.graph,
        {
            "reporter_id": reporter_id,
            "report_id": new_id(),
            "key": key,
            "target_id": target_id,
            "category": request.category,
            "comment": request.comment,
            "item_ids": item_ids,
            "snapshot": json.dumps(items),
        },
    )


async def close_report(
    backends: Backends, moderator_id: str, report_id: str, *, dismiss: bool, note: str
) -> Row:
    _check_text("note", note, MAX_REASON)
    row = await mod_graph.close_report(
        backends.graph, report_id, status="dismissed" if dismiss else "resolved", note=note,
        moderator_id=moderator_id, action_id=new_id(),
    )  # fmt: skip
    if row is None:
        raise NotFound(f"no report {report_id!r}")
    return row


async def remove(
    backends: Backends, moderator_id: str, kind: Removable, target_id: str, reason: str
) -> None:
    """Take a post or a story down as its author would delete it: the same graph statements, with
    the audit entry in their transaction, and the same side effects (`posts.after_delete`,
    `stories.after_delete`): a post gone from every feed and cache, a story from every read path
    (tray, profile, highlights, viewers), their media deleted and purged from the edge. The
    reports that name it keep their snapshot."""
    _check_text("reason", reason, MAX_REASON)
    author_id = await mod_graph.find_author(backends.graph, kind, target_id)
    if author_id is None:
        raise NotFound(f"no {kind} {target_id!r}")
    released = await mod_graph.remove(
        backends.graph, kind, author_id=author_id, target_id=target_id,
        moderator_id=moderator_id, action_id=new_id(), reason=reason,
        now=clock.now(backends.settings),
    )  # fmt: skip
    if released is None:  # deleted meanwhile
        raise NotFound(f"no {kind} {target_id!r}")
    if kind == "post":
        await posts.after_delete(backends, author_id, target_id, released)
    else:
        await stories.after_delete(backends, released)


async def remove_comment(
    backends: Backends, moderator_id: str, comment_id: str, reason: str
) -> None:
    _check_text("reason", reason, MAX_REASON)
    found = await mod_graph.find_content(backends.graph, post_id=None, comment_id=comment_id)
    if found is None:
        raise NotFound(f"no comment {comment_id!r}")
    await mod_graph.remove_comment(
        backends.graph, comment_id=comment_id, moderator_id=moderator_id, action_id=new_id(),
        reason=reason,
    )  # fmt: skip
    await timeline_hooks.commented(backends, found["post_id"])


ACCOUNT_ACTIONS = {
    "suspend": ("suspended_at", True),
    "unsuspend": ("suspended_at", False),
    "limit": ("limited_at", True),
    "unlimit": ("limited_at", False),
}


async def account_action(
    backends: Backends, moderator_id: str, username: str, action: str, reason: str
) -> Row:
    """Suspend, unsuspend, limit or unlimit an account. A suspension ends every session and app
    token of the account at once (the session cache included) and hides the account and all it
    wrote from every read path; it stays in the graph, and `unsuspend` brings it back."""
    _check_text("reason", reason, MAX_REASON)
    field, on = ACCOUNT_ACTIONS[action]
    footprint: set[str] = set()
    if field == "suspended_at":
        found = await accounts.get_credentials(backends.graph, username.lower())
        if found is not None:
            footprint = await timeline_hooks.account_footprint(backends, found["id"])
    row = await mod_graph.set_account_state(
        backends.graph, username.lower(), field=field, on=on, moderator_id=moderator_id,
        action_id=new_id(), action=action, reason=reason,
    )  # fmt: skip
    if row is None:
        raise NotFound(f"no user {username!r}")
    if field == "suspended_at":
        if on:
            ended = await accounts.end_sessions(backends.graph, row["id"], keep_session_id=None)
            await forget_sessions(backends.redis, backends.settings, ended, graph=backends.graph)
        await timeline_hooks.account_visibility_changed(backends, row["id"], footprint)
    return row


async def list_reports(backends: Backends, status: str | None, limit: int) -> list[Row]:
    return await mod_graph.list_reports(backends.graph, status, limit)


async def audit(backends: Backends, before: str | None, limit: int) -> list[Row]:
    return await mod_graph.audit(backends.graph, before, limit)
