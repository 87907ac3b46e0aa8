"""Saved posts: private to the saver, newest saved first, and only what the saver may still see."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.helpers import ids


async def save(client: httpx.AsyncClient, user: dict[str, Any], post_id: str) -> httpx.Response:
    return await client.put(f"/posts/{post_id}/save", headers=user["headers"])


async def test_saved_newest_saved_first_with_cursors(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    posts = [factory.post(alice, f"p{i}") for i in range(5)]
    # saved in an order unlike the posts' own
    for i in (2, 0, 4, 1, 3):
        response = await save(client, bob, posts[i]["id"])
        assert (response.status_code, response.json()) == (200, {"saved": True})
    first = await client.get("/me/saved", params={"limit": 2}, headers=bob["headers"])
    assert ids(first.json()) == [posts[3]["id"], posts[1]["id"]]
    older = re.search(r'<[^>]*[?&]max_id=([^&>]+)[^>]*>; rel="next"', first.headers["link"])
    assert older is not None
    second = await client.get(
        "/me/saved", params={"limit": 2, "max_id": older.group(1)}, headers=bob["headers"]
    )
    assert ids(second.json()) == [posts[4]["id"], posts[0]["id"]]
    newer = await client.get("/me/saved", params={"min_id": older.group(1)}, headers=bob["headers"])
    assert ids(newer.json()) == [posts[3]["id"]]
    # private to the saver: alice has saved nothing, and bob's save is not in the post
    assert (await client.get("/me/saved", headers=alice["headers"])).json() == []
    assert (await client.get(f"/posts/{posts[0]['id']}/save", headers=alice["headers"])).json() == {
        "saved": False
    }
    # unsave
    gone = await client.delete(f"/posts/{posts[3]['id']}/save", headers=bob["headers"])
    assert gone.json() == {"saved": False}
    after = await client.get("/me/saved", params={"limit": 1}, headers=bob["headers"])
    assert ids(after.json()) == [posts[1]["id"]]


async def test_saving_twice_at_once_saves_once(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    created = factory.post(alice, "save me")
    results = await asyncio.gather(*[save(client, bob, created["id"]) for _ in range(8)])
    assert {r.status_code for r in results} == {200}
    records, _, _ = neo4j_driver.execute_query(
        "MATCH ()-[s:SAVED]->() RETURN count(s)", database_=settings.neo4j_database
    )
    assert records[0][0] == 1


async def test_saved_posts_drop_out_when_they_may_no_longer_be_seen(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, cid, dee = (factory.user(n) for n in ("alice", "bob", "cid", "dee"))
    reader = factory.user("reader")
    kept = factory.post(dee, "kept")
    deleted = factory.post(alice, "deleted")
    private = factory.post(bob, "goes private")
    blocked = factory.post(cid, "blocked")
    for post in (kept, deleted, private, blocked):
        assert (await save(client, reader, post["id"])).status_code == 200
    assert len((await client.get("/me/saved", headers=reader["headers"])).json()) == 4
    await client.delete(f"/posts/{deleted['id']}", headers=alice["headers"])
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    await client.post("/users/reader/block", headers=cid["headers"])
    shown = await client.get("/me/saved", headers=reader["headers"])
    assert ids(shown.json()) == [kept["id"]]
    assert (await save(client, reader, private["id"])).status_code == 404


async def test_save_a_post_one_may_not_see_is_404_and_writes_nothing(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice, eve = factory.user("alice", private=True), factory.user("eve")
    hidden = factory.post(alice, "followers only")
    assert (await save(client, eve, hidden["id"])).status_code == 404
    assert (await save(client, eve, "nope")).status_code == 404
    gone = await client.delete(f"/posts/{hidden['id']}/save", headers=eve["headers"])
    assert gone.status_code == 404
    assert gone.json()["error"]["code"]
    records, _, _ = neo4j_driver.execute_query(
        "MATCH ()-[s:SAVED]->() RETURN count(s)", database_=settings.neo4j_database
    )
    assert records[0][0] == 0


async def test_saved_flag_in_every_post_the_saver_reads_and_only_theirs(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """`saved` is in the native Post wherever `liked` is: a post, a profile's posts, a hashtag's
    posts, the feed, the saved list; from the viewer's saved window (kept current by save and
    unsave) or, for a viewer in a block with someone, from the graph. Nobody else sees it."""
    alice, bob, eve = factory.user("alice"), factory.user("bob"), factory.user("eve")
    await client.post("/users/alice/follow", headers=bob["headers"])
    first = factory.post(alice, "first #sun")
    second = factory.post(alice, "second #sun")

    async def flags(user: dict[str, Any], path: str) -> list[tuple[str, bool]]:
        response = await client.get(path, headers=user["headers"])
        assert response.status_code == 200, response.text
        return [(p["id"], p["saved"]) for p in response.json()]

    async def single(user: dict[str, Any], post_id: str) -> bool:
        response = await client.get(f"/posts/{post_id}", headers=user["headers"])
        assert response.status_code == 200, response.text
        saved: bool = response.json()["saved"]
        return saved

    everywhere = ("/users/alice/posts", "/tags/sun/posts", "/feed")
    for path in everywhere:  # the windows exist before the save: the hook keeps them current
        assert await flags(bob, path) == [(second["id"], False), (first["id"], False)]
    assert (await save(client, bob, first["id"])).status_code == 200
    for _ in range(2):  # the full path, then the fast page for the feed
        for path in everywhere:
            assert await flags(bob, path) == [(second["id"], False), (first["id"], True)]
    assert await single(bob, first["id"]) is True
    assert await flags(bob, "/me/saved") == [(first["id"], True)]
    # Private to the saver.
    assert await flags(eve, "/users/alice/posts") == [(second["id"], False), (first["id"], False)]
    assert await single(alice, first["id"]) is False
    # A viewer in a block with someone reads per-viewer state from the graph: the same flags.
    await client.post("/users/bob/block", headers=eve["headers"])
    for path in everywhere:
        assert await flags(bob, path) == [(second["id"], False), (first["id"], True)]
    await client.delete(f"/posts/{first['id']}/save", headers=bob["headers"])
    for path in everywhere:
        assert await flags(bob, path) == [(second["id"], False), (first["id"], False)]
    assert await single(bob, first["id"]) is False
