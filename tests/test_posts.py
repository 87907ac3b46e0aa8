"""Posts, likes and comments through the API."""

from __future__ import annotations

import asyncio

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.helpers import post


def scalar(driver: Driver, settings: Settings, query: str) -> int:
    records, _, _ = driver.execute_query(query, database_=settings.neo4j_database)
    return int(records[0][0])


async def test_create_post_parses_hashtags_and_mentions(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, _ = factory.user("alice"), factory.user("bob")
    created = await post(client, alice, "Sunset #Beach #beach #sun with @bob and @nobody")
    assert created["hashtags"] == ["beach", "sun"]
    assert created["mentions"] == ["bob"]
    assert created["author"]["username"] == "alice"
    assert created["like_count"] == 0
    assert created["liked"] is False
    assert created["media"] == []
    fetched = await client.get(f"/posts/{created['id']}", headers=alice["headers"])
    assert fetched.json() == created


async def test_no_mention_across_a_block(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.block(bob, alice)
    created = await post(client, alice, "hey @bob")
    assert created["mentions"] == []


async def test_caption_limit_is_422_with_the_limit(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice = factory.user("alice")
    response = await client.post("/posts", json={"caption": "x" * 2201}, headers=alice["headers"])
    assert response.status_code == 422
    field = response.json()["error"]["fields"][0]
    assert field["field"] == "caption"
    assert "2200" in field["message"]
    assert scalar(neo4j_driver, settings, "MATCH (p:Post) RETURN count(p)") == 0


async def test_post_with_unknown_media_writes_nothing(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice = factory.user("alice")
    response = await client.post(
        "/posts", json={"caption": "#new", "media_ids": ["nope"]}, headers=alice["headers"]
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "media_ids"
    assert scalar(neo4j_driver, settings, "MATCH (n:Post|Hashtag) RETURN count(n)") == 0
    eleven = await client.post(
        "/posts", json={"media_ids": [str(i) for i in range(11)]}, headers=alice["headers"]
    )
    assert eleven.status_code == 422


async def test_likes_are_idempotent_under_concurrency(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    created = factory.post(alice, "like me")
    results = await asyncio.gather(
        *[client.post(f"/posts/{created['id']}/like", headers=bob["headers"]) for _ in range(10)]
    )
    assert {r.status_code for r in results} == {200}
    assert scalar(neo4j_driver, settings, "MATCH ()-[l:LIKES]->() RETURN count(l)") == 1
    view = (await client.get(f"/posts/{created['id']}", headers=bob["headers"])).json()
    assert view["like_count"] == 1
    assert view["liked"] is True
    likers = await client.get(f"/posts/{created['id']}/likes", headers=alice["headers"])
    assert [u["username"] for u in likers.json()] == ["bob"]
    unliked = await client.delete(f"/posts/{created['id']}/like", headers=bob["headers"])
    assert unliked.json()["like_count"] == 0
    assert unliked.json()["liked"] is False


async def test_comments_and_replies(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    created = factory.post(alice, "discuss")
    first = await client.post(
        f"/posts/{created['id']}/comments", json={"text": "first!"}, headers=bob["headers"]
    )
    assert first.status_code == 201
    reply = await client.post(
        f"/posts/{created['id']}/comments",
        json={"text": "thanks", "reply_to": first.json()["id"]},
        headers=alice["headers"],
    )
    assert reply.json()["reply_to"] == first.json()["id"]
    listed = await client.get(f"/posts/{created['id']}/comments", headers=bob["headers"])
    assert [(c["text"], c["author"]["username"]) for c in listed.json()] == [
        ("thanks", "alice"),
        ("first!", "bob"),
    ]
    view = (await client.get(f"/posts/{created['id']}", headers=bob["headers"])).json()
    assert view["comment_count"] == 2


async def test_comment_validation(client: httpx.AsyncClient, factory: Factory) -> None:
    alice = factory.user("alice")
    one, other = factory.post(alice, "one"), factory.post(alice, "two")
    c = factory.comment(alice, one, "x")
    for body, field in [
        ({"text": ""}, "text"),
        ({"text": "y" * 2201}, "text"),
        ({"text": "ok", "reply_to": c["id"]}, "reply_to"),  # a comment on another post
    ]:
        response = await client.post(
            f"/posts/{other['id']}/comments", json=body, headers=alice["headers"]
        )
        assert response.status_code == 422, body
        assert response.json()["error"]["fields"][0]["field"] == field
    missing = await client.post(
        "/posts/nope/comments", json={"text": "x"}, headers=alice["headers"]
    )
    assert missing.status_code == 404


async def test_comment_deletion_rights(client: httpx.AsyncClient, factory: Factory) -> None:
    owner, bob, carol = [factory.user(n) for n in ("owner", "bob", "carol")]
    created = factory.post(owner, "mine")
    path = f"/posts/{created['id']}/comments"
    by_bob = factory.comment(bob, created, "bob")
    reply = factory.comment(carol, created, "re", reply_to=by_bob["id"])
    assert (
        await client.delete(f"/comments/{by_bob['id']}", headers=carol["headers"])
    ).status_code == 403
    assert (
        await client.delete(f"/comments/{by_bob['id']}", headers=owner["headers"])
    ).status_code == 204
    # the reply went with its parent
    assert (await client.get(path, headers=owner["headers"])).json() == []
    assert (
        await client.delete(f"/comments/{reply['id']}", headers=carol["headers"])
    ).status_code == 404


async def test_deleting_a_post_removes_likes_comments_and_links(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    created = factory.post(alice, "bye #gone @bob")
    factory.like(bob, created)
    factory.comment(bob, created, "x")
    assert (
        await client.delete(f"/posts/{created['id']}", headers=bob["headers"])
    ).status_code == 403
    assert (
        await client.delete(f"/posts/{created['id']}", headers=alice["headers"])
    ).status_code == 204
    assert (
        await client.get(f"/posts/{created['id']}", headers=alice["headers"])
    ).status_code == 404
    assert scalar(neo4j_driver, settings, "MATCH (n:Post|Comment) RETURN count(n)") == 0
    assert (
        scalar(neo4j_driver, settings, "MATCH ()-[r:LIKES|MENTIONS|TAGGED]->() RETURN count(r)")
        == 0
    )


async def test_private_posts_are_404_to_strangers(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice", private=True), factory.user("bob")
    created = factory.post(alice, "secret")
    assert (await client.get(f"/posts/{created['id']}", headers=bob["headers"])).status_code == 404
    like = await client.post(f"/posts/{created['id']}/like", headers=bob["headers"])
    assert like.status_code == 404
    await client.post("/users/alice/follow", headers=bob["headers"])
    await client.post("/me/follow-requests/bob/accept", headers=alice["headers"])
    assert (await client.get(f"/posts/{created['id']}", headers=bob["headers"])).status_code == 200
