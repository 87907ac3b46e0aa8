"""Follows, follow requests to private accounts, blocks, and profile relationships."""

from __future__ import annotations

import asyncio

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.helpers import block


def count(driver: Driver, settings: Settings, pattern: str) -> int:
    records, _, _ = driver.execute_query(
        f"MATCH {pattern} RETURN count(*) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


async def test_follow_public_account_shows_in_profile_and_lists(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    response = await client.post("/users/bob/follow", headers=alice["headers"])
    assert response.json() == {"following": True, "requested": False}
    profile = (await client.get("/users/bob", headers=alice["headers"])).json()
    assert profile["follower_count"] == 1
    assert profile["relationship"]["following"] is True
    back = (await client.get("/users/alice", headers=bob["headers"])).json()
    assert back["relationship"]["followed_by"] is True
    followers = await client.get("/users/bob/followers", headers=alice["headers"])
    assert [u["username"] for u in followers.json()] == ["alice"]
    following = await client.get("/users/alice/following", headers=bob["headers"])
    assert [u["username"] for u in following.json()] == ["bob"]


async def test_concurrent_follows_create_one_relationship(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice, _ = factory.user("alice"), factory.user("bob")
    results = await asyncio.gather(
        *[client.post("/users/bob/follow", headers=alice["headers"]) for _ in range(10)]
    )
    assert {r.status_code for r in results} == {200}
    assert count(neo4j_driver, settings, "(:User {username:'alice'})-[:FOLLOWS]->(:User)") == 1


async def test_unfollow_is_idempotent(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    for _ in range(2):
        response = await client.delete("/users/bob/follow", headers=alice["headers"])
        assert response.status_code == 200
        assert response.json() == {"following": False, "requested": False}
    profile = (await client.get("/users/bob", headers=alice["headers"])).json()
    assert profile["follower_count"] == 0


async def test_following_yourself_or_unknown_users_is_refused(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    assert (await client.post("/users/alice/follow", headers=alice["headers"])).status_code == 422
    assert (await client.post("/users/ghost/follow", headers=alice["headers"])).status_code == 404
    assert (await client.post("/users/alice/block", headers=alice["headers"])).status_code == 422


async def test_private_account_request_accept_flow(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    await client.post("/posts", json={"caption": "private thoughts"}, headers=bob["headers"])

    requested = await client.post("/users/bob/follow", headers=alice["headers"])
    assert requested.json() == {"following": False, "requested": True}
    profile = await client.get("/users/bob", headers=alice["headers"])
    assert profile.status_code == 200  # the header is visible
    assert profile.json()["relationship"]["requested"] is True
    assert (await client.get("/users/bob/posts", headers=alice["headers"])).status_code == 404
    assert (await client.get("/users/bob/followers", headers=alice["headers"])).status_code == 404

    pending = await client.get("/me/follow-requests", headers=bob["headers"])
    assert [u["username"] for u in pending.json()] == ["alice"]
    accepted = await client.post("/me/follow-requests/alice/accept", headers=bob["headers"])
    assert accepted.status_code == 204
    posts = await client.get("/users/bob/posts", headers=alice["headers"])
    assert [p["caption"] for p in posts.json()] == ["private thoughts"]
    assert (await client.get("/me/follow-requests", headers=bob["headers"])).json() == []
    again = await client.post("/me/follow-requests/alice/accept", headers=bob["headers"])
    assert again.status_code == 404


async def test_rejected_request_grants_nothing(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    await client.post("/users/bob/follow", headers=alice["headers"])
    assert (
        await client.post("/me/follow-requests/alice/reject", headers=bob["headers"])
    ).status_code == 204
    profile = (await client.get("/users/bob", headers=alice["headers"])).json()
    assert profile["relationship"] == {
        "following": False,
        "followed_by": False,
        "requested": False,
        "blocking": False,
        "muting": False,
    }


async def test_withdrawing_a_request(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    await client.post("/users/bob/follow", headers=alice["headers"])
    await client.delete("/users/bob/follow", headers=alice["headers"])
    assert (await client.get("/me/follow-requests", headers=bob["headers"])).json() == []


async def test_going_public_accepts_pending_requests(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    await client.post("/users/bob/follow", headers=alice["headers"])
    await client.patch("/me", json={"private": False}, headers=bob["headers"])
    profile = (await client.get("/users/bob", headers=alice["headers"])).json()
    assert profile["relationship"]["following"] is True


async def test_block_removes_follows_and_requests_both_ways(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    factory.follow(bob, alice)
    await block(client, alice, bob)
    await block(client, alice, bob)  # idempotent
    assert count(neo4j_driver, settings, "(:User)-[:FOLLOWS]->(:User)") == 0
    assert count(neo4j_driver, settings, "(:User)-[:BLOCKS]->(:User)") == 1
    # neither side can follow (or request) the other
    assert (await client.post("/users/alice/follow", headers=bob["headers"])).status_code == 404
    assert (await client.post("/users/bob/follow", headers=alice["headers"])).status_code == 404
    blocked = await client.get("/me/blocks", headers=alice["headers"])
    assert [u["username"] for u in blocked.json()] == ["bob"]


async def test_unblock_restores_visibility_but_not_follows(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    factory.block(bob, alice)
    assert (await client.get("/users/bob", headers=alice["headers"])).status_code == 404
    assert (await client.delete("/users/alice/block", headers=bob["headers"])).status_code == 204
    profile = await client.get("/users/bob", headers=alice["headers"])
    assert profile.status_code == 200
    assert profile.json()["relationship"]["following"] is False


async def test_follower_list_pagination_neither_skips_nor_repeats(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    star = factory.user("star")
    fans = [factory.user(f"fan{i:02d}") for i in range(7)]
    for fan in fans:
        factory.follow(fan, star)
    seen: list[str] = []
    url = "/users/star/followers?limit=3"
    while url:
        response = await client.get(url, headers=star["headers"])
        seen += [u["username"] for u in response.json()]
        links = response.headers.get("link", "")
        nxt = [part for part in links.split(", ") if 'rel="next"' in part]
        url = nxt[0].split(">")[0].lstrip("<").replace("http://testserver", "") if nxt else ""
    assert seen == [f"fan{i:02d}" for i in reversed(range(7))]
