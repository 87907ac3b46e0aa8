"""Search through Neo4j full-text indexes, and who-to-follow suggestions."""

from __future__ import annotations

import json
import re

import httpx
import jsonschema_rs
from redis import Redis

from api.discovery import suggestions
from api.discovery.router import reason
from graph.discovery import prefix_query
from tests.fixtures.factories import Factory, User


async def test_search_users_by_username_and_display_name_prefix(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me = factory.user("searcher")
    factory.user("alicia", display_name="Wonder Land")
    factory.user("alfred")
    factory.user("bob", display_name="Alpine Bob")
    found = await client.get("/search", params={"q": "Al"}, headers=me["headers"])
    assert {u["username"] for u in found.json()["users"]} == {"alicia", "alfred", "bob"}
    by_name = await client.get("/search", params={"q": "wond"}, headers=me["headers"])
    assert [u["username"] for u in by_name.json()["users"]] == ["alicia"]


async def test_search_hashtags(client: httpx.AsyncClient, factory: Factory) -> None:
    me = factory.user("searcher")
    factory.post(me, "#sunset #sunrise #moon")
    factory.post(me, "#sunset again")
    found = await client.get("/search", params={"q": "#sun"}, headers=me["headers"])
    assert found.json() == {
        "users": [],
        "hashtags": [{"name": "sunset", "post_count": 2}, {"name": "sunrise", "post_count": 1}],
    }


async def test_search_treats_lucene_syntax_as_text(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me = factory.user("searcher")
    for q in ['a"b', "x) OR (y", "*", "name:admin", "\\"]:
        response = await client.get("/search", params={"q": q}, headers=me["headers"])
        assert response.status_code in {200, 422}, q
    blank = await client.get("/search", params={"q": "   "}, headers=me["headers"])
    assert blank.status_code == 422
    assert prefix_query("x) OR (y") == "x\\)* AND or* AND \\(y*"


async def test_the_documented_query_pattern_agrees_with_the_server(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """A query is accepted exactly when the OpenAPI pattern matches it, read by Python's regex
    and by an ECMAScript-style JSON Schema validator (jsonschema-rs, the one schemathesis checks
    responses with), for queries of only whitespace of every kind, including the characters
    whose `\\s` membership differs between engines (U+0085, U+001C-U+001F, U+FEFF)."""
    me = factory.user("searcher")
    document = (await client.get("/openapi.json")).json()
    parameters = document["paths"]["/search"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "q")["schema"]["pattern"]
    ecmascript = jsonschema_rs.validator_for({"type": "string", "pattern": pattern})
    queries = [
        "\x85",
        "\x0b \x1f\x1e\x0c\x1f\t\x85",  # what schemathesis once sent
        "#\u3000",
        "\x1c",
        " \u2028 ",
        "\ufeff",
        "a",
        "#\x85sun",
        " ab",
    ]
    for q in queries:
        response = await client.get("/search", params={"q": q}, headers=me["headers"])
        documented = re.search(pattern, q) is not None
        assert ecmascript.is_valid(q) == documented, q
        assert response.status_code == (200 if documented else 422), (q, response.text)
        assert documented == bool(q.lstrip("#").split()), q


async def test_suggestions_rank_friends_of_friends_by_mutuals(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me = factory.user("meg")
    friends = [factory.user(n) for n in ("ann", "ben", "cat", "dan", "eve")]
    star, niche, followed = [factory.user(n) for n in ("star", "niche", "known")]
    for friend in friends:
        factory.follow(me, friend)
        factory.follow(friend, star)
    factory.follow(friends[0], niche)
    factory.follow(friends[0], followed)
    factory.follow(me, followed)
    factory.follow(friends[1], me)  # never suggest yourself
    got = (await client.get("/suggestions", headers=me["headers"])).json()
    assert [(s["user"]["username"], s["mutuals"]) for s in got] == [("star", 5), ("niche", 1)]
    assert got[0]["reason"] == "followed by ann, ben and 3 others you follow"
    assert got[1]["reason"] == "followed by ann"


async def test_suggestions_skip_requested_accounts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me, friend, private = [factory.user(n) for n in ("meg", "friend", "priv")]
    factory.follow(me, friend)
    factory.follow(friend, private)
    await client.patch("/me", json={"private": True}, headers=private["headers"])
    assert [
        s["user"]["username"]
        for s in (await client.get("/suggestions", headers=me["headers"])).json()
    ] == ["priv"]
    await client.post("/users/priv/follow", headers=me["headers"])
    assert (await client.get("/suggestions", headers=me["headers"])).json() == []


async def test_suggestions_fall_back_to_popular_accounts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    newbie, a, b = [factory.user(n) for n in ("newbie", "a_pop", "b_pop")]
    fans = [factory.user(f"fan{i}") for i in range(2)]
    for fan in fans:
        factory.follow(fan, a)
    factory.follow(fans[0], b)
    got = (await client.get("/suggestions", params={"limit": 2}, headers=newbie["headers"])).json()
    assert [(s["user"]["username"], s["reason"]) for s in got] == [
        ("a_pop", "popular on Graphgram"),
        ("b_pop", "popular on Graphgram"),
    ]


def test_reason_wording() -> None:
    assert reason(["a"], 1) == "followed by a"
    assert reason(["a", "b"], 2) == "followed by a and b"
    assert reason(["a", "b", "c"], 3) == "followed by a, b and c"
    assert reason(["a", "b", "c"], 7) == "followed by a, b and 5 others you follow"


async def names(client: httpx.AsyncClient, user: User, limit: int = 20) -> list[str]:
    response = await client.get("/suggestions", params={"limit": limit}, headers=user["headers"])
    assert response.status_code == 200, response.text
    return [s["user"]["username"] for s in response.json()]


async def test_suggestions_come_from_a_list_computed_off_the_request_path(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    me, ann, bob, star, nova = [factory.user(n) for n in ("meg", "ann", "bob", "star", "nova")]
    factory.follow(me, ann)
    factory.follow(ann, star)
    # No list yet: a bounded sample answers, and the list is computed in the background.
    assert await names(client, me) == ["star"]
    await suggestions.drain()
    stored = json.loads(redis_client.get(suggestions.viewer_key(me["id"])) or "null")
    assert stored == {
        "following": 1,
        "items": [{"id": star["id"], "mutuals": 1, "names": ["ann"]}],
    }
    # The list serves the next requests: a new friend of a friend waits for the next list...
    factory.follow(ann, nova)
    assert await names(client, me) == ["star"]
    await suggestions.drain()
    assert await names(client, me) == ["star"]
    # ...which a change in whom the viewer follows brings on.
    factory.follow(me, bob)
    assert await names(client, me) == ["star"]
    await suggestions.drain()
    assert await names(client, me) == ["nova", "star"]
    # What the viewer may not be shown never waits for a new list.
    factory.block(me, star)
    assert await names(client, me) == ["nova"]


async def test_popular_list_is_computed_off_the_request_path_and_rechecked(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    newbie, a, b, c = [factory.user(n) for n in ("newbie", "a_pop", "b_pop", "c_pop")]
    fans = [factory.user(f"fan{i}") for i in range(3)]
    for i, fan in enumerate(fans):
        factory.follow(fan, a)
        if i < 2:
            factory.follow(fan, b)
    factory.follow(fans[0], c)
    assert await names(client, newbie, limit=2) == ["a_pop", "b_pop"]
    await suggestions.drain()
    ranked = json.loads(redis_client.get(suggestions.POPULAR_KEY) or "null")
    assert ranked[:3] == [a["id"], b["id"], c["id"]]
    # Following one of them takes it out at once; the rest of the list tops the page up.
    factory.follow(newbie, a)
    assert await names(client, newbie, limit=2) == ["b_pop", "c_pop"]
