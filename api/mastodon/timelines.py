"""Home and hashtag timelines, and trends (Explore's posts and the network's hashtags).

Home reads `timelines.feed.home`, the function `GET /feed` calls (Redis timelines with the graph
behind them), so both surfaces show the same feed; hashtags read `graph.tags` as `GET
/tags/{name}/posts` does.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.auth.scopes import ReadStatuses
from api.deps import Backend
from api.discovery import explore as explore_service
from api.mastodon import entities, loaders
from api.mastodon.deps import Context, StatusPage
from api.mastodon.entities import Json
from api.mastodon.errors import ERRORS
from api.mastodon.ids import MastodonJSON, MastodonRoute
from graph import posts, tags
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


@router.get("/api/v1/trends/statuses")
async def trending_statuses(
    caller: ReadStatuses,
    ctx: Context,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=40)] = 20,
) -> list[Json]:
    """Explore's posts: public posts from outside your follows that people you follow liked or
    commented on, or in hashtags you use, best first."""
    rows = await explore_service.page(backends, caller.id, limit)
    found = await posts.hydrate(ctx.backends.graph, caller.id, [row["id"] for row in rows])
    return await loaders.post_statuses(ctx, caller.id, found)


@router.get("/api/v1/trends/tags")
@router.get("/api/v1/trends")
async def trending_tags(
    caller: ReadStatuses,
    ctx: Context,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> list[Json]:
    """Hashtags of the last day in your network, as Tags with today's `history` entry (posts as
    `uses`, accounts as `accounts`), counting only posts you may see."""
    rows = await explore_service.trending_tags(backends, caller.id, limit)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    day = str(int(today.timestamp()))
    return [
        entities.tag(ctx.base_url, row["name"])
        | {"history": [{"day": day, "uses": str(row["uses"]), "accounts": str(row["accounts"])}]}
        for row in rows
    ]
