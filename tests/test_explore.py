"""Explore: public posts from outside the viewer's follows that people they follow liked or
commented on, or in hashtags the viewer uses, each with a reason the viewer can check, never from
a private account, one in a block with the viewer, one they mute, a suspended or a limited one;
served from a list computed off the request path, re-checked per read, refreshed within minutes."""

from __future__ import annotations

import json
from typing import Any

import httpx
from redis import Redis

from api.discovery import explore as explore_service
from api.discovery import suggestions
from graphgram import redis_keys
from tests.fixtures.factories import Factory
from tests.helpers import block, follow, post, register


async def explore(client: httpx.AsyncClient, user: dict[str, Any]) -> list[dict[str, Any]]:
    response = await client.get("/explore", headers=user["headers"])
    assert response.status_code == 200, response.text
    await suggestions.drain()  # the list computed off the request path
    body: list[dict[str, Any]] = response.json()
    return body


async def like(client: httpx.AsyncClient, user: dict[str, Any], post_id: str) -> None:
    response = await client.post(f"/posts/{post_id}/like", headers=user["headers"])
    assert response.status_code < 300, response.text


async def test_explore_shows_what_people_you_follow_liked_with_the_reason(
    client: httpx.AsyncClient,
) -> None:
    ada, bob, cy, dee, eve = [
        await register(client, n) for n in ("xada", "xbob", "xcy", "xdee", "xeve")
    ]
    priv = await register(client, "xpriv")
    for friend in (bob, cy, dee):
        await follow(client, ada, friend)
    popular, quiet, hidden = (
        await post(client, eve, "liked by three"),
        await post(client, eve, "liked by one"),
        await post(client, priv, "private"),
    )
    followed_post = await post(client, bob, "bob's own")
    for friend in (bob, cy, dee):
        await like(client, friend, popular["id"])
    await like(client, cy, quiet["id"])
    await like(client, bob, hidden["id"])
    await like(client, cy, followed_post["id"])
    # Liked while public, then turned private: left out.
    made_private = await client.patch("/me", json={"private": True}, headers=priv["headers"])
    assert made_private.status_code == 200

    for _ in range(2):  # sampled on the request path, then from the kept list
        shown = await explore(client, ada)
        assert [item["post"]["id"] for item in shown] == [popular["id"], quiet["id"]]
        assert shown[0]["reason"] == "liked by xbob and 2 others you follow"
        assert shown[1]["reason"] == "liked by xcy, whom you follow"
        assert shown[0]["post"]["author"]["username"] == "xeve"


async def test_explore_leaves_out_muted_blocked_and_followed_accounts_at_once(
    client: httpx.AsyncClient,
) -> None:
    ada, bob, eve, fay, gus = [
        await register(client, n) for n in ("yada", "ybob", "yeve", "yfay", "ygus")
    ]
    await follow(client, ada, bob)
    posts = {user["username"]: await post(client, user, "hi") for user in (eve, fay, gus)}
    for each in posts.values():
        await like(client, bob, each["id"])
    assert {item["post"]["author"]["username"] for item in await explore(client, ada)} == {
        "yeve",
        "yfay",
        "ygus",
    }
    # The kept list is re-checked on every read: a mute, a block either way, a follow.
    muted = await client.put("/users/yeve/mute", headers=ada["headers"])
    assert muted.status_code == 200
    await block(client, fay, ada)
    await follow(client, ada, gus)
    assert await explore(client, ada) == []
    # The muted account is told nothing: its Explore is its own.
    assert await explore(client, eve) == []
    await client.delete("/users/yeve/mute", headers=ada["headers"])
    assert [item["post"]["id"] for item in await explore(client, ada)] == [posts["yeve"]["id"]]


async def test_trending_tags_count_only_what_the_viewer_may_see(
    client: httpx.AsyncClient,
) -> None:
    ada, bob, cy, eve = [await register(client, n) for n in ("tada", "tbob", "tcy", "teve")]
    priv = await register(client, "tpriv")
    await follow(client, ada, bob)
    await follow(client, ada, cy)
    await post(client, bob, "#sun #sea")
    await post(client, bob, "#sun again")
    await post(client, cy, "#sun too")
    await post(client, ada, "#sea mine")
    await post(client, eve, "#sun not in my network")
    await post(client, priv, "#secret")
    await client.patch("/me", json={"private": True}, headers=priv["headers"])
    response = await client.get("/explore/tags", headers=ada["headers"])
    assert response.status_code == 200, response.text
    assert response.json() == [
        {"name": "sun", "uses": 3, "accounts": 2},
        {"name": "sea", "uses": 2, "accounts": 2},
    ]
    # A private account's tags count only for its followers; a muted account's not at all.
    eve_view = await client.get("/explore/tags", headers=eve["headers"])
    assert [t["name"] for t in eve_view.json()] == ["sun"]
    dan = await register(client, "tdan")
    await follow(client, dan, bob)
    await client.put("/users/tbob/mute", headers=dan["headers"])
    assert (await client.get("/explore/tags", headers=dan["headers"])).json() == []


def shown(items: list[dict[str, Any]]) -> list[tuple[str, str]]:
    return [(item["post"]["caption"], item["reason"]) for item in items]


async def test_comments_and_hashtags_you_use_bring_posts_in_with_their_reason(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada, bob, cy, dee = (factory.user(n) for n in ("ada", "bob", "cy", "dee"))
    eve, fay, gus = (factory.user(n) for n in ("eve", "fay", "gus"))
    for friend in (bob, cy, dee):
        factory.follow(ada, friend)
    factory.post(ada, "my #sun")  # a hashtag ada posts with
    seaside = factory.post(gus, "the #sea")
    factory.like(ada, seaside)  # and one she likes posts with
    commented = factory.post(eve, "commented on")
    factory.comment(bob, commented, "nice")
    factory.comment(bob, commented, "really")  # one person, however many comments
    both = factory.post(eve, "liked and commented on")
    for friend in (bob, cy, dee):
        factory.like(friend, both)
    factory.comment(cy, both, "wow")
    sunny = factory.post(fay, "at the #sun")
    sea = factory.post(fay, "by the #sea")
    factory.post(bob, "bob's own #sun")  # ada follows bob: not Explore
    for _ in range(2):  # sampled on the request path, then from the kept list
        assert shown(await explore(client, ada)) == [
            (
                "liked and commented on",
                "liked by bob and 2 others you follow; commented on by cy, whom you follow",
            ),
            ("commented on", "commented on by bob, whom you follow"),
            (sea["caption"], "in #sea, a hashtag you use"),
            (sunny["caption"], "in #sun, a hashtag you use"),
        ]


async def test_blocked_muted_suspended_and_limited_authors_never_appear(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    mod = factory.user("mod", role="moderator")
    factory.follow(ada, bob)
    authors = {n: factory.user(n) for n in ("ok", "blocker", "blocked", "muted", "susp", "lim")}
    for name, author in authors.items():
        liked = factory.post(author, f"by {name}")
        factory.like(bob, liked)
        factory.comment(bob, liked, "seen")
    factory.block(authors["blocker"], ada)
    factory.block(ada, authors["blocked"])
    muted = await client.put("/users/muted/mute", headers=ada["headers"])
    assert muted.status_code == 200, muted.text
    for action, name in (("suspend", "susp"), ("limit", "lim")):
        done = await client.post(
            f"/admin/accounts/{name}/{action}", json={"reason": "spam"}, headers=mod["headers"]
        )
        assert done.status_code == 200, done.text
    for _ in range(2):  # the bounded sample, then the list computed off the request path
        assert [item["post"]["caption"] for item in await explore(client, ada)] == ["by ok"]
    # And on the kept list, a change shows at the next read: the re-check on every read.
    await client.post("/admin/accounts/ok/suspend", json={"reason": "x"}, headers=mod["headers"])
    assert await explore(client, ada) == []


async def test_a_list_older_than_five_minutes_is_served_once_and_computed_again(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    ada, bob, eve = factory.user("ada"), factory.user("bob"), factory.user("eve")
    factory.follow(ada, bob)
    first = factory.post(eve, "first")
    factory.like(bob, first)
    assert shown(await explore(client, ada)) == [("first", "liked by bob, whom you follow")]
    second = factory.post(eve, "second")
    factory.like(bob, second)
    # The kept list is younger than five minutes: served as it is.
    assert shown(await explore(client, ada)) == [("first", "liked by bob, whom you follow")]
    key = redis_keys.explore(ada["id"])
    kept = json.loads(redis_client.get(key) or "{}")
    kept["at"] -= explore_service.REFRESH_S + 1
    redis_client.set(key, json.dumps(kept), keepttl=True)
    # Older: served once more while the new one is computed, then the new one.
    assert [item["post"]["caption"] for item in await explore(client, ada)] == ["first"]
    assert [item["post"]["caption"] for item in await explore(client, ada)] == ["second", "first"]


async def test_a_viewer_without_a_list_is_served_the_kept_sample_until_the_list_lands(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    ada, bob, eve = factory.user("ada"), factory.user("bob"), factory.user("eve")
    factory.follow(ada, bob)
    first = factory.post(eve, "first")
    factory.like(bob, first)
    key = redis_keys.explore(ada["id"])
    # Another process is computing the list (its lock is held): the read samples, keeps it.
    redis_client.set(f"{key}:lock", "1", ex=60)
    assert shown(await explore(client, ada)) == [("first", "liked by bob, whom you follow")]
    second = factory.post(eve, "second")
    factory.like(bob, second)
    # The next read is answered from the kept sample (re-checked), not a new one.
    assert [item["post"]["caption"] for item in await explore(client, ada)] == ["first"]
    # The lock released, the read after starts the computation, and the list replaces the sample.
    redis_client.delete(f"{key}:lock")
    assert [item["post"]["caption"] for item in await explore(client, ada)] == ["first"]
    assert [item["post"]["caption"] for item in await explore(client, ada)] == ["second", "first"]
    assert json.loads(redis_client.get(key) or "{}")["at"] > 0  # computed, no longer the sample
