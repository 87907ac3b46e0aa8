"""Writes under concurrent interleavings: after any of them the graph holds no relationship
across a block, no comment, reply or post without its parent, and every 2xx answered a write
that really happened. Many concurrent requests go through the real API to the real Neo4j."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory

ROUNDS = 4


def _count(driver: Driver, settings: Settings, statement: str, **params: Any) -> int:
    records, _, _ = driver.execute_query(
        statement,
        params,
        database_=settings.neo4j_database,
    )
    return int(records[0][0])


def _no_server_errors(responses: list[httpx.Response]) -> None:
    errors = [(r.status_code, r.text) for r in responses if r.status_code >= 500]
    assert not errors, errors


async def test_block_during_concurrent_follows_leaves_no_follow_across_it(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice, mallory = factory.user("alice"), factory.user("mallory")
    for _ in range(ROUNDS):
        follows = [
            client.post("/users/alice/follow", headers=mallory["headers"]) for _ in range(12)
        ]
        blocking = client.post("/users/mallory/block", headers=alice["headers"])
        responses = await asyncio.gather(*follows[:6], blocking, *follows[6:])
        _no_server_errors(responses)
        assert responses[6].status_code == 204
        crossing = _count(
            neo4j_driver,
            settings,
            "MATCH (a:User {username: 'alice'})-[:BLOCKS]-(m:User {username: 'mallory'}) "
            "RETURN COUNT { (a)-[:FOLLOWS|REQUESTED]-(m) }",
        )
        assert crossing == 0
        unblock = await client.delete("/users/mallory/block", headers=alice["headers"])
        assert unblock.status_code == 204


async def test_deleting_a_post_while_others_comment_and_like_leaves_no_orphans(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    author = factory.user("author")
    fans = [factory.user(f"fan{i}") for i in range(6)]
    for _ in range(ROUNDS):
        post = factory.post(author, "going away soon")
        top = factory.comment(fans[0], post, "first")
        writes = [
            client.post(
                f"/posts/{post['id']}/comments",
                json={"text": f"c{i}", **({"reply_to": top["id"]} if i % 2 else {})},
                headers=fans[i % len(fans)]["headers"],
            )
            for i in range(12)
        ] + [client.post(f"/posts/{post['id']}/like", headers=f["headers"]) for f in fans]
        delete = client.delete(f"/posts/{post['id']}", headers=author["headers"])
        responses = await asyncio.gather(*writes[:9], delete, *writes[9:])
        _no_server_errors(responses)
        assert responses[9].status_code == 204
        # A reply whose parent went with the post is refused as a reply to nothing (422).
        for response in responses:
            assert response.status_code in {200, 201, 204, 404, 422}, response.text
        orphans = _count(
            neo4j_driver,
            settings,
            "MATCH (c:Comment) WHERE NOT EXISTS { (c)-[:ON]->(:Post) } "
            "OR NOT EXISTS { (:User)-[:WROTE]->(c) } RETURN count(c)",
        )
        assert orphans == 0


async def test_deleting_a_comment_while_others_reply_leaves_no_reply_without_parent(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    author, fan = factory.user("author"), factory.user("fan")
    post = factory.post(author, "thread")
    for _ in range(ROUNDS):
        top = factory.comment(fan, post, "parent")
        replies = [
            client.post(
                f"/posts/{post['id']}/comments",
                json={"text": f"r{i}", "reply_to": top["id"]},
                headers=author["headers"],
            )
            for i in range(10)
        ]
        delete = client.delete(f"/comments/{top['id']}", headers=fan["headers"])
        responses = await asyncio.gather(*replies[:5], delete, *replies[5:])
        _no_server_errors(responses)
        created = [r.json()["id"] for r in responses if r.status_code == 201]
        # Every acknowledged reply either still hangs on its parent or went with it.
        left = _count(
            neo4j_driver,
            settings,
            "UNWIND $ids AS id MATCH (c:Comment {id: id}) "
            "WHERE NOT EXISTS { (c)-[:REPLY_TO]->(:Comment) } RETURN count(c)",
            ids=created,
        )
        assert left == 0


async def test_deleting_an_account_while_it_posts_leaves_no_post_without_author(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    for round_ in range(ROUNDS):
        user = factory.user(f"leaver{round_}")
        posts = [
            client.post("/posts", json={"caption": f"p{i}"}, headers=user["headers"])
            for i in range(10)
        ]
        delete = client.delete("/me", headers=user["headers"])
        responses = await asyncio.gather(*posts[:5], delete, *posts[5:])
        _no_server_errors(responses)
        assert responses[5].status_code == 204
        authorless = _count(
            neo4j_driver,
            settings,
            "MATCH (p:Post) WHERE NOT EXISTS { (:User)-[:POSTED]->(p) } RETURN count(p)",
        )
        assert authorless == 0
