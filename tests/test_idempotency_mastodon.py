"""Idempotency-Key on Mastodon's POST /api/v1/statuses, served by the same middleware as the
API's own creating routes (api/middleware.py) with Mastodon's documented rule: the same key from
the same account answers the first status again, whatever the retry's body; a duplicate sent
while the first runs is a 409 and a key that cannot be checked a 503, in Mastodon's shape."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from neo4j import Driver

from api.app import create_app
from graphgram.settings import Settings
from tests.fixtures.api_server import free_port
from tests.fixtures.factories import Factory
from tests.test_idempotency import count


async def test_a_repeated_key_answers_the_first_status_whatever_the_body(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    headers = {**ada["headers"], "Idempotency-Key": "retry-1"}
    first = await client.post("/api/v1/statuses", json={"status": "only once"}, headers=headers)
    again = await client.post("/api/v1/statuses", json={"status": "only once!"}, headers=headers)
    assert first.status_code == again.status_code == 200, again.text
    assert again.json()["id"] == first.json()["id"]
    assert again.headers["Idempotent-Replayed"] == "true"
    # Another account's key is its own.
    theirs = await client.post(
        "/api/v1/statuses",
        json={"status": "only once"},
        headers={**bob["headers"], "Idempotency-Key": "retry-1"},
    )
    assert theirs.status_code == 200
    assert theirs.json()["id"] != first.json()["id"]
    # A key of the API's own routes is another request's: not the status's.
    own = await client.post("/posts", json={"caption": "hi"}, headers=headers)
    assert own.status_code == 201
    assert count(neo4j_driver, settings, "Post") == 3


async def test_a_refused_status_keeps_nothing(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "fix-and-retry"}
    refused = await client.post("/api/v1/statuses", json={"status": ""}, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["error"].startswith("Validation failed")
    made = await client.post("/api/v1/statuses", json={"status": "fixed"}, headers=headers)
    assert made.status_code == 200
    assert "Idempotent-Replayed" not in made.headers
    assert count(neo4j_driver, settings, "Post") == 1


async def test_concurrent_duplicates_post_once_and_the_rest_are_409(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(
            client.post("/api/v1/statuses", json={"status": "once"}, headers=headers)
            for _ in range(8)
        )
    )
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {200, 409}, statuses
    assert len({r.json()["id"] for r in responses if r.status_code == 200}) == 1
    for refused in (r for r in responses if r.status_code == 409):
        assert set(refused.json()) == {"error"}
        assert refused.headers["Retry-After"] == "1"
    assert count(neo4j_driver, settings, "Post") == 1


async def test_a_key_that_cannot_be_checked_is_503_and_posts_nothing(
    factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    # Nothing listens there: every Redis command fails at once (sessions come from Neo4j).
    away = settings.model_copy(
        update={
            "redis_url": f"redis://127.0.0.1:{free_port()}/0",
            "media_worker": False,
            "timeline_worker": False,
            "rate_limits": False,
        }
    )
    app = create_app(away)
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            response = await http.post(
                "/api/v1/statuses",
                json={"status": "maybe twice"},
                headers={**ada["headers"], "Idempotency-Key": "k"},
            )
    assert response.status_code == 503
    assert set(response.json()) == {"error"}
    assert "Idempotency-Key" in response.json()["error"]
    assert response.headers["Retry-After"]
    assert count(neo4j_driver, settings, "Post") == 0
