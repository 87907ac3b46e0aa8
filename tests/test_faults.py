"""Fault tests: kill -9 Neo4j, Redis or MinIO of this test stack instance during a bounded load.

While the server is down, requests that need it get 503 with Retry-After in the error shape
within seconds, and requests that do not need it keep working (sessions from Neo4j when Redis
is away, logins without Redis, reads without the object store). Once the server is started
again (by ops/stack.py's own service classes), the same API process recovers by itself: no
500 at any point, and every write it acknowledged is there.

Only servers of the instance these tests run on are killed: the pid files come from the test
settings (`.stack/<instance>/<service>/run/`).
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

import httpx
import pytest
from minio import Minio
from neo4j import Driver

from api.app import create_app
from graphgram.settings import Settings
from media.storage import object_exists
from ops.stack import MinioService, Neo4jService, RedisService, Service
from tests.fixtures.factories import Factory
from tests.fixtures.media_files import picture
from tests.helpers import PASSWORD, auth

pytestmark = [
    pytest.mark.no_clean,
    pytest.mark.faults,
]  # each test cleans up before it starts, servers may be down


@dataclass
class Call:
    name: str
    started: float
    seconds: float
    status: int
    retry_after: str | None
    body: dict[str, object]


@dataclass
class Load:
    calls: list[Call] = field(default_factory=list)
    acknowledged: list[str] = field(default_factory=list)
    back_at: float = 0.0  # when the restarted server answered

    def between(self, start: float, end: float, name: str | None = None) -> list[Call]:
        return [
            c
            for c in self.calls
            if c.started >= start and c.started + c.seconds <= end and name in (None, c.name)
        ]


Step = Callable[[httpx.AsyncClient, int], Awaitable[tuple[httpx.Response, str | None]]]


@pytest.fixture
def local_stack(stack: tuple[str, Settings]) -> Settings:
    mode, settings = stack
    if mode != "local":
        pytest.skip("kills servers by pid: needs the local stack instance, not env or containers")
    return settings


@asynccontextmanager
async def fault_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """One API process for the whole test: it is never rebuilt while its servers die."""
    app = create_app(
        settings.model_copy(
            update={"rate_limits": False, "media_worker": False, "timeline_worker": False}
        )
    )
    async with app.router.lifespan_context(app):
        # raise_app_exceptions=False: what a client sees, not what a test harness re-raises.
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=60
        ) as client:
            yield client


async def run_load(
    client: httpx.AsyncClient, steps: dict[str, Step], load: Load, stop: asyncio.Event
) -> None:
    async def worker(name: str, step: Step) -> None:
        i = 0
        while not stop.is_set():
            i += 1
            started = time.monotonic()
            response, acknowledged = await step(client, i)
            try:
                body = response.json() if response.content else {}
            except ValueError:
                body = {"not_json": response.text[:200]}
            load.calls.append(
                Call(
                    name,
                    started,
                    time.monotonic() - started,
                    response.status_code,
                    response.headers.get("retry-after"),
                    body if isinstance(body, dict) else {"list": True},
                )
            )
            if acknowledged:
                load.acknowledged.append(acknowledged)
            await asyncio.sleep(0.05)

    await asyncio.gather(*(worker(name, step) for name, step in steps.items()))


def kill(service: Service) -> None:
    pid = int(service.pid_file.read_text().strip())
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while service.running() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not service.running(), f"{service.name} ({pid}) survived kill -9"


async def fault_cycle(
    client: httpx.AsyncClient,
    service: Service,
    steps: dict[str, Step],
    *,
    down_for_s: float = 6.0,
) -> tuple[Load, float, float]:
    """Load, kill -9, keep loading while down, restart, load until recovered. Returns the load,
    when the kill happened and when the restart began (the server was down in between)."""
    load, stop = Load(), asyncio.Event()
    runner = asyncio.create_task(run_load(client, steps, load, stop))
    await asyncio.sleep(1.5)
    killed_at = time.monotonic()
    kill(service)
    await asyncio.sleep(down_for_s)
    restart_at = time.monotonic()
    await asyncio.to_thread(service.start, lambda _: None, 180.0)
    back_at = time.monotonic()
    # Recovered: every kind of call succeeds again, within 30 s and without a new API process.
    deadline = back_at + 30
    while time.monotonic() < deadline:
        await asyncio.sleep(0.5)
        recent = [c for c in load.calls if c.started > back_at]
        if all(any(c.name == n and c.status < 300 for c in recent[-20:]) for n in steps):
            break
    stop.set()
    await runner
    load.back_at = back_at
    return load, killed_at, restart_at


def assert_clean(load: Load) -> None:
    """No 500 ever, and every error in the one JSON shape."""
    assert load.calls
    errors = [c for c in load.calls if c.status >= 400]
    assert not [c for c in load.calls if c.status >= 500 and c.status != 503], [
        (c.name, c.status, c.body) for c in errors
    ][:5]
    for call in errors:
        assert set(call.body) == {"error"}, call.body
        error = call.body["error"]
        assert isinstance(error, dict), call.body
        assert {"code", "message"} <= set(error)


def assert_unavailable_quickly(calls: list[Call], within_s: float) -> None:
    if calls:
        slowest = max(c.seconds for c in calls)
        print(f"while down: {len(calls)} calls, slowest answer {slowest:.2f} s")  # -s shows it
    for call in calls:
        assert call.status == 503, (call.name, call.status, call.body)
        assert call.retry_after is not None
        assert int(call.retry_after) >= 1
        assert call.body["error"]["code"] == "service_unavailable"  # type: ignore[index]
        assert call.seconds < within_s, (call.name, round(call.seconds, 2))


def recovered(load: Load, name: str) -> None:
    after = [c for c in load.calls if c.started > load.back_at and c.name == name]
    first_ok = next((c for c in after if c.status < 300), None)
    if first_ok is not None:
        print(f"{name}: first success {first_ok.started - load.back_at:.2f} s after the restart")
    assert any(c.status < 300 for c in after), [(c.status, c.body) for c in after][:5]


def poster(token: str) -> Step:
    async def step(client: httpx.AsyncClient, i: int) -> tuple[httpx.Response, str | None]:
        response = await client.post("/posts", json={"caption": f"load {i}"}, headers=auth(token))
        return response, response.json()["id"] if response.status_code == 201 else None

    return step


def reader(token: str) -> Step:
    async def step(client: httpx.AsyncClient, _: int) -> tuple[httpx.Response, str | None]:
        return await client.get("/me", headers=auth(token)), None

    return step


def login(username: str) -> Step:
    async def step(client: httpx.AsyncClient, _: int) -> tuple[httpx.Response, str | None]:
        body = {"username": username, "password": PASSWORD}
        return await client.post("/auth/login", json=body), None

    return step


def uploader(token: str) -> Step:
    async def step(client: httpx.AsyncClient, i: int) -> tuple[httpx.Response, str | None]:
        files = {"file": ("p.png", picture("PNG", 16 + i % 200, 16), "image/png")}
        response = await client.post("/media", files=files, headers=auth(token))
        return response, response.json()["id"] if response.status_code == 201 else None

    return step


def existing(driver: Driver, settings: Settings, label: str, ids: list[str]) -> set[str]:
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label}) WHERE n.id IN $ids RETURN n.id AS id",
        {"ids": ids},
        database_=settings.neo4j_database,
    )
    return {r["id"] for r in records}


@pytest.fixture
def clean(local_stack: Settings, request: pytest.FixtureRequest) -> Settings:
    request.getfixturevalue("clean_state_now")
    return local_stack


@pytest.fixture
def clean_state_now(
    neo4j_driver: Driver, s3: Minio, redis_client: object, local_stack: Settings
) -> None:
    from graph.admin import wipe
    from media.storage import empty_bucket

    wipe(neo4j_driver, local_stack)
    empty_bucket(s3, local_stack.media_bucket)
    redis_client.flushdb()  # type: ignore[attr-defined]


async def test_neo4j_killed_under_load(
    clean: Settings, factory: Factory, neo4j_driver: Driver
) -> None:
    ada = factory.user("ada")
    async with fault_client(clean) as client:
        steps = {"post": poster(ada["token"]), "me": reader(ada["token"]), "login": login("ada")}
        load, killed_at, restart_at = await fault_cycle(
            client, Neo4jService(clean), steps, down_for_s=10.0
        )
    assert_clean(load)
    # Requests started a moment after the kill and finished before the restart began: every
    # one needs Neo4j (sessions live there, posts too), every one is a quick 503.
    down = load.between(killed_at + 0.5, restart_at)
    timeline = [
        (c.name, round(c.started - killed_at, 1), round(c.seconds, 1), c.status)
        for c in load.calls
        if c.started > killed_at - 1
    ]
    assert {c.name for c in down} == set(steps), timeline[:40]
    assert_unavailable_quickly(down, within_s=4.0)
    for name in steps:
        recovered(load, name)
    assert load.acknowledged
    assert existing(neo4j_driver, clean, "Post", load.acknowledged) == set(load.acknowledged)


async def test_redis_killed_under_load(
    clean: Settings, factory: Factory, neo4j_driver: Driver
) -> None:
    ada = factory.user("ada")
    async with fault_client(clean) as client:
        steps = {"post": poster(ada["token"]), "me": reader(ada["token"]), "login": login("ada")}
        load, killed_at, restart_at = await fault_cycle(client, RedisService(clean), steps)
    assert_clean(load)
    down = load.between(killed_at + 0.2, restart_at)
    # Sessions come from Neo4j and logins need no Redis: both keep working.
    for name in ("me", "login"):
        calls = [c for c in down if c.name == name]
        assert calls
        assert all(c.status == 200 for c in calls), [(c.status, c.body) for c in calls]
        assert max(c.seconds for c in calls) < 3.0
    # Writes may need Redis (timelines, jobs): 503 quickly, or done.
    posts = [c for c in down if c.name == "post"]
    assert posts
    assert all(c.status in (201, 503) for c in posts)
    assert_unavailable_quickly([c for c in posts if c.status == 503], within_s=3.0)
    for name in steps:
        recovered(load, name)
    assert existing(neo4j_driver, clean, "Post", load.acknowledged) == set(load.acknowledged)


async def test_object_store_killed_under_load(
    clean: Settings, factory: Factory, neo4j_driver: Driver, s3: Minio
) -> None:
    ada = factory.user("ada")
    async with fault_client(clean) as client:
        steps = {"upload": uploader(ada["token"]), "me": reader(ada["token"])}
        load, killed_at, restart_at = await fault_cycle(client, MinioService(clean), steps)
    assert_clean(load)
    down = load.between(killed_at + 0.2, restart_at)
    uploads = [c for c in down if c.name == "upload"]
    assert uploads
    assert_unavailable_quickly(uploads, within_s=5.0)
    reads = [c for c in down if c.name == "me"]
    assert reads
    assert all(c.status == 200 for c in reads)
    for name in steps:
        recovered(load, name)
    assert load.acknowledged
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:Media) WHERE m.id IN $ids RETURN m.id AS id, m.key AS key",
        {"ids": load.acknowledged},
        database_=clean.neo4j_database,
    )
    assert {r["id"] for r in records} == set(load.acknowledged)
    assert all(object_exists(s3, clean.media_bucket, r["key"]) for r in records)
