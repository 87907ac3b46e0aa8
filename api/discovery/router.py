"""Search (users and hashtags), who-to-follow suggestions and Explore."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api import ratelimit
from api.auth.scopes import ReadAccounts, ReadSearch, ReadStatuses
from api.deps import Backend, Config, Graph
from api.discovery import explore as explore_service
from api.discovery import suggestions as suggestions_service
from api.errors import ERROR_RESPONSES
from api.posts.schemas import Post
from api.schemas import UserSummary, summary
from graph import accounts, discovery
from graphgram.errors import Unprocessable
from timelines.views import compose_page

router = APIRouter(tags=["discovery"], responses=ERROR_RESPONSES)


class HashtagHit(BaseModel):
    name: str
    post_count: int


class SearchResults(BaseModel):
    users: list[UserSummary]
    hashtags: list[HashtagHit]


class Suggestion(BaseModel):
    user: UserSummary
    mutuals: int
    reason: str


def reason(names: list[str], mutuals: int) -> str:
    """`followed by alice`, `... alice and bob`, `... alice, bob and carol`, or `... N others`."""
    if mutuals <= 0:
        return "popular on Graphgram"
    if mutuals == 1:
        return f"followed by {names[0]}"
    if mutuals == 2:
        return f"followed by {names[0]} and {names[1]}"
    if mutuals == 3:
        return f"followed by {names[0]}, {names[1]} and {names[2]}"
    return f"followed by {names[0]}, {names[1]} and {mutuals - 2} others you follow"


# What Python's str.split (which the search splits words with) takes for whitespace, spelled out:
# `\s` means another set in each regex engine that reads the OpenAPI pattern (ECMAScript's has
# no U+0085 but has U+FEFF, Rust's, which validates here, has no U+001C-U+001F), so a client's
# validator and this server would disagree on a query of only those.
WHITESPACE = r"\t\n\x0b\x0c\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
SEARCHABLE = rf"^#*([^#{WHITESPACE}]|[{WHITESPACE}]+[^{WHITESPACE}])"


@router.get("/search", response_model=SearchResults, dependencies=ratelimit.SEARCH_LIMITS)
async def search(
    viewer: ReadSearch,
    graph: Graph,
    settings: Config,
    q: Annotated[
        str,
        Query(
            max_length=100,
            # Something to search for once leading #s are gone (documented, so clients know).
            pattern=SEARCHABLE,
            description="Username, name or #hashtag prefix",
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> SearchResults:
    if not discovery.prefix_query(q.lstrip("#")):
        raise Unprocessable("q: give at least one character to search for")
    found_users = (
        [] if q.startswith("#") else await discovery.search_users(graph, viewer.id, q, limit)
    )
    tags = await discovery.search_hashtags(graph, viewer.id, q, limit)
    return SearchResults(
        users=[summary(settings, row) for row in found_users],
        hashtags=[HashtagHit(**row) for row in tags],
    )


@router.get("/suggestions", response_model=list[Suggestion])
async def suggestions(
    viewer: ReadAccounts, backends: Backend, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> list[Suggestion]:
    """Accounts followed by the accounts you follow, most mutual connections first, with the
    reason; popular accounts when there are none. Served from a list computed off the request
    path and re-checked against your follows, requests and blocks on every request."""
    rows = await suggestions_service.suggest(backends, viewer.id, limit)
    # Avatars are read now, not kept with the list computed off the request path, so a changed
    # avatar shows at once: the read-time check (and the popular sample) return them with the
    # page; a list computed on this request (no list yet) gets them in one bounded read.
    missing = [r["id"] for r in rows if "pictures" not in r]
    found = await accounts.pictures(backends.graph, missing) if missing else {}
    return [
        Suggestion(
            user=summary(
                backends.settings,
                {
                    "id": r["id"],
                    "username": r["username"],
                    "display_name": r["display_name"],
                    "private": r["private"],
                    "pictures": r["pictures"] if "pictures" in r else found.get(r["id"], []),
                },
            ),
            mutuals=r["mutuals"],
            reason=reason(r["names"], r["mutuals"]),
        )
        for r in rows
    ]


class ExploreItem(BaseModel):
    post: Post
    reason: str


@router.get("/explore", response_model=list[ExploreItem])
async def explore_page(
    viewer: ReadStatuses,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=40)] = 20,
) -> list[ExploreItem]:
    """Posts from public accounts you do not follow that people you follow liked or commented
    on, or in hashtags you use, recent first, each with the reason it is shown; never from an
    account in a block with you, one you mute, or a suspended or limited one. Served from a list
    computed off the request path and re-checked on every request."""
    rows = await explore_service.page(backends, viewer.id, limit)
    shown = await compose_page(backends, viewer.id, [row["id"] for row in rows])
    by_id = {row["id"]: row for row in rows}
    return [
        ExploreItem(
            post=Post.model_validate(post),
            reason=explore_service.reason(by_id[post["id"]]),
        )
        for post in shown
    ]


class TrendingTag(BaseModel):
    name: str
    uses: int  # posts of the last day in your network with the tag
    accounts: int  # accounts that posted them


@router.get("/explore/tags", response_model=list[TrendingTag])
async def explore_tags(
    viewer: ReadStatuses,
    backends: Backend,
    limit: Annotated[int, Query(ge=1, le=20)] = 10,
) -> list[TrendingTag]:
    """Hashtags trending in your network over the last day (yours and the posts of accounts you
    follow), with how many posts and accounts used each; only posts you may see are counted."""
    rows = await explore_service.trending_tags(backends, viewer.id, limit)
    return [TrendingTag(**row) for row in rows]
