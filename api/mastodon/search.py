"""`GET /api/v2/search`: accounts and hashtags (statuses are not searched here)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.auth.scopes import ReadSearch
from api.mastodon import loaders
from api.mastodon.deps import Context
from api.mastodon.entities import Json, tag
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from graph import discovery

router = APIRouter(
    tags=["mastodon: search"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)


@router.get("/api/v2/search")
async def search(
    caller: ReadSearch,
    ctx: Context,
    q: Annotated[str, Query(min_length=1, max_length=100)],
    type: Literal["accounts", "hashtags", "statuses"] | None = None,
    limit: Annotated[int, Query(ge=1)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
    resolve: bool = False,
    following: bool = False,
) -> Json:
    """Accounts whose username or display name starts with the words of `q`, and hashtags that
    start with it; one page of best matches (`offset` past it is empty)."""
    limit = min(limit, 40)
    graph = ctx.backends.graph
    accounts: list[Json] = []
    hashtags: list[Json] = []
    if offset == 0 and type in {None, "accounts"}:
        rows = await discovery.search_users(graph, caller.id, q.strip().lstrip("@"), limit)
        accounts = await loaders.accounts(ctx, caller.id, [r["id"] for r in rows])
        if following:
            related = await loaders.relationships(ctx, caller.id, [a["id"] for a in accounts])
            followed = {r["id"] for r in related if r["following"]}
            accounts = [a for a in accounts if a["id"] in followed]
    if offset == 0 and type in {None, "hashtags"}:
        rows = await discovery.search_hashtags(graph, caller.id, q.strip(), limit)
        hashtags = [tag(ctx.base_url, r["name"]) for r in rows]
    return {"accounts": accounts, "statuses": [], "hashtags": hashtags}
