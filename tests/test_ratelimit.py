"""Rate limits through the real path: counted atomically in Redis, per account and per client
address (trusted proxies only), 429 with Retry-After and X-RateLimit-* headers; request bodies
capped while they stream."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request

from api.ratelimit import client_address
from graphgram.settings import Settings
from tests.fixtures.clients import ATTACKER, ClientMaker, Peer, client_maker
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture
from tests.helpers import PASSWORD


@pytest.fixture
def make_client(settings: Settings) -> ClientMaker:
    return client_maker(settings)


def assert_limited(response: httpx.Response, limit: int) -> None:
    assert response.status_code == 429, response.text
    assert response.json()["error"]["code"] == "rate_limited"
    assert int(response.headers["Retry-After"]) >= 1
    assert response.headers["X-RateLimit-Limit"] == str(limit)
    assert response.headers["X-RateLimit-Remaining"] == "0"
    assert int(response.headers["X-RateLimit-Reset"]) >= 1


async def wrong_logins(client: httpx.AsyncClient, username: str, n: int, **kw: Any) -> Counter[int]:
    async def one(i: int) -> int:
        headers = {"X-Forwarded-For": f"203.0.113.{i % 250}"} if kw.get("rotate") else {}
        response = await client.post(
            "/auth/login",
            json={"username": username, "password": "wrong-password"},
            headers=headers,
        )
        return response.status_code

    return Counter(await asyncio.gather(*(one(i) for i in range(n))))


@pytest.mark.slow
async def test_fifty_concurrent_wrong_logins_let_at_most_the_limit_through(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    factory.user("ada")
    statuses = await wrong_logins(client, "ada", 50)
    assert statuses == {401: settings.login_attempts, 429: 50 - settings.login_attempts}
    # Locked means locked: the right password from the same address waits for the window too.
    right = await client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    assert_limited(right, settings.login_attempts)


@pytest.mark.slow
async def test_successful_logins_do_not_use_up_the_limit(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    factory.user("ada")
    for _ in range(settings.login_attempts + 3):
        ok = await client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
        assert ok.status_code == 200, ok.text
        assert ok.headers["X-RateLimit-Limit"] == str(settings.login_attempts)


@pytest.mark.slow
async def test_rotating_forwarded_for_from_an_untrusted_peer_does_not_bypass(
    make_client: ClientMaker, factory: Factory, settings: Settings
) -> None:
    factory.user("ada")
    async with make_client(peer=ATTACKER) as attacker:
        statuses = await wrong_logins(attacker, "ada", 30, rotate=True)
    assert statuses == {401: settings.login_attempts, 429: 30 - settings.login_attempts}


@pytest.mark.slow
async def test_trusted_proxy_forwards_the_right_most_untrusted_address(
    make_client: ClientMaker, factory: Factory, settings: Settings
) -> None:
    factory.user("ada")
    proxy: Peer = ("10.0.0.2", 5555)
    async with make_client(peer=proxy, trusted_proxies=["10.0.0.0/8"]) as via_proxy:
        # The client writes whatever it likes on the left; the proxy appends the real peer.
        async def attempt(spoofed: str, real: str) -> int:
            response = await via_proxy.post(
                "/auth/login",
                json={"username": "ada", "password": "wrong-password"},
                headers={"X-Forwarded-For": f"{spoofed}, {real}"},
            )
            return response.status_code

        first = [await attempt(f"192.0.2.{i}", "203.0.113.50") for i in range(12)]
        assert first == [401] * settings.login_attempts + [429] * (12 - settings.login_attempts)
        # Another client behind the same proxy has its own window.
        assert await attempt("192.0.2.1", "203.0.113.51") == 401


def _request(peer: str, forwarded: str | None) -> Request:
    headers = [(b"x-forwarded-for", forwarded.encode())] if forwarded else []
    return Request({"type": "http", "client": (peer, 1), "headers": headers, "method": "GET"})


def test_client_address_rules() -> None:
    trusting = Settings(environment="test", trusted_proxies=["10.0.0.0/8", "127.0.0.1"])
    plain = Settings(environment="test")
    # No trusted proxies: the header is never read.
    assert client_address(_request("198.51.100.7", "1.2.3.4"), plain) == "198.51.100.7"
    # An untrusted peer's header is ignored even when proxies are configured.
    assert client_address(_request("198.51.100.7", "1.2.3.4"), trusting) == "198.51.100.7"
    # Through two trusted hops: the right-most address that is not a proxy.
    chain = "6.6.6.6, 203.0.113.9, 10.1.1.1"
    assert client_address(_request("127.0.0.1", chain), trusting) == "203.0.113.9"
    # IPv6 clients share a /64, as Mastodon counts them.
    v6 = client_address(_request("2001:db8::1", None), plain)
    assert v6 == "2001:db8::/64" == client_address(_request("2001:db8::ffff", None), plain)


def test_settings_refuse_to_trust_every_address() -> None:
    for everything in ("*", "0.0.0.0/0", "::/0"):
        with pytest.raises(ValueError, match="trusted_proxies|does not appear"):
            Settings(environment="test", trusted_proxies=[everything])


@pytest.mark.slow
async def test_forty_concurrent_registrations_from_one_address_stop_at_the_limit(
    client: httpx.AsyncClient, settings: Settings
) -> None:
    async def register(i: int) -> int:
        response = await client.post(
            "/auth/register", json={"username": f"bot{i}", "password": PASSWORD}
        )
        return response.status_code

    statuses = Counter(await asyncio.gather(*(register(i) for i in range(40))))
    assert statuses == {201: settings.registrations, 429: 40 - settings.registrations}


async def test_writes_are_limited_per_account_and_reads_are_not(
    make_client: ClientMaker, factory: Factory
) -> None:
    ada = factory.user("ada")
    async with make_client(write_limit=5) as client:
        remaining = []
        for i in range(5):
            created = await client.post("/posts", json={"caption": f"{i}"}, headers=ada["headers"])
            assert created.status_code == 201, created.text
            assert created.headers["X-RateLimit-Limit"] == "5"
            remaining.append(int(created.headers["X-RateLimit-Remaining"]))
        assert remaining == [4, 3, 2, 1, 0]
        post_id = created.json()["id"]
        # Every kind of write shares the budget: a like, a delete.
        assert_limited(await client.post(f"/posts/{post_id}/like", headers=ada["headers"]), 5)
        assert_limited(await client.delete(f"/posts/{post_id}", headers=ada["headers"]), 5)
        for _ in range(20):
            feed = await client.get("/feed", headers=ada["headers"])
            assert feed.status_code == 200
            assert "X-RateLimit-Limit" not in feed.headers
        # Another account is not affected.
        bob = factory.user("bob")
        ok = await client.post("/users/ada/follow", headers=bob["headers"])
        assert ok.status_code == 200, ok.text


async def test_writes_are_limited_per_client_address_across_accounts(
    make_client: ClientMaker, factory: Factory
) -> None:
    users = [factory.user(f"user{i}") for i in range(4)]
    async with make_client(peer=ATTACKER, write_limit_per_address=3) as client:
        statuses = [
            (await client.post("/posts", json={"caption": "x"}, headers=u["headers"])).status_code
            for u in users
        ]
        assert statuses == [201, 201, 201, 429]


async def test_uploads_have_their_own_smaller_budget(
    make_client: ClientMaker, factory: Factory
) -> None:
    ada = factory.user("ada")
    files = {"file": ("a.png", picture("PNG"), "image/png")}
    async with make_client(upload_limit=2) as client:
        for _ in range(2):
            ok = await client.post("/media", files=files, headers=ada["headers"])
            assert ok.status_code == 201, ok.text
        assert_limited(await client.post("/media", files=files, headers=ada["headers"]), 2)
        # Polling an upload is a read: not limited.
        polled = await client.get(f"/media/{ok.json()['id']}", headers=ada["headers"])
        assert polled.status_code == 200


async def test_direct_uploads_share_the_upload_budget(
    make_client: ClientMaker, factory: Factory
) -> None:
    ada = factory.user("ada")
    files = {"file": ("a.png", picture("PNG"), "image/png")}
    start = {"filename": "big.mp4", "content_type": "video/mp4", "size": 6 * 1024 * 1024}
    async with make_client(upload_limit=2) as client:
        assert (await client.post("/media", files=files, headers=ada["headers"])).status_code == 201
        started = await client.post("/uploads", json=start, headers=ada["headers"])
        assert started.status_code == 201, started.text
        assert_limited(await client.post("/uploads", json=start, headers=ada["headers"]), 2)
        # The started upload's own calls are not uploads: asking its state and aborting it work.
        upload_id = started.json()["id"]
        assert (await client.get(f"/uploads/{upload_id}", headers=ada["headers"])).is_success
        aborted = await client.delete(f"/uploads/{upload_id}", headers=ada["headers"])
        assert aborted.status_code == 204


async def test_search_is_limited_per_account_and_per_address(
    make_client: ClientMaker, factory: Factory
) -> None:
    ada, bob = factory.user("ada"), factory.user("bob")
    async with make_client(search_limit=3, search_limit_per_address=5) as client:
        for _ in range(3):
            found = await client.get("/search", params={"q": "a"}, headers=ada["headers"])
            assert found.status_code == 200, found.text
        assert_limited(await client.get("/search", params={"q": "a"}, headers=ada["headers"]), 3)
        for _ in range(1):
            found = await client.get("/search", params={"q": "b"}, headers=bob["headers"])
            assert found.status_code == 200
        # Five searches from this address so far (a refused one counts): the address is done.
        refused = await client.get("/search", params={"q": "b"}, headers=bob["headers"])
        assert_limited(refused, 5)


async def test_limits_can_be_switched_off(make_client: ClientMaker, factory: Factory) -> None:
    ada = factory.user("ada")
    async with make_client(rate_limits=False, write_limit=1) as client:
        for _ in range(3):
            created = await client.post("/posts", json={"caption": "x"}, headers=ada["headers"])
            assert created.status_code == 201
            assert "X-RateLimit-Limit" not in created.headers


# Bodies


def _multipart_stream(total: int, pulled: list[int]) -> AsyncIterator[bytes]:
    async def gen() -> AsyncIterator[bytes]:
        yield (
            b'--b0undary\r\nContent-Disposition: form-data; name="file"; filename="big.mp4"\r\n'
            b"Content-Type: video/mp4\r\n\r\n"
        )
        chunk = b"\0" * (1024 * 1024)
        while pulled[0] < total:
            pulled[0] += len(chunk)
            yield chunk

    return gen()


async def test_chunked_upload_without_length_is_refused_once_it_passes_the_cap(
    make_client: ClientMaker, factory: Factory
) -> None:
    ada = factory.user("ada")
    mib = 1024 * 1024
    async with make_client(max_image_bytes=mib, max_video_bytes=2 * mib) as client:
        pulled = [0]
        response = await client.post(
            "/media",
            content=_multipart_stream(300 * mib, pulled),
            headers={**ada["headers"], "Content-Type": "multipart/form-data; boundary=b0undary"},
        )
    assert response.status_code == 413, response.text
    assert response.json()["error"]["code"] == "payload_too_large"
    # The server stopped reading right after the cap (2 MiB + the form's overhead), not at 300.
    assert pulled[0] <= 4 * mib, pulled[0]


async def test_declared_length_over_the_cap_is_refused_before_reading(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    ada = factory.user("ada")
    big = b"x" * (settings.max_body_bytes + 1)
    response = await client.post(
        "/posts", content=big, headers={**ada["headers"], "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"


async def test_json_body_streamed_past_the_cap_is_refused(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    ada = factory.user("ada")

    async def body() -> AsyncIterator[bytes]:
        yield b'{"caption": "'
        for _ in range(3):
            yield b"x" * settings.max_body_bytes
        yield b'"}'

    response = await client.post(
        "/posts", content=body(), headers={**ada["headers"], "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
