"""OAuth scopes on every route of both APIs, walked from the OpenAPI document.

Every operation that needs a token declares the scope it needs (api/auth/scopes.py), and that
shows in OpenAPI as its security requirement; so this test finds every route, including ones
added later, and proves that a token an app got with `read` alone can write nothing: no post, no
follow, no profile change, no account deletion.
"""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from redis import Redis

from api.auth.security import session_id
from tests.fixtures.factories import Factory
from tests.helpers import PASSWORD, auth

OOB = "urn:ietf:wg:oauth:2.0:oob"

# Operations anyone may call: signing up and in, and the OAuth and instance endpoints apps call
# before they have a token. A new route missing from every list fails the walk below.
PUBLIC = {
    ("GET", "/health"),
    ("GET", "/ready"),
    ("GET", "/api/v1/instance"),
    ("GET", "/api/v2/instance"),
    ("GET", "/.well-known/oauth-authorization-server"),
    ("POST", "/auth/register"),
    ("POST", "/auth/login"),
    ("POST", "/api/v1/apps"),
    ("GET", "/oauth/authorize"),
    ("POST", "/oauth/authorize"),
    ("POST", "/oauth/token"),
    ("POST", "/oauth/revoke"),
}
# Any live token, whatever its scopes: ending that very token (RFC 7009), and an app asking
# which app a token belongs to (Mastodon's verify_credentials for apps).
ANY_TOKEN = {("POST", "/auth/logout"), ("GET", "/api/v1/apps/verify_credentials")}
# Reads sent as POST (a saved query's parameters are its body).
READ_BY_POST = {("POST", "/analytics/queries/{name}")}
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


async def app_token(client: httpx.AsyncClient, username: str, scope: str) -> str:
    """A token for a third-party app, through the sign-in page as a person would grant it."""
    app = await client.post(
        "/api/v1/apps",
        json={"client_name": "probe", "redirect_uris": OOB, "scopes": "read write follow"},
    )
    assert app.status_code == 200, app.text
    client_id, secret = app.json()["client_id"], app.json()["client_secret"]
    page = await client.post(
        "/oauth/authorize",
        data={
            "client_id": client_id,
            "redirect_uri": OOB,
            "scope": scope,
            "username": username,
            "password": PASSWORD,
            "decision": "approve",
        },
    )
    found = re.search(r'<code id="authorization-code">([^<]+)</code>', page.text)
    assert found, page.text
    granted = await client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "code": found.group(1),
            "client_id": client_id,
            "client_secret": secret,
            "redirect_uri": OOB,
        },
    )
    assert granted.status_code == 200, granted.text
    assert granted.json()["scope"] == scope
    token: str = granted.json()["access_token"]
    return token


async def login(client: httpx.AsyncClient, username: str) -> str:
    response = await client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    return token


def operations(spec: dict[str, Any]) -> list[tuple[str, str, list[str] | None]]:
    """(method, path, scopes) of every operation; scopes is None when it needs no token."""
    found = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method.upper() not in {"GET", *WRITE_METHODS}:
                continue
            security = op.get("security")
            scopes = (
                None if not security else [s for req in security for v in req.values() for s in v]
            )
            found.append((method.upper(), path, scopes))
    return found


def concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "nosuchthing", path)


async def test_every_route_declares_a_scope_or_is_listed_public(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    undeclared = []
    for method, path, scopes in operations(spec):
        key = (method, path)
        if scopes is None:
            if key not in PUBLIC:
                undeclared.append(f"{method} {path}: no token needed, and not listed public")
        elif not scopes and key not in ANY_TOKEN:
            undeclared.append(f"{method} {path}: a token but no scope")
        elif (
            method in WRITE_METHODS
            and key not in READ_BY_POST | ANY_TOKEN
            and not any(s.startswith("write:") or s == "first-party" for s in scopes)
        ):
            undeclared.append(f"{method} {path}: a write with the scopes {scopes}")
    assert undeclared == []
    assert len(operations(spec)) > 60  # the walk saw both APIs


async def test_a_read_only_token_is_refused_by_every_write_route(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("ada")
    factory.user("bob")
    reader = auth(await app_token(client, "ada", "read"))
    spec = (await client.get("/openapi.json")).json()
    writes = [
        (method, path)
        for method, path, scopes in operations(spec)
        if method in WRITE_METHODS and scopes is not None
        and (method, path) not in READ_BY_POST | ANY_TOKEN
    ]  # fmt: skip
    assert len(writes) >= 30
    answered = {}
    for method, path in writes:
        response = await client.request(method, concrete(path), headers=reader, json={})
        answered[f"{method} {path}"] = response.status_code
    assert {k: v for k, v in answered.items() if v != 403} == {}


async def test_the_probe_finding_a_read_only_app_cannot_touch_the_account(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("ada")
    factory.user("bob")
    reader = auth(await app_token(client, "ada", "read"))
    assert (await client.delete("/me", headers=reader)).status_code == 403
    assert (await client.post("/posts", json={"caption": "x"}, headers=reader)).status_code == 403
    assert (await client.patch("/me", json={"bio": "pwned"}, headers=reader)).status_code == 403
    assert (await client.post("/users/bob/follow", headers=reader)).status_code == 403
    changed = await client.post(
        "/me/password",
        json={"current_password": PASSWORD, "new_password": "another-horse-2"},
        headers=reader,
    )
    assert changed.status_code == 403
    body = changed.json()
    assert body["error"]["code"] == "forbidden"
    # Nothing changed: the account, its bio, its password and its follows are as they were.
    me = await client.get("/me", headers=reader)
    assert me.status_code == 200
    assert me.json()["bio"] != "pwned"
    assert (await client.get("/users/bob/followers", headers=reader)).json() == []
    assert await login(client, "ada")
    # What `read` allows, it still does.
    assert (await client.get("/users/bob", headers=reader)).status_code == 200
    assert (await client.get("/feed", headers=reader)).status_code == 200


async def test_account_deletion_password_and_logout_everywhere_need_a_first_party_session(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("ada")
    app = auth(await app_token(client, "ada", "read write follow"))
    for method, path, body in [
        ("DELETE", "/me", None),
        ("POST", "/me/password", {"current_password": PASSWORD, "new_password": "x-horse-22"}),
        ("POST", "/auth/logout-all", None),
    ]:
        response = await client.request(method, path, headers=app, json=body)
        assert response.status_code == 403, (path, response.text)
        assert "first-party" in response.json()["error"]["message"]
    # The app's token still works (logout-all did not run) and the account is there.
    assert (await client.get("/me", headers=app)).status_code == 200
    # The person's own session may do all three.
    own = auth(await login(client, "ada"))
    assert (await client.post("/auth/logout-all", headers=own)).status_code == 204
    assert (await client.get("/me", headers=app)).status_code == 401
    own = auth(await login(client, "ada"))
    assert (await client.delete("/me", headers=own)).status_code == 204


async def test_any_token_may_end_itself(client: httpx.AsyncClient, factory: Factory) -> None:
    factory.user("ada")
    reader = auth(await app_token(client, "ada", "read"))
    assert (await client.post("/auth/logout", headers=reader)).status_code == 204
    assert (await client.get("/me", headers=reader)).status_code == 401


async def test_the_fast_feed_page_honours_scopes(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """GET /feed is served by a Lua script before FastAPI runs: it must refuse the same tokens."""
    factory.user("ada")
    writer = auth(await app_token(client, "ada", "write"))
    statuses = auth(await app_token(client, "ada", "read:statuses"))
    accounts = auth(await app_token(client, "ada", "read:accounts"))
    own = auth(await login(client, "ada"))
    created = await client.post("/posts", json={"caption": "hello"}, headers=own)
    assert created.status_code == 201
    for _ in range(2):  # the first read builds the timeline, the second is the fast page
        assert (await client.get("/feed", headers=own)).status_code == 200
        fast = await client.get("/feed", headers=statuses)
        assert fast.status_code == 200
        assert [p["id"] for p in fast.json()] == [created.json()["id"]]
        assert (await client.get("/feed", headers=writer)).status_code == 403
        assert (await client.get("/feed", headers=accounts)).status_code == 403


async def test_mastodon_and_native_share_the_scope_check(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("ada")
    reader = auth(await app_token(client, "ada", "read"))
    native = await client.post("/posts", json={"caption": "x"}, headers=reader)
    masto = await client.post("/api/v1/statuses", json={"status": "x"}, headers=reader)
    assert native.status_code == masto.status_code == 403
    assert native.json()["error"]["message"] == masto.json()["error"]
    assert native.json()["error"]["message"] == "This action is outside the authorized scopes"


@pytest.mark.parametrize("scope", ["read", "read:accounts"])
async def test_a_session_cached_before_scopes_were_cached_is_read_again(
    client: httpx.AsyncClient, factory: Factory, redis_client: Redis, scope: str
) -> None:
    """A cache entry written by an older process has no `scopes`: it must not pass as
    first-party (every scope) until it expires."""
    ada = factory.user("ada")
    token = await app_token(client, "ada", scope)
    old = json.dumps({"id": ada["id"], "username": "ada", "role": "user"})
    redis_client.set(f"session:{session_id(token)}", old, ex=60)
    assert (await client.delete("/me", headers=auth(token))).status_code == 403
    feed = await client.get("/feed", headers=auth(token))
    assert feed.status_code == (200 if scope == "read" else 403)
    assert (await client.post("/posts", json={}, headers=auth(token))).status_code == 403
    assert (await client.get("/me", headers=auth(token))).status_code == 200
