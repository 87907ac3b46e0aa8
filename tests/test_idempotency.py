"""Idempotency-Key on POST /posts, /media and /posts/{id}/comments: a retry answers the first
result and creates nothing; concurrent duplicates do not both run."""

from __future__ import annotations

import asyncio
from collections import Counter

import httpx
from neo4j import Driver
from redis import Redis

from backends import open_backends
from graphgram.settings import Settings
from services import posts as post_service
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture


def count(driver: Driver, settings: Settings, label: str) -> int:
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


async def test_a_retried_post_answers_the_first_result_and_creates_nothing(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "post-1"}
    first = await client.post("/posts", json={"caption": "hello #world"}, headers=headers)
    again = await client.post("/posts", json={"caption": "hello #world"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(neo4j_driver, settings, "Post") == 1
    # Without a key, the same body is a second post.
    plain = await client.post("/posts", json={"caption": "hello #world"}, headers=ada["headers"])
    assert plain.json()["id"] != first.json()["id"]
    assert count(neo4j_driver, settings, "Post") == 2


async def test_a_key_reused_for_another_request_is_refused(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "k"}
    assert (await client.post("/posts", json={"caption": "a"}, headers=headers)).status_code == 201
    other = await client.post("/posts", json={"caption": "b"}, headers=headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["error"]["message"]
    assert count(neo4j_driver, settings, "Post") == 1


async def test_keys_belong_to_one_account(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    for user in (ada, bob):
        response = await client.post(
            "/posts", json={"caption": "same"}, headers={**user["headers"], "Idempotency-Key": "x"}
        )
        assert response.status_code == 201
        assert response.json()["author"]["username"] == user["username"]
    assert count(neo4j_driver, settings, "Post") == 2


async def test_concurrent_duplicates_do_not_both_run(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "burst"}
    responses = await asyncio.gather(
        *(client.post("/posts", json={"caption": "once"}, headers=headers) for _ in range(12))
    )
    statuses = Counter(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, statuses
    assert statuses[201] >= 1
    assert len({r.json()["id"] for r in responses if r.status_code == 201}) == 1
    for refused in (r for r in responses if r.status_code == 409):
        assert refused.headers["Retry-After"] == "1"
    assert count(neo4j_driver, settings, "Post") == 1
    # Once the first has finished, every retry gets its result.
    late = await client.post("/posts", json={"caption": "once"}, headers=headers)
    assert late.status_code == 201
    assert late.headers["Idempotent-Replayed"] == "true"


async def test_a_retried_comment_is_written_once(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    post = factory.post(ada, "hi")
    headers = {**bob["headers"], "Idempotency-Key": "c-1"}
    first = await client.post(f"/posts/{post['id']}/comments", json={"text": "yo"}, headers=headers)
    again = await client.post(f"/posts/{post['id']}/comments", json={"text": "yo"}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert count(neo4j_driver, settings, "Comment") == 1


async def test_a_retried_upload_is_stored_once_even_with_a_new_multipart_boundary(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "upload-1"}
    files = {"file": ("a.png", picture("PNG"), "image/png")}
    first = await client.post("/media", files=files, headers=headers)
    again = await client.post("/media", files=files, headers=headers)
    assert first.status_code == again.status_code == 201, again.text
    assert first.request.headers["content-type"] != again.request.headers["content-type"]
    assert again.json()["id"] == first.json()["id"]
    assert count(neo4j_driver, settings, "Media") == 1
    different = await client.post(
        "/media", files={"file": ("b.png", picture("PNG", 32, 32), "image/png")}, headers=headers
    )
    assert different.status_code == 422


async def test_errors_a_retry_may_cure_are_not_kept(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    ada = factory.user("ada")
    unauthenticated = await client.post(
        "/posts", json={"caption": "x"}, headers={"Idempotency-Key": "k1"}
    )
    assert unauthenticated.status_code == 401
    created = await client.post(
        "/posts", json={"caption": "x"}, headers={**ada["headers"], "Idempotency-Key": "k1"}
    )
    assert created.status_code == 201
    assert "Idempotent-Replayed" not in created.headers


async def test_a_malformed_key_is_refused(client: httpx.AsyncClient, factory: Factory) -> None:
    ada = factory.user("ada")
    response = await client.post(
        "/posts", json={"caption": "x"}, headers={**ada["headers"], "Idempotency-Key": "k" * 256}
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "validation_error"


def _expire_claims(redis_client: Redis, user_id: str) -> None:
    """What a process that died mid-request leaves, once its claim on the key expired: nothing."""
    for namespace in ("idempotency", "idempotency:mastodon-status"):
        for key in redis_client.scan_iter(f"{namespace}:{user_id}:*"):
            redis_client.delete(key)


async def test_a_post_retried_after_its_first_run_died_is_not_posted_again(
    client: httpx.AsyncClient,
    factory: Factory,
    neo4j_driver: Driver,
    settings: Settings,
    redis_client: Redis,
) -> None:
    ada = factory.user("ada")
    headers = {**ada["headers"], "Idempotency-Key": "post-crash"}
    first = await client.post("/posts", json={"caption": "once"}, headers=headers)
    assert first.status_code == 201
    # The first run committed the post, then its process died before keeping the answer: the
    # claim expires, and the client's retry runs the route again.
    _expire_claims(redis_client, ada["id"])
    again = await client.post("/posts", json={"caption": "once"}, headers=headers)
    assert again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert count(neo4j_driver, settings, "Post") == 1
    # The Mastodon surface's statuses, the same way.
    status_headers = {**ada["headers"], "Idempotency-Key": "status-crash"}
    status = await client.post("/api/v1/statuses", json={"status": "o"}, headers=status_headers)
    assert status.status_code == 200, status.text
    _expire_claims(redis_client, ada["id"])
    status_again = await client.post(
        "/api/v1/statuses", json={"status": "o"}, headers=status_headers
    )
    assert status_again.json()["id"] == status.json()["id"]
    assert count(neo4j_driver, settings, "Post") == 2


async def test_two_runs_of_one_keyed_post_at_once_make_one_post(
    settings: Settings, factory: Factory, neo4j_driver: Driver
) -> None:
    """Past the Redis claim (both runs after it expired), the graph's unique key decides."""
    ada = factory.user("ada")
    async with open_backends(settings) as backends:
        ids = await asyncio.gather(
            *(
                post_service.create_post(
                    backends, ada["id"], caption="raced", media_ids=[], idempotency_key="same"
                )
                for _ in range(4)
            )
        )
    assert len(set(ids)) == 1
    assert count(neo4j_driver, settings, "Post") == 1
