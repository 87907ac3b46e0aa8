"""Register, log in, sessions, and the caller's own account."""

from __future__ import annotations

import httpx
from minio import Minio
from neo4j import Driver
from redis import Redis

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture
from tests.helpers import PASSWORD, auth


async def test_register_returns_account_and_stores_argon2_hash(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings
) -> None:
    response = await client.post(
        "/auth/register", json={"username": "Alice_1", "password": PASSWORD, "display_name": "Al"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["username"] == "alice_1"
    assert body["display_name"] == "Al"
    assert body["private"] is False
    assert "password" not in str(body)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (u:User {username: 'alice_1'}) RETURN u.password_hash AS h",
        database_=settings.neo4j_database,
    )
    assert records[0]["h"].startswith("$argon2id$")


async def test_duplicate_username_is_409_case_insensitively(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("bob")
    again = await client.post("/auth/register", json={"username": "BOB", "password": PASSWORD})
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "conflict"


async def test_bad_username_and_password_are_422_naming_fields(client: httpx.AsyncClient) -> None:
    for username in ("ab", "a" * 31, "no spaces", "émile", "dash-ed"):
        response = await client.post(
            "/auth/register", json={"username": username, "password": PASSWORD}
        )
        assert response.status_code == 422, username
        assert [f["field"] for f in response.json()["error"]["fields"]] == ["username"]
    short = await client.post("/auth/register", json={"username": "carol", "password": "short"})
    assert short.status_code == 422
    assert short.json()["error"]["fields"][0]["field"] == "password"


async def test_unknown_body_field_is_422(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/auth/register", json={"username": "dave", "password": PASSWORD, "admin": True}
    )
    assert response.status_code == 422
    assert response.json()["error"]["fields"][0]["field"] == "admin"


async def test_login_with_wrong_password_is_401(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("erin")
    wrong = await client.post("/auth/login", json={"username": "erin", "password": "nope-nope"})
    unknown = await client.post("/auth/login", json={"username": "nobody", "password": "x" * 9})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == unknown.json()["error"]["message"]


async def test_endpoints_need_a_bearer_token(client: httpx.AsyncClient) -> None:
    for method, path in [("GET", "/me"), ("GET", "/feed"), ("POST", "/posts"), ("GET", "/users/x")]:
        response = await client.request(method, path)
        assert response.status_code == 401, path
        assert response.json()["error"]["code"] == "unauthorized"
    bogus = await client.get("/me", headers=auth("not-a-token"))
    assert bogus.status_code == 401


async def test_logout_revokes_the_token(client: httpx.AsyncClient, factory: Factory) -> None:
    user = factory.user("frank")
    assert (await client.get("/me", headers=user["headers"])).status_code == 200
    assert (await client.post("/auth/logout", headers=user["headers"])).status_code == 204
    assert (await client.get("/me", headers=user["headers"])).status_code == 401


async def test_session_survives_losing_the_redis_cache(
    client: httpx.AsyncClient, redis_client: Redis, factory: Factory
) -> None:
    user = factory.user("gina")
    assert (await client.get("/me", headers=user["headers"])).status_code == 200
    assert redis_client.keys("session:*")
    redis_client.flushdb()  # Redis is a cache: Neo4j keeps the session
    again = await client.get("/me", headers=user["headers"])
    assert again.status_code == 200
    assert again.json()["username"] == "gina"
    assert redis_client.keys("session:*")


async def test_patch_me_updates_profile_and_checks_limits(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    user = factory.user("hank")
    response = await client.patch(
        "/me",
        json={"display_name": "Hank H", "bio": "hi", "private": True},
        headers=user["headers"],
    )
    assert response.status_code == 200
    assert response.json() | {"id": "", "created_at": ""} == {
        "id": "",
        "created_at": "",
        "username": "hank",
        "display_name": "Hank H",
        "bio": "hi",
        "private": True,
        "role": "user",
        # No pictures yet: the generated defaults.
        "avatar": {
            "url": "/avatars/default/hank.png",
            "urls": dict.fromkeys(("48", "150", "300"), "/avatars/default/hank.png"),
            "blurhash": None,
            "default": True,
        },
        "header": {
            "url": "/headers/default/hank.png",
            "urls": dict.fromkeys(("600", "1500"), "/headers/default/hank.png"),
            "blurhash": None,
            "default": True,
        },
    }
    too_long = await client.patch("/me", json={"bio": "x" * 301}, headers=user["headers"])
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"][0]["field"] == "bio"
    assert "300" in too_long.json()["error"]["fields"][0]["message"]
    me = await client.get("/me", headers=user["headers"])
    assert me.json()["bio"] == "hi"


async def test_login_attempts_are_rate_limited_per_username(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("ivan")
    factory.user("judy")
    wrong = {"username": "ivan", "password": "not-the-password"}
    for _ in range(10):
        assert (await client.post("/auth/login", json=wrong)).status_code == 401
    limited = await client.post("/auth/login", json={"username": "IVAN", "password": PASSWORD})
    assert limited.status_code == 429
    assert limited.json()["error"]["code"] == "rate_limited"
    assert 0 < int(limited.headers["retry-after"]) <= 300
    other = await client.post("/auth/login", json={"username": "judy", "password": PASSWORD})
    assert other.status_code == 200


async def test_deleting_an_account_removes_everything_it_wrote(
    client: httpx.AsyncClient, neo4j_driver: Driver, settings: Settings, s3: Minio, factory: Factory
) -> None:
    gone, stays = factory.user("gone"), factory.user("stays")
    factory.follow(stays, gone)
    factory.follow(gone, stays)
    media = await client.post(
        "/media", files={"file": ("p.png", picture("PNG"), "image/png")}, headers=gone["headers"]
    )
    own = await client.post(
        "/posts",
        json={"caption": "mine", "media_ids": [media.json()["id"]]},
        headers=gone["headers"],
    )
    assert own.status_code == 201, own.text
    theirs = factory.post(stays, "a post that stays")
    factory.like(gone, theirs)
    comment = factory.comment(gone, theirs, "bye")
    factory.comment(stays, theirs, "reply", reply_to=comment["id"])
    factory.comment(stays, own.json(), "x")
    assert list(s3.list_objects(settings.media_bucket, recursive=True))

    assert (await client.delete("/me", headers=gone["headers"])).status_code == 204
    assert (await client.get("/me", headers=gone["headers"])).status_code == 401
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (n) RETURN labels(n)[0] AS label, count(n) AS n ORDER BY label",
        database_=settings.neo4j_database,
    )
    assert {r["label"]: r["n"] for r in records} == {"Post": 1, "Session": 1, "User": 1}
    assert list(s3.list_objects(settings.media_bucket, recursive=True)) == []
    view = (await client.get(f"/posts/{theirs['id']}", headers=stays["headers"])).json()
    assert view["like_count"] == 0
    assert view["comment_count"] == 0
    profile = (await client.get("/users/stays", headers=stays["headers"])).json()
    assert profile["follower_count"] == 0
    assert profile["following_count"] == 0
