"""Search (users and hashtags) and who-to-follow suggestions."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api import ratelimit
from api.auth.scopes import ReadAccounts, ReadSearch
from api.deps import Backend, Config, Graph
from api.discovery import suggestions as suggestions_service
from api.errors import ERROR_RESPONSES
from api.schemas import UserSummary, summary
from graph import accounts, discovery
from graphgram.errors import Unprocessable

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
    # Avatars are read now, not kept with the list computed off the request path: one bounded
    # read for the page, so a changed avatar shows at once.
    found = await accounts.pictures(backends.graph, [r["id"] for r in rows])
    return [
        Suggestion(
            user=summary(
                backends.settings,
                {
                    "id": r["id"],
                    "username": r["username"],
                    "display_name": r["display_name"],
                    "private": r["private"],
                    "pictures": found.get(r["id"], []),
                },
            ),
            mutuals=r["mutuals"],
            reason=reason(r["names"], r["mutuals"]),
        )
        for r in rows
    ]
