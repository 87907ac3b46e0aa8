"""Sessions end where they should: password change (other sessions), logout-all (every one),
an expiry in Neo4j (never outlived by the Redis cache)."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from fastapi import FastAPI
from neo4j import Driver
from redis import Redis

from api.auth.deps import cache_key
from api.auth.security import session_id
from backends import Backends
from cli.accounts import sweep_expired
from graphgram.settings import Settings
from tests.fixtures.factories import Factory, new_token
from tests.fixtures.profile import db_hits
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


@pytest.mark.slow
async def test_the_sweep_deletes_expired_credentials_only_and_seeks_them(
    client: httpx.AsyncClient,
    factory: Factory,
    app: FastAPI,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    """`graphgram accounts sweep`: expired sessions, app tokens and codes go, live ones stay (and
    still work); the statement seeks what expired, so 300 live sessions cost it nothing more."""
    ada = factory.user("ada")
    factory._write(
        "oauth/create_app",
        {"id": "01hzy0000000000000000000ap", "client_id": "sweep-app", "secret_hash": "s",
         "name": "sweep", "website": None, "redirect_uris": ["urn:x"], "scopes": ["read"]},
    )  # fmt: skip

    def expire(n: int) -> None:
        for _ in range(n):
            factory._write(
                "accounts/create_session",
                {"user_id": ada["id"], "session_id": new_token()[1], "ttl_s": -60},
            )
        factory._write(
            "oauth/create_app_token",
            {
                "client_id": "sweep-app",
                "token_id": new_token()[1],
                "scopes": ["read"],
                "ttl_s": -60,
            },
        )

    def count(label: str) -> int:
        records, _, _ = neo4j_driver.execute_query(
            f"MATCH (n:{label}) RETURN count(n) AS n", database_=settings.neo4j_database
        )
        return int(records[0]["n"])

    expire(5)
    backends: Backends = app.state.backends
    assert await sweep_expired(backends, batch=2) == 6
    assert (count("Session"), count("AppToken")) == (1, 0)
    assert await me_status(client, ada["token"]) == 200

    hits = {}
    for live in (0, 300):
        for _ in range(live):
            factory.session(ada["id"])
        expire(5)
        hits[live], rows = db_hits(neo4j_driver, settings, "accounts/delete_expired", {"batch": 10})
        assert rows == [{"deleted": 6}]
    assert hits[300] == hits[0], hits
