"""Sessions end where they should: password change (other sessions), logout-all (every one),
an expiry in Neo4j (never outlived by the Redis cache)."""

from __future__ import annotations

import asyncio

import httpx
from redis import Redis

from api.auth.deps import cache_key
from api.auth.security import session_id
from graphgram.settings import Settings
from tests.fixtures.factories import Factory, new_token
from tests.helpers import PASSWORD, auth


async def me_status(client: httpx.AsyncClient, token: str) -> int:
    return (await client.get("/me", headers=auth(token))).status_code


async def test_password_change_ends_the_other_sessions_and_keeps_this_one(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    other = factory.session(ada["id"])
    assert await me_status(client, other) == 200  # cached in Redis now
    wrong = await client.post(
        "/me/password",
        json={"current_password": "not-it", "new_password": "a-new-password"},
        headers=ada["headers"],
    )
    assert wrong.status_code == 401
    changed = await client.post(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-password"},
        headers=ada["headers"],
    )
    assert changed.status_code == 204, changed.text
    assert await me_status(client, other) == 401
    assert await me_status(client, ada["token"]) == 200
    old = await client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    assert old.status_code == 401
    new = await client.post("/auth/login", json={"username": "ada", "password": "a-new-password"})
    assert new.status_code == 200


async def test_a_new_password_must_be_long_enough(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    ada = factory.user("ada")
    short = await client.post(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": "short"},
        headers=ada["headers"],
    )
    assert short.status_code == 422
    assert short.json()["error"]["fields"][0]["field"] == "new_password"


async def test_logout_all_ends_every_session_cached_or_not(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    ada = factory.user("ada")
    tokens = [ada["token"], factory.session(ada["id"]), factory.session(ada["id"])]
    for token in tokens[:2]:
        assert await me_status(client, token) == 200
    assert redis_client.exists(cache_key(session_id(tokens[0])))
    bob = factory.user("bob")
    response = await client.post("/auth/logout-all", headers=ada["headers"])
    assert response.status_code == 204
    assert [await me_status(client, t) for t in tokens] == [401, 401, 401]
    assert await me_status(client, bob["token"]) == 200


async def test_an_ended_session_cannot_be_put_back_into_the_cache(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis
) -> None:
    ada = factory.user("ada")
    assert await me_status(client, ada["token"]) == 200
    cached = redis_client.get(cache_key(session_id(ada["token"])))
    assert cached is not None
    assert (await client.post("/auth/logout", headers=ada["headers"])).status_code == 204
    # A request that read the session from Neo4j just before the logout now tries to cache it:
    # the cache is only filled with SET NX, and the logout left a tombstone.
    assert not redis_client.set(cache_key(session_id(ada["token"])), cached, nx=True, ex=60)
    assert await me_status(client, ada["token"]) == 401


async def test_the_cache_never_outlives_the_session_in_neo4j(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis, settings: Settings
) -> None:
    ada = factory.user("ada")
    token, sid = new_token()
    factory._write("accounts/create_session", {"user_id": ada["id"], "session_id": sid, "ttl_s": 3})
    assert await me_status(client, token) == 200
    assert 0 < redis_client.ttl(cache_key(sid)) <= 3
    # A long-lived session is cached for session_cache_ttl_s at most.
    assert await me_status(client, ada["token"]) == 200
    assert 0 < redis_client.ttl(cache_key(session_id(ada["token"]))) <= settings.session_cache_ttl_s
    await asyncio.sleep(3.5)
    assert await me_status(client, token) == 401


async def test_private_must_be_a_real_boolean(client: httpx.AsyncClient, factory: Factory) -> None:
    ada = factory.user("ada")
    for value in ("yes", 1, "true", 0):
        refused = await client.patch("/me", json={"private": value}, headers=ada["headers"])
        assert refused.status_code == 422, (value, refused.text)
        assert refused.json()["error"]["fields"][0]["field"] == "private"
    ok = await client.patch("/me", json={"private": True}, headers=ada["headers"])
    assert ok.status_code == 200
    assert ok.json()["private"] is True
