"""OAuth hardening, through the real path (httpx on the app, Mastodon.py on a served API):
PKCE (S256) and public clients, redirect URI rules at registration and at use, granular scopes
granted as a subset of the app's, failed sign-ins limited per address, and the OAuth and media
routes documenting what they answer (schemathesis over them). docs/oauth.md is the guide."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
import secrets
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from fastapi import FastAPI
from mastodon import Mastodon, MastodonAPIError
from neo4j import Driver
from neo4j.exceptions import Neo4jError

from api.mastodon.oauth import OOB, s256
from backends import Backends
from cypher import query
from graph import oauth
from graphgram.settings import Settings
from tests.fixtures.api_server import uvicorn_process
from tests.fixtures.clients import ATTACKER, ClientMaker, client_maker
from tests.fixtures.factories import Factory
from tests.helpers import PASSWORD, auth

CALLBACK = "http://127.0.0.1:9/callback"


@pytest.fixture
def make_client(settings: Settings) -> ClientMaker:
    return client_maker(settings)


def pkce() -> tuple[str, str]:
    """A code_verifier and its S256 code_challenge, computed here, not by the server's code."""
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


async def register_app(
    client: httpx.AsyncClient,
    scopes: str = "read write follow",
    redirect_uris: str = OOB,
    **extra: str,
) -> dict[str, Any]:
    response = await client.post(
        "/api/v1/apps",
        data={"client_name": "probe", "scopes": scopes, "redirect_uris": redirect_uris, **extra},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def hidden_fields(page: str) -> dict[str, str]:
    assert 'action="/oauth/authorize"' in page, page
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', page))


def page_error(page: str) -> str:
    found = re.search(r'data-error="([^"]+)"', page)
    assert found, page
    return found.group(1)


async def consent_form(
    client: httpx.AsyncClient, app: dict[str, Any], **query: str
) -> dict[str, str]:
    params = {"client_id": app["client_id"], "response_type": "code", "redirect_uri": OOB}
    page = await client.get("/oauth/authorize", params=params | query)
    assert page.status_code == 200, page.text
    return hidden_fields(page.text)


async def approve(
    client: httpx.AsyncClient, form: dict[str, str], username: str = "grace"
) -> httpx.Response:
    return await client.post(
        "/oauth/authorize",
        data={**form, "username": username, "password": PASSWORD, "decision": "approve"},
    )


async def code_for(client: httpx.AsyncClient, app: dict[str, Any], **query: str) -> str:
    """A code through the sign-in page, out of band."""
    signed_in = await approve(client, await consent_form(client, app, **query))
    assert signed_in.status_code == 200, signed_in.text
    found = re.search(r'<code id="authorization-code">([^<]+)</code>', signed_in.text)
    assert found, signed_in.text
    return found.group(1)


async def exchange(
    client: httpx.AsyncClient, app: dict[str, Any], code: str, **extra: str
) -> httpx.Response:
    data = {"grant_type": "authorization_code", "client_id": app["client_id"], "code": code}
    if "client_secret" in app:
        data["client_secret"] = app["client_secret"]
    return await client.post("/oauth/token", data=data | extra)


def assert_oauth_error(response: httpx.Response, error: str, status: int = 400) -> None:
    assert response.status_code == status, response.text
    assert response.json()["error"] == error, response.text


# -- PKCE and public clients -------------------------------------------------------------------


def test_s256_is_rfc_7636s_worked_example() -> None:
    assert (
        s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
    )


async def test_a_code_asked_with_a_challenge_needs_its_verifier(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client)
    verifier, challenge = pkce()
    pkce_query = {"code_challenge": challenge, "code_challenge_method": "S256"}

    form = await consent_form(client, app, **pkce_query)
    assert form["code_challenge"] == challenge  # the consent form carries it through
    assert form["code_challenge_method"] == "S256"

    missing = await exchange(client, app, await code_for(client, app, **pkce_query))
    assert_oauth_error(missing, "invalid_grant")
    wrong = await exchange(
        client, app, await code_for(client, app, **pkce_query), code_verifier=pkce()[0]
    )
    assert_oauth_error(wrong, "invalid_grant")
    malformed = await exchange(
        client, app, await code_for(client, app, **pkce_query), code_verifier="short"
    )
    assert_oauth_error(malformed, "invalid_grant")

    code = await code_for(client, app, **pkce_query)
    right = await exchange(client, app, code, code_verifier=verifier)
    assert right.status_code == 200, right.text
    me = await client.get(
        "/api/v1/accounts/verify_credentials", headers=auth(right.json()["access_token"])
    )
    assert me.json()["username"] == "grace"
    # Used once: the same code and verifier again is refused.
    assert_oauth_error(await exchange(client, app, code, code_verifier=verifier), "invalid_grant")


async def test_a_refused_verifier_uses_the_code_up(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client)
    verifier, challenge = pkce()
    code = await code_for(client, app, code_challenge=challenge, code_challenge_method="S256")
    assert_oauth_error(await exchange(client, app, code, code_verifier=pkce()[0]), "invalid_grant")
    assert_oauth_error(await exchange(client, app, code, code_verifier=verifier), "invalid_grant")


@pytest.mark.parametrize(
    "query",
    [
        {"code_challenge_method": "plain"},
        {"code_challenge_method": "PLAIN"},
        {},  # no method means plain (RFC 7636 4.3)
        {"code_challenge_method": "S512"},
    ],
    ids=["plain", "PLAIN", "no-method", "unknown-method"],
)
async def test_only_s256_is_accepted(client: httpx.AsyncClient, query: dict[str, str]) -> None:
    verifier, _ = pkce()
    app = await register_app(client, redirect_uris=f"{OOB} {CALLBACK}")
    base = {"client_id": app["client_id"], "response_type": "code", "code_challenge": verifier}
    shown = await client.get("/oauth/authorize", params=base | query | {"redirect_uri": OOB})
    assert shown.status_code == 400
    assert page_error(shown.text) == "invalid_request"
    assert "<form" not in shown.text
    # With a redirect URI the app gets the error there (RFC 6749 4.1.2.1), with its state.
    sent = await client.get(
        "/oauth/authorize", params=base | query | {"redirect_uri": CALLBACK, "state": "s-1"}
    )
    assert sent.status_code == 302
    location = urlsplit(sent.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == CALLBACK
    assert parse_qs(location.query)["error"] == ["invalid_request"]
    assert parse_qs(location.query)["state"] == ["s-1"]


async def test_a_challenge_that_is_no_s256_value_is_refused(client: httpx.AsyncClient) -> None:
    app = await register_app(client)
    for challenge in ("too-short", "A" * 42 + "=", "A" * 44, "+" * 43):
        page = await client.get(
            "/oauth/authorize",
            params={
                "client_id": app["client_id"],
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            },
        )
        assert page.status_code == 400, challenge
        assert page_error(page.text) == "invalid_request"


async def test_pkce_is_optional_for_a_confidential_app_but_never_downgraded(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client)
    assert (await exchange(client, app, await code_for(client, app))).status_code == 200
    # A verifier for a code asked without a challenge: someone stripped the challenge.
    downgraded = await exchange(client, app, await code_for(client, app), code_verifier=pkce()[0])
    assert_oauth_error(downgraded, "invalid_grant")


async def test_a_public_client_has_no_secret_and_must_use_pkce(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client, token_endpoint_auth_method="none")
    assert "client_secret" not in app
    assert app["client_id"]
    assert app["token_endpoint_auth_method"] == "none"

    without = await client.get(
        "/oauth/authorize", params={"client_id": app["client_id"], "redirect_uri": OOB}
    )
    assert without.status_code == 400
    assert page_error(without.text) == "invalid_request"
    assert "PKCE" in without.text

    verifier, challenge = pkce()
    pkce_query = {"code_challenge": challenge, "code_challenge_method": "S256"}
    missing = await exchange(client, app, await code_for(client, app, **pkce_query))
    assert_oauth_error(missing, "invalid_grant")
    # Authenticated by client_id alone, proven by the verifier.
    token = await exchange(
        client, app, await code_for(client, app, **pkce_query), code_verifier=verifier
    )
    assert token.status_code == 200, token.text
    access = token.json()["access_token"]
    me = await client.get("/api/v1/accounts/verify_credentials", headers=auth(access))
    assert me.status_code == 200

    # The other grants need a secret it does not have.
    for grant in (
        {"grant_type": "password", "username": "grace", "password": PASSWORD},
        {"grant_type": "client_credentials"},
    ):
        refused = await client.post("/oauth/token", data={"client_id": app["client_id"], **grant})
        assert_oauth_error(refused, "unauthorized_client")
    with_secret = await exchange(
        client,
        app,
        await code_for(client, app, **pkce_query),
        code_verifier=verifier,
        client_secret="guessed",
    )
    assert_oauth_error(with_secret, "invalid_client", 401)

    # It revokes its own token by client_id.
    revoked = await client.post(
        "/oauth/revoke", data={"client_id": app["client_id"], "token": access}
    )
    assert revoked.status_code == 200
    gone = await client.get("/api/v1/accounts/verify_credentials", headers=auth(access))
    assert gone.status_code == 401


async def test_an_app_with_a_secret_still_needs_it(client: httpx.AsyncClient) -> None:
    app = await register_app(client)
    no_secret = await client.post(
        "/oauth/token", data={"grant_type": "client_credentials", "client_id": app["client_id"]}
    )
    assert_oauth_error(no_secret, "invalid_client", 401)


async def test_concurrent_redemptions_of_one_code_give_one_token(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client)
    verifier, challenge = pkce()
    code = await code_for(client, app, code_challenge=challenge, code_challenge_method="S256")
    answers = await asyncio.gather(
        *(exchange(client, app, code, code_verifier=verifier) for _ in range(8))
    )
    assert Counter(a.status_code for a in answers) == {200: 1, 400: 7}
    assert {a.json()["error"] for a in answers if a.status_code == 400} == {"invalid_grant"}


def test_a_redemption_that_waited_on_another_finds_the_code_gone(
    neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    """The interleaving the lock is for, made to happen: redemption A has locked and deleted the
    code but not committed; redemption B starts then, while the code still reads as there, and
    waits; A commits. B must make no session (before the lock, B read the code before waiting and
    made a second session)."""
    grace = factory.user("grace")
    code_id = secrets.token_hex(32)
    neo4j_driver.execute_query(
        """MATCH (u:User {id: $user}) CREATE (a:OAuthApp {client_id: 'c1', id: 'app1'})
           CREATE (u)-[:AUTHORIZED]->(:OAuthCode {id: $code, redirect_uri: $oob, scopes: ['read'],
                   expires_at: datetime() + duration({minutes: 5})})-[:FOR_APP]->(a)""",
        {"user": grace["id"], "code": code_id, "oob": OOB},
        database_=settings.neo4j_database,
    )

    def params(session_id: str) -> dict[str, Any]:
        return {
            "code_id": code_id, "client_id": "c1", "redirect_uri": OOB,
            "verifier_challenge": None, "require_challenge": False,
            "session_id": session_id, "ttl_s": 600,
        }  # fmt: skip

    statement = query("oauth/redeem_code")
    outcome: dict[str, Any] = {}
    with neo4j_driver.session(database=settings.neo4j_database) as first_session:
        first = first_session.begin_transaction()
        assert first.run(statement, params("s-first")).data()  # locked and deleted, uncommitted

        def second() -> None:
            with neo4j_driver.session(database=settings.neo4j_database) as session:
                try:
                    with session.begin_transaction() as tx:
                        outcome["rows"] = tx.run(statement, params("s-second")).data()
                        tx.commit()
                except Neo4jError as exc:
                    outcome["error"] = exc.code

        waiting = threading.Thread(target=second)
        waiting.start()
        time.sleep(1.0)  # B has read the code and is waiting for its lock
        assert waiting.is_alive()
        first.commit()
        waiting.join(timeout=30)
    assert outcome.get("rows", []) == []
    assert outcome.get("error") in {None, "Neo.ClientError.Statement.EntityNotFound"}
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (:User {id: $user})-[:HAS_SESSION]->(s:Session) RETURN s.id AS id",
        {"user": grace["id"]},
        database_=settings.neo4j_database,
    )
    assert [r["id"] for r in records if r["id"].startswith("s-")] == ["s-first"]


async def test_authorization_server_metadata(client: httpx.AsyncClient) -> None:
    response = await client.get("/.well-known/oauth-authorization-server")
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == "*"
    meta = response.json()
    base = "http://testserver"
    assert meta["issuer"] == base
    assert meta["authorization_endpoint"] == f"{base}/oauth/authorize"
    assert meta["token_endpoint"] == f"{base}/oauth/token"
    assert meta["revocation_endpoint"] == f"{base}/oauth/revoke"
    assert meta["app_registration_endpoint"] == f"{base}/api/v1/apps"
    assert meta["response_types_supported"] == ["code"]
    assert meta["code_challenge_methods_supported"] == ["S256"]
    assert set(meta["grant_types_supported"]) == {
        "authorization_code",
        "password",
        "client_credentials",
    }
    assert set(meta["token_endpoint_auth_methods_supported"]) == {
        "client_secret_basic",
        "client_secret_post",
        "none",
    }
    assert {"read", "write", "follow", "read:accounts", "write:media"} <= set(
        meta["scopes_supported"]
    )


# -- redirect URIs -----------------------------------------------------------------------------

UNSAFE_REDIRECTS = [
    "javascript:alert(document.domain)//",
    "JavaScript:alert(1)",
    "  javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "\x01javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "DATA:text/html;base64,PHNjcmlwdD4=",
    "vbscript:msgbox(1)",
    "file:///etc/passwd",
    "about:blank",
    "blob:https://app.example/0b2c6f1e",
    "http://evil.example/cb",
    "http://localhost@evil.example/cb",
    "http://evil.example\\@localhost/cb",
    "http://127.0.0.1.evil.example/cb",
    "https://app.example/cb#fragment",
    "https:///no-host",
    "urn:something:else",
    "no-scheme/cb",
]


@pytest.mark.parametrize("uri", UNSAFE_REDIRECTS)
async def test_registration_refuses_unsafe_redirect_uris(
    client: httpx.AsyncClient, uri: str
) -> None:
    # As a JSON list (a value keeps its inner whitespace) and beside an acceptable one.
    refused = await client.post(
        "/api/v1/apps",
        json={"client_name": "probe", "redirect_uris": ["https://app.example/cb", uri]},
    )
    assert refused.status_code == 422, refused.text
    body = refused.json()
    assert list(body) == ["error"]
    assert body["error"].startswith("Validation failed: redirect_uris")


@pytest.mark.parametrize(
    "uri",
    [
        "https://app.example/oauth/callback?x=1",
        "http://127.0.0.1:8080/cb",
        "http://[::1]:8080/cb",
        "http://localhost:3000/cb",
        "HTTP://LOCALHOST/cb",
        OOB,
        "com.example.app:/oauth2redirect",
        "myapp://cb",
    ],
)
async def test_registration_accepts_https_loopback_oob_and_app_schemes(
    client: httpx.AsyncClient, uri: str
) -> None:
    app = await register_app(client, redirect_uris=uri)
    assert app["redirect_uris"] == [uri]


async def test_an_unsafe_redirect_uri_stored_before_the_rules_is_never_used(
    client: httpx.AsyncClient, app: FastAPI, factory: Factory
) -> None:
    """An app registered before the rules keeps its URIs; none of them ever gets a redirect."""
    factory.user("grace")
    backends: Backends = app.state.backends
    stored = [
        "javascript:alert(document.cookie)//",
        "java\nscript:alert(1)",
        "http://evil.example/",
    ]
    old = await oauth.create_app(
        backends.graph,
        id=factory.new_id(),
        client_id="old-app",
        secret_hash=hashlib.sha256(b"old-secret").hexdigest(),
        name="old",
        website=None,
        redirect_uris=stored,
        scopes=["read"],
    )
    for uri in stored:
        query = {"client_id": old["client_id"], "redirect_uri": uri, "state": "s"}
        page = await client.get("/oauth/authorize", params=query)
        assert page.status_code == 400
        assert "location" not in page.headers
        assert "<form" not in page.text
        form = {"client_id": old["client_id"], "redirect_uri": uri, "scope": "read"}
        for decision in ("deny", "approve"):
            answer = await client.post(
                "/oauth/authorize",
                data={**form, "username": "grace", "password": PASSWORD, "decision": decision},
            )
            assert answer.status_code == 400, (uri, decision)
            assert "location" not in answer.headers
            assert "authorization-code" not in answer.text


# -- scopes: a subset of the app's -------------------------------------------------------------


async def test_a_granular_scope_is_granted_through_the_sign_in_page(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")
    app = await register_app(client, scopes="read write follow")
    form = await consent_form(client, app, scope="read:accounts")
    assert form["scope"] == "read:accounts"
    token = await exchange(client, app, await code_for(client, app, scope="read:accounts"))
    assert token.status_code == 200, token.text
    assert token.json()["scope"] == "read:accounts"
    headers = auth(token.json()["access_token"])
    assert (await client.get("/api/v1/accounts/verify_credentials", headers=headers)).is_success
    posted = await client.post("/api/v1/statuses", data={"status": "hi"}, headers=headers)
    assert posted.status_code == 403


async def test_password_and_client_credentials_grants_take_a_subset(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    factory.user("grace")

    async def grant(app: dict[str, Any], scope: str, **extra: str) -> httpx.Response:
        data = {"client_id": app["client_id"], "client_secret": app["client_secret"]}
        return await client.post("/oauth/token", data=data | {"scope": scope, **extra})

    password = {"grant_type": "password", "username": "grace", "password": PASSWORD}
    app = await register_app(client, scopes="read write follow")
    for scope in ("read:accounts", "read:accounts write:follows", "write:media read"):
        granted = await grant(app, scope, **password)
        assert granted.status_code == 200, granted.text
        assert granted.json()["scope"] == scope
    app_only = await grant(app, "read:statuses", grant_type="client_credentials")
    assert app_only.json()["scope"] == "read:statuses"

    # `follow` covers the follows and blocks, nothing else; a granular app no more than it.
    follower = await register_app(client, scopes="read follow")
    assert (await grant(follower, "write:follows write:blocks", **password)).status_code == 200
    assert_oauth_error(await grant(follower, "write:statuses", **password), "invalid_scope")
    narrow = await register_app(client, scopes="read:accounts")
    assert_oauth_error(await grant(narrow, "read", **password), "invalid_scope")
    assert_oauth_error(
        await grant(narrow, "read:statuses", grant_type="client_credentials"), "invalid_scope"
    )


def test_mastodon_py_signs_in_with_a_granular_subset(api_url: str, factory: Factory) -> None:
    factory.user("ada")
    client_id, secret = Mastodon.create_app(
        "granular", scopes=["read", "write", "follow"], api_base_url=api_url
    )
    client = Mastodon(api_base_url=api_url, client_id=client_id, client_secret=secret)
    info = client.oauth_authorization_server_info()
    assert info["code_challenge_methods_supported"] == ["S256"]
    client.log_in("ada", PASSWORD, scopes=["read:accounts", "write:statuses"], allow_http=True)
    assert client.account_verify_credentials().username == "ada"
    assert client.status_post("granted a subset").account.acct == "ada"
    with pytest.raises(MastodonAPIError) as refused:
        client.status_favourite(client.status_post("mine").id)  # write:favourites
    assert refused.value.args[1] == 403


# -- sign-in limits per address ----------------------------------------------------------------


async def test_password_spraying_from_one_address_hits_the_address_limit(
    make_client: ClientMaker, factory: Factory, settings: Settings
) -> None:
    factory.user("ada")
    limit = settings.login_attempts_per_address
    assert limit == 25  # Mastodon's: 25 per 5 minutes per address
    async with make_client(peer=ATTACKER) as attacker:

        async def spray(i: int) -> httpx.Response:
            body = {"username": f"user{i}", "password": "Winter2026!"}
            return await attacker.post("/auth/login", json=body)

        answers = await asyncio.gather(*(spray(i) for i in range(limit + 15)))
        assert Counter(a.status_code for a in answers) == {401: limit, 429: 15}
        refused = next(a for a in answers if a.status_code == 429)
        assert refused.json()["error"]["code"] == "rate_limited"
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.headers["X-RateLimit-Limit"] == str(limit)
        # The address is locked for everyone, the right password too, until the window ends.
        right = await attacker.post("/auth/login", json={"username": "ada", "password": PASSWORD})
        assert right.status_code == 429
    async with make_client(peer=("203.0.113.9", 1)) as elsewhere:
        ok = await elsewhere.post("/auth/login", json={"username": "ada", "password": PASSWORD})
        assert ok.status_code == 200


async def test_successful_sign_ins_from_one_address_are_not_limited(
    make_client: ClientMaker, factory: Factory, settings: Settings
) -> None:
    """Only failures count: an office behind one address signs in as often as it likes."""
    names = [f"colleague{i}" for i in range(settings.login_attempts_per_address + 5)]
    for name in names:
        factory.user(name)
    async with make_client(peer=ATTACKER) as office:
        for name in names:
            ok = await office.post("/auth/login", json={"username": name, "password": PASSWORD})
            assert ok.status_code == 200, ok.text


async def test_the_password_grant_and_login_share_the_address_limit(
    make_client: ClientMaker, factory: Factory
) -> None:
    factory.user("ada")
    async with make_client(peer=ATTACKER, login_attempts_per_address=6) as attacker:
        app = await register_app(attacker)
        for i in range(3):
            wrong = await attacker.post("/auth/login", json={"username": f"u{i}", "password": "x"})
            assert wrong.status_code == 401

        async def password_grant(username: str, password: str) -> httpx.Response:
            return await attacker.post(
                "/oauth/token",
                data={
                    "grant_type": "password",
                    "client_id": app["client_id"],
                    "client_secret": app["client_secret"],
                    "username": username,
                    "password": password,
                    "scope": "read",
                },
            )

        for i in range(3):
            assert_oauth_error(await password_grant(f"v{i}", "x"), "invalid_grant")
        refused = await password_grant("w0", "x")
        assert refused.status_code == 429
        assert refused.json()["error"].startswith("too many failed sign-ins from this address")
        assert int(refused.headers["Retry-After"]) >= 1
        assert (await password_grant("ada", PASSWORD)).status_code == 429
        again = await attacker.post("/auth/login", json={"username": "ada", "password": PASSWORD})
        assert again.status_code == 429


async def test_the_sign_in_page_shows_the_address_limit(
    make_client: ClientMaker, factory: Factory
) -> None:
    factory.user("grace")
    async with make_client(peer=ATTACKER, login_attempts_per_address=3) as attacker:
        app = await register_app(attacker)
        form = await consent_form(attacker, app)

        async def sign_in(username: str, password: str) -> httpx.Response:
            data = {**form, "username": username, "password": password, "decision": "approve"}
            return await attacker.post("/oauth/authorize", data=data)

        for i in range(3):
            assert (await sign_in(f"u{i}", "guess")).status_code == 401
        refused = await sign_in("grace", PASSWORD)
        assert refused.status_code == 429
        assert refused.headers["content-type"].startswith("text/html")
        assert int(refused.headers["Retry-After"]) >= 1
        assert "too many failed sign-ins from this address" in refused.text
        assert hidden_fields(refused.text) == form  # the form again, to try later
        assert "authorization-code" not in refused.text


# -- what the routes document ------------------------------------------------------------------


def test_oauth_and_media_routes_document_what_they_answer(app: FastAPI) -> None:
    paths = app.openapi()["paths"]

    def documented(path: str, method: str) -> set[str]:
        return set(paths[path][method]["responses"])

    assert {"200", "302", "400"} <= documented("/oauth/authorize", "get")
    assert {"200", "302", "400", "401", "429"} <= documented("/oauth/authorize", "post")
    assert {"200", "400", "401", "429"} <= documented("/oauth/token", "post")
    for path in ("/api/v1/media", "/api/v2/media"):
        assert {"200", "400", "413", "415", "422"} <= documented(path, "post"), path
    assert "202" in documented("/api/v2/media", "post")
    page = paths["/oauth/authorize"]["get"]["responses"]["400"]["content"]
    assert "text/html" in page


OAUTH_AND_MEDIA = "^/(oauth/|api/v[12]/media$|api/v1/apps$|\\.well-known/)"


@pytest.fixture(scope="module")
def live_api(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API in its own uvicorn process (schemathesis calls it over HTTP), limits off."""
    with uvicorn_process(
        settings, tmp_path_factory.mktemp("oauth-schemathesis") / "api.log"
    ) as base:
        yield base


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_or_undocumented_answer_on_oauth_and_media(
    live_api: str, factory: Factory, tmp_path: Path
) -> None:
    """The Mastodon surface is left out of tests/test_schemathesis.py; these routes are fuzzed
    here: no 5xx, and every status, content type and body the document describes."""
    token = factory.user("fuzz")["token"]
    command = [
        str(Path(sys.executable).parent / "st"),
        "--config-file", str(Path(__file__).with_name("schemathesis.toml")),
        "run", f"{live_api}/openapi.json",
        "--include-path-regex", OAUTH_AND_MEDIA,
        "--checks", "not_a_server_error,status_code_conformance,content_type_conformance,"
        "response_schema_conformance,response_headers_conformance",
        "--header", f"Authorization: Bearer {token}",
        "--max-time", "40",
        "--max-examples", "30",
        "--workers", "1",
        "--seed", "7",
        "--request-timeout", "30",
        "--suppress-health-check", "all",
        "--continue-on-failure",
        "--report", "junit", "--report-junit-path", str(tmp_path / "report.xml"),
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, timeout=160)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-12000:]
    summary = [line for line in output.splitlines() if "generated" in line or "Tested:" in line]
    print("schemathesis:", *summary)
    assert summary, output[-3000:]
