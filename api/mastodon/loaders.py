"""Loading Mastodon entities: graph reads (the shared repositories first, `graph.mastodon` for
what they lack) turned into entities by `api.mastodon.entities`. Reads only: what changes state
is in the services (`services/`), which both APIs call.

Statuses are posts or comments: a reply is a comment in Graphgram's model (README, "Mastodon
client API"), so any status id is looked up as a post first, then as a comment.
"""

from __future__ import annotations

from api.mastodon import entities
from api.mastodon.deps import Ctx, not_found
from api.mastodon.entities import Json
from api.pagination import Page
from graph import mastodon as mgraph
from graph import posts
from graph.driver import Row


async def accounts(
    ctx: Ctx, viewer_id: str, ids: list[str], *, blocked_ok: bool = False
) -> list[Json]:
    """Accounts in the order of `ids`, leaving out users in a block with the viewer; with
    `blocked_ok` (the viewer's own block list) the users the viewer blocks stay."""
    rows = await mgraph.accounts(ctx.backends.graph, viewer_id, ids)
    out = []
    for user_id in ids:
        row = rows.get(user_id)
        if row is None or (row["blocked"] and not (blocked_ok and row["blocking"])):
            continue
        out.append(entities.account(ctx.base_url, row, ctx.backends.settings))
    return out


async def account(ctx: Ctx, viewer_id: str, user_id: str) -> Json:
    found = await accounts(ctx, viewer_id, [user_id])
    if not found:
        raise not_found()
    return found[0]


async def credential_account(ctx: Ctx, viewer_id: str) -> Json:
    rows = await mgraph.accounts(ctx.backends.graph, viewer_id, [viewer_id])
    if viewer_id not in rows:
        raise not_found()
    return entities.credential_account(ctx.base_url, rows[viewer_id], ctx.backends.settings)


async def access(ctx: Ctx, viewer_id: str, user_id: str) -> Row:
    """{id, username, visible, content_visible, blocking} for a user the viewer may see; 404 for
    an unknown user or one in a block with the viewer."""
    row = await mgraph.account_access(ctx.backends.graph, viewer_id, user_id)
    if row is None or not row["visible"]:
        raise not_found()
    return row


async def relationships(ctx: Ctx, viewer_id: str, ids: list[str]) -> list[Json]:
    rows = await mgraph.relationships(ctx.backends.graph, viewer_id, ids)
    # A block the other way is not the viewer's to know: those accounts are left out, as unknown.
    return [entities.relationship(r) for r in rows if not r["blocked"] or r["blocking"]]


async def relationship(ctx: Ctx, viewer_id: str, user_id: str) -> Json:
    rows = await mgraph.relationships(ctx.backends.graph, viewer_id, [user_id])
    if not rows:
        raise not_found()
    return entities.relationship(rows[0])


async def post_statuses(
    ctx: Ctx, viewer_id: str, rows: list[Row], *, with_text: bool = False
) -> list[Json]:
    """Statuses from post views (`posts.hydrate` rows or the home feed's rendered rows)."""
    extras = await mgraph.status_extras(ctx.backends.graph, viewer_id, [r["id"] for r in rows])
    settings = ctx.backends.settings
    return [
        entities.status(ctx.base_url, settings, row, extras[row["id"]], with_text=with_text)
        for row in rows
        if row["id"] in extras
    ]


async def statuses(ctx: Ctx, viewer_id: str, ids: list[str]) -> list[Json]:
    """Statuses for post or comment ids, in order, leaving out what the viewer may not see."""
    if not ids:
        return []
    graph = ctx.backends.graph
    post_rows = await posts.hydrate(graph, viewer_id, ids)
    found: dict[str, Json] = {s["id"]: s for s in await post_statuses(ctx, viewer_id, post_rows)}
    rest = [i for i in ids if i not in found]
    if rest:
        for row in (await mgraph.comments(graph, viewer_id, rest)).values():
            found[row["id"]] = entities.comment_status(ctx.base_url, row, ctx.backends.settings)
    return [found[i] for i in ids if i in found]


async def status(ctx: Ctx, viewer_id: str, status_id: str) -> Json:
    found = await statuses(ctx, viewer_id, [status_id])
    if not found:
        raise not_found()
    return found[0]


async def comment_row(ctx: Ctx, viewer_id: str, comment_id: str) -> Row | None:
    rows = await mgraph.comments(ctx.backends.graph, viewer_id, [comment_id])
    return rows.get(comment_id)


async def post_ids_page(ctx: Ctx, viewer_id: str, ids: list[str], page: Page) -> list[Json]:
    """One page of post ids (limit + 1 fetched) as Statuses, with the Link header set."""
    kept = page.items([{"id": i} for i in ids])
    rows = await posts.hydrate(ctx.backends.graph, viewer_id, [k["id"] for k in kept])
    return await post_statuses(ctx, viewer_id, rows)


async def account_page(
    ctx: Ctx, viewer_id: str, rows: list[Row], page: Page, *, blocked_ok: bool = False
) -> list[Json]:
    """One page of user rows keyed by a relationship `cursor` as Accounts, Link header set."""
    kept = page.items(rows, key="cursor")
    return await accounts(ctx, viewer_id, [r["id"] for r in kept], blocked_ok=blocked_ok)
