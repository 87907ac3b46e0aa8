"""Fault tests: kill -9 Neo4j, Redis or MinIO of this test stack instance during a bounded load.

While the server is down, requests that need it get 503 with Retry-After in the error shape
within seconds, and requests that do not need it keep working (sessions from Neo4j when Redis
is away, logins without Redis, reads without the object store). A write is never misreported:
a 2xx is written, a 503 is not (docs/outages.md). Once the server is started
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
from typing import Any

import httpx
import pytest
from minio import Minio
from neo4j import Driver

from api.app import create_app
from api.mastodon.ids import from_mastodon
from backends import Backends
from graph import timelines as tl_graph
from graphgram.settings import Settings
from media.storage import object_exists
from ops.stack import MinioService, Neo4jService, RedisService, Service
from tests.fixtures.factories import Factory
from tests.fixtures.feeds import cypher_feed
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
    kill_pid(pid)
    assert not service.running(), f"{service.name} ({pid}) survived kill -9"


def kill_pid(pid: int) -> None:
    """kill -9 one server process of this instance and wait until it is gone."""
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        with open(f"/proc/{pid}/stat") as stat:  # a zombie of ours is gone too
            if stat.read().split(")")[-1].split()[0] == "Z":
                return
        time.sleep(0.1)
    raise AssertionError(f"{pid} survived kill -9")


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
    await asyncio.to_thread(kill, service)  # the load goes on meanwhile
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
    # A post commits to Neo4j before its timeline work: written and told so, and its timeline
    # work repaired once Redis is back (test_redis_killed_under_posting_load_... counts it all).
    posts = [c for c in down if c.name == "post"]
    assert posts
    assert all(c.status == 201 for c in posts), [(c.status, c.body) for c in posts]
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


# -- Redis killed under posting load: every write is told truly, every timeline repaired -------

FEED_PAGE = 20


@dataclass
class Write:
    author: str
    api: str  # "native" or "mastodon"
    caption: str
    started: float
    status: int
    post_id: str | None


def writer(author: dict[str, Any], api: str, keyed: bool, writes: list[Write]) -> Step:
    """One author's posts, each with a caption no other request has (how a refused one is
    looked for in the graph); `keyed`: with an Idempotency-Key, as a careful client sends."""

    async def step(client: httpx.AsyncClient, i: int) -> tuple[httpx.Response, str | None]:
        caption = f"{author['username']} {api} load {i}"
        headers = dict(author["headers"])
        if keyed:
            headers["Idempotency-Key"] = f"{author['username']}-{i}"
        started = time.monotonic()
        if api == "native":
            response = await client.post("/posts", json={"caption": caption}, headers=headers)
        else:
            response = await client.post(
                "/api/v1/statuses", json={"status": caption}, headers=headers
            )
        made = response.json().get("id") if response.status_code in (200, 201) else None
        if made is not None and api != "native":
            made = from_mastodon(
                made
            )  # the Mastodon surface's id of the post (api/mastodon/ids.py)
        writes.append(Write(author["username"], api, caption, started, response.status_code, made))
        return response, made

    return step


async def feed_pages(
    client: httpx.AsyncClient, backends: Backends, follower: dict[str, Any]
) -> tuple[list[str], int, list[str]]:
    """Walk the served feed (Redis, the hot path first) and the Cypher fan-in page by page with
    the same cursor; returns every id served, the pages walked and the pages that differed."""
    cursor: dict[str, str] = {}
    served: list[str] = []
    pages = 0
    differed: list[str] = []
    while True:
        params = {"limit": str(FEED_PAGE), **cursor}
        fast = await client.get("/feed", params=params, headers=follower["headers"])
        truth = await cypher_feed(
            backends, follower["id"], limit=FEED_PAGE, max_id=cursor.get("max_id")
        )
        assert fast.status_code == 200, fast.text
        pages += 1
        if fast.json() != truth.items:
            differed.append(f"{follower['username']} page {pages} {cursor}")
        got = [p["id"] for p in fast.json()]
        served += got
        if not truth.older:
            return served, pages, differed
        cursor = {"max_id": truth.ids[-1]}


def posts_with_captions(driver: Driver, settings: Settings, captions: list[str]) -> set[str]:
    records, _, _ = driver.execute_query(
        "MATCH (p:Post) WHERE p.caption IN $captions RETURN p.caption AS caption",
        {"captions": captions},
        database_=settings.neo4j_database,
    )
    return {r["caption"] for r in records}


async def test_redis_killed_under_posting_load_no_write_is_misreported(
    clean: Settings, factory: Factory, neo4j_driver: Driver
) -> None:
    """kill -9 Redis while authors post through both APIs, some with an Idempotency-Key. A
    write that answered 2xx is in the graph and, once Redis is back and repaired, in every
    follower's served feed at every depth, equal page by page to the Cypher fan-in; a write that
    answered 503 is nowhere."""
    authors = [factory.user(f"author{i}") for i in range(4)]
    followers = [factory.user(f"reader{i}") for i in range(3)]
    for reader_ in followers:
        for author in authors:
            factory.follow(reader_, author)
    for author in authors:  # older posts, so the feeds run several pages deep
        for n in range(12):
            factory.post(author, f"{author['username']} before {n}")
    settings = clean.model_copy(
        update={
            "rate_limits": False,
            "media_worker": False,
            "timeline_worker": True,
            "timeline_repair": True,
        }
    )
    app = create_app(settings)
    writes: list[Write] = []
    async with app.router.lifespan_context(app):
        backends = app.state.backends
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport, base_url="http://testserver", timeout=60
        ) as client:
            # A second login of reader0, used now so Redis caches its session (and writes it to
            # the AOF well before the kill); it logs out while Redis is away.
            leaving = auth(factory.session(followers[0]["id"]))
            assert (await client.get("/me", headers=leaving)).status_code == 200
            for reader_ in followers:  # timelines built before the kill, as for active users
                _, pages, before = await feed_pages(client, backends, reader_)
                assert not before
                assert pages >= 2
            steps = {
                "native": writer(authors[0], "native", False, writes),
                "native+key": writer(authors[1], "native", True, writes),
                "mastodon": writer(authors[2], "mastodon", False, writes),
                "mastodon+key": writer(authors[3], "mastodon", True, writes),
            }
            load, stop = Load(), asyncio.Event()
            runner = asyncio.create_task(run_load(client, steps, load, stop))
            await asyncio.sleep(1.5)
            service = RedisService(clean)
            killed_at = time.monotonic()
            await asyncio.to_thread(kill, service)
            # Down until every route had writes start and finish while Redis was away (a slow,
            # shared machine answers some in seconds), 5 to 40 s.
            await asyncio.sleep(1.0)
            logout = await client.post("/auth/logout", headers=leaving)
            await asyncio.sleep(4.0)
            for _ in range(70):
                if all(
                    sum(1 for w in writes if _route(w) == name and w.started >= killed_at + 0.2)
                    >= 3
                    for name in steps
                ):
                    break
                await asyncio.sleep(0.5)
            restart_at = time.monotonic()
            marked = await tl_graph.repair_state(backends.graph, settings.timeline_namespace)
            await asyncio.to_thread(service.start, lambda _: None, 180.0)
            back_at = time.monotonic()
            await asyncio.sleep(2.0)  # posting goes on after the restart
            # The restarted Redis may hold the cached session again (from its AOF); the token
            # that logged out must not work, before the repair (suspect: Neo4j) or after it.
            after_logout = [(await client.get("/me", headers=leaving)).status_code]
            stop.set()
            await runner
            # The repair: bounded wait until no marker is pending and this process trusts Redis.
            deadline = time.monotonic() + 60
            state = None
            reasons = set(marked.reasons if marked is not None else [])
            while time.monotonic() < deadline:
                state = await tl_graph.repair_state(backends.graph, settings.timeline_namespace)
                reasons |= set(state.reasons if state is not None else [])
                if state is not None and not state.pending and not backends.health.suspect:
                    break
                await asyncio.sleep(0.2)
            repaired_after = time.monotonic() - back_at
            assert state is not None
            assert not state.pending, state
            assert not backends.health.suspect
            # No waiting for the fan-out backlog: entries a dead connection left pending are
            # claimed again only after `timeline_claim_idle_s`, and the feeds must not need them.

            # No 500 ever; every refusal a 503 with Retry-After (the Mastodon API in its own
            # error shape, `{"error": "..."}`).
            assert load.calls
            assert all(c.status < 500 or c.status == 503 for c in load.calls)
            assert all(c.retry_after for c in load.calls if c.status == 503)
            # Started once the kill had surely landed (a write begun in the same instant may
            # have claimed its key first), and before the restart began.
            during = [w for w in writes if killed_at + 0.2 <= w.started < restart_at]
            acknowledged = [w for w in writes if w.status in (200, 201)]
            refused = [w for w in writes if w.status == 503]
            assert not [w for w in writes if w not in acknowledged and w not in refused], [
                (w.caption, w.status) for w in writes if w.status not in (200, 201, 503)
            ]
            ids = [w.post_id for w in acknowledged if w.post_id]
            in_graph = existing(neo4j_driver, clean, "Post", ids)
            refused_present = posts_with_captions(neo4j_driver, clean, [w.caption for w in refused])
            after_logout.append((await client.get("/me", headers=leaving)).status_code)
            missing_in_feeds: dict[str, int] = {}
            differed: list[str] = []
            walked = 0
            for reader_ in followers:
                served, pages, bad = await feed_pages(client, backends, reader_)
                walked += pages
                differed += bad
                missing_in_feeds[reader_["username"]] = len(set(ids) - set(served))
    missing = set(ids) - in_graph
    by_route = {
        name: (
            sum(1 for w in during if name == _route(w) and w.status in (200, 201)),
            sum(1 for w in during if name == _route(w) and w.status == 503),
        )
        for name in steps
    }
    print(
        f"\nRedis killed {restart_at - killed_at:.1f} s under load: {len(writes)} writes, "
        f"{len(acknowledged)} acknowledged, {len(refused)} refused (503); while Redis was down "
        f"(acknowledged, refused) per route: {by_route}\n"
        f"acknowledged-and-missing: graph {len(missing)}, feeds {missing_in_feeds}; "
        f"refused-and-present: {len(refused_present)}; feed pages compared with the Cypher "
        f"fan-in: {walked}, differing: {len(differed)}\n"
        f"logout while Redis was down: {logout.status_code}; that token after the restart, "
        f"before and after the repair: {after_logout}\n"
        f"repair done {repaired_after:.2f} s after Redis answered again "
        f"(records {state.marks}, reasons: {sorted(reasons)})"
    )
    assert during, "no write was attempted while Redis was down"
    # Without a key: written and told so. With one: refused before writing, and told so.
    for name in ("native", "mastodon"):
        assert by_route[name][0]
        assert not by_route[name][1]
        assert by_route[f"{name}+key"][1]
    assert logout.status_code == 204
    assert after_logout == [401, 401]
    assert not missing
    assert not refused_present
    assert not differed, differed[:5]
    assert all(n == 0 for n in missing_in_feeds.values()), missing_in_feeds


def _route(write: Write) -> str:
    keyed = write.author in {"author1", "author3"}
    return write.api + ("+key" if keyed else "")
