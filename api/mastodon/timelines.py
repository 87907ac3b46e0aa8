"""Home and hashtag timelines.

Home reads `timelines.feed.home`, the function `GET /feed` calls (Redis timelines with the graph
behind them), so both surfaces show the same feed; hashtags read `graph.tags` as `GET
/tags/{name}/posts` does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.auth.scopes import ReadStatuses
from api.deps import Backend
from api.mastodon import loaders
from api.mastodon.deps import Context, StatusPage
from api.mastodon.entities import Json
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from graph import tags
from timelines import feed as home_feed

router = APIRouter(
    tags=["mastodon: timelines"],
    responses=ERRORS,
    route_class=MastodonRoute,
    default_response_class=MastodonJSON,
)


@router.get("/api/v1/timelines/home")
async def home(
    caller: ReadStatuses, ctx: Context, backends: Backend, page: StatusPage
) -> list[Json]:
    """Posts of the accounts you follow and your own, newest first."""
    params = page.params()
    cursors = home_feed.Cursors(
        limit=params["limit"],
        max_id=params["max_id"],
        since_id=params["since_id"],
        min_id=params["min_id"],
    )
    rows = await home_feed.home(backends, caller.id, cursors)
    return await loaders.post_statuses(ctx, caller.id, page.items(rows))


@router.get("/api/v1/timelines/tag/{hashtag}")
async def hashtag(
    hashtag: Annotated[str, Path(min_length=1, max_length=101)],
    caller: ReadStatuses,
    ctx: Context,
    page: StatusPage,
) -> list[Json]:
    """Posts with the hashtag that you may see, newest first; an unknown tag has none."""
    name = hashtag.removeprefix("#").lower()
    ids = await tags.post_ids(ctx.backends.graph, caller.id, name, page.params())
    return await loaders.post_ids_page(ctx, caller.id, ids, page)
