"""The home feed: who is in it, order, pagination under new posts, and staying fresh."""

from __future__ import annotations

from typing import Any

import httpx

from tests.fixtures.factories import Factory
from tests.helpers import block, follow, ids, post


async def feed(client: httpx.AsyncClient, user: dict[str, Any], **params: Any) -> httpx.Response:
    response = await client.get("/feed", params=params, headers=user["headers"])
    assert response.status_code == 200, response.text
    return response


async def test_feed_has_followed_and_own_posts_newest_first(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, carol = [factory.user(n) for n in ("alice", "bob", "carol")]
    factory.follow(alice, bob)
    p1 = factory.post(bob, "bob 1")
    p2 = factory.post(carol, "carol, not followed")
    p3 = factory.post(alice, "alice own")
    p4 = factory.post(bob, "bob 2")
    got = ids((await feed(client, alice)).json())
    assert got == [p4["id"], p3["id"], p1["id"]]
    assert p2["id"] not in got


async def test_feed_excludes_private_accounts_not_followed(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    secret = await post(client, bob, "for followers")
    assert ids((await feed(client, alice)).json()) == [secret["id"]]  # alice already follows
    carol = factory.user("carol")
    await client.post("/users/bob/follow", headers=carol["headers"])  # only a request
    assert (await feed(client, carol)).json() == []


async def test_feed_is_fresh_after_unfollow_block_and_delete(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, carol = [factory.user(n) for n in ("alice", "bob", "carol")]
    factory.follow(alice, bob)
    factory.follow(alice, carol)
    bob_post = factory.post(bob, "bob")
    carol_post = factory.post(carol, "carol")
    carol_post2 = factory.post(carol, "carol 2")
    assert set(ids((await feed(client, alice)).json())) == {
        bob_post["id"],
        carol_post["id"],
        carol_post2["id"],
    }
    await client.delete("/users/bob/follow", headers=alice["headers"])
    assert bob_post["id"] not in ids((await feed(client, alice)).json())
    await block(client, carol, alice)
    assert (await feed(client, alice)).json() == []
    await client.delete("/users/alice/block", headers=carol["headers"])
    await follow(client, alice, carol)
    assert ids((await feed(client, alice)).json()) == [carol_post2["id"], carol_post["id"]]
    await client.delete(f"/posts/{carol_post2['id']}", headers=carol["headers"])
    assert ids((await feed(client, alice)).json()) == [carol_post["id"]]


async def test_pagination_neither_skips_nor_repeats_while_posts_arrive(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    older = [factory.post(bob, f"old {i}")["id"] for i in range(7)]
    first = await feed(client, alice, limit=3)
    page1 = ids(first.json())
    assert page1 == older[::-1][:3]
    assert 'rel="next"' in first.headers["link"]
    newer = [(await post(client, bob, f"new {i}"))["id"] for i in range(5)]
    seen = list(page1)
    max_id = page1[-1]
    while True:
        page = ids((await feed(client, alice, limit=3, max_id=max_id)).json())
        if not page:
            break
        seen += page
        max_id = page[-1]
    assert seen == older[::-1]  # every old post once, in order, none of the new ones
    fresh = ids((await feed(client, alice, since_id=page1[0])).json())
    assert fresh == newer[::-1]
    just_after = ids((await feed(client, alice, min_id=page1[0], limit=2)).json())
    assert just_after == newer[:2][::-1]


async def test_limit_is_bounded(client: httpx.AsyncClient, factory: Factory) -> None:
    alice = factory.user("alice")
    response = await client.get("/feed", params={"limit": 101}, headers=alice["headers"])
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "limit"
