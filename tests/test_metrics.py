"""/metrics moves with real requests: routes by template, Cypher, Redis, S3, cache, queue."""

from __future__ import annotations

import re

import httpx

from api.app import create_app
from backends import Backends
from graphgram.settings import Settings
from media import jobs
from tests.fixtures.factories import Factory
from tests.helpers import register


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one Prometheus sample (0 when absent)."""
    for line in text.splitlines():
        matched = re.fullmatch(re.escape(name) + r"(?:\{(.*)\})? (\S+)", line)
        if not matched:
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', matched.group(1) or ""))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(matched.group(2))
    return 0.0


async def metrics(client: httpx.AsyncClient) -> str:
    response = await client.get("/metrics")
    assert response.status_code == 200
    return response.text


async def test_request_counters_use_route_templates(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    before = await metrics(client)
    alice = factory.user("alice")
    created = factory.post(alice, "hello")
    for _ in range(3):
        await client.get(f"/posts/{created['id']}", headers=alice["headers"])
    await client.get("/posts/nope", headers=alice["headers"])
    after = await metrics(client)
    route = {"method": "GET", "route": "/posts/{post_id}"}
    assert (
        sample(after, "graphgram_http_requests_total", **route, status="200")
        - sample(before, "graphgram_http_requests_total", **route, status="200")
        == 3
    )
    assert (
        sample(after, "graphgram_http_requests_total", **route, status="404")
        - sample(before, "graphgram_http_requests_total", **route, status="404")
        == 1
    )
    assert sample(after, "graphgram_http_request_duration_seconds_count", **route) > sample(
        before, "graphgram_http_request_duration_seconds_count", **route
    )
    assert created["id"] not in after  # raw paths never become label values


async def test_cypher_redis_and_store_latency_are_recorded(client: httpx.AsyncClient) -> None:
    before = await metrics(client)
    assert (await client.get("/ready")).status_code == 200
    alice = await register(client, "alice")
    await client.get("/me", headers=alice["headers"])
    await client.get("/me", headers=alice["headers"])
    after = await metrics(client)

    def moved(name: str, **labels: str) -> float:
        return sample(after, name, **labels) - sample(before, name, **labels)

    assert moved("graphgram_cypher_duration_seconds_count", query="health/ping", outcome="ok") == 1
    assert (
        moved("graphgram_cypher_duration_seconds_count", query="accounts/create_user", outcome="ok")
        == 1
    )
    assert (
        moved("graphgram_backend_call_duration_seconds_count", backend="redis", operation="ping")
        == 1
    )
    assert (
        moved(
            "graphgram_backend_call_duration_seconds_count",
            backend="object_store",
            operation="HEAD",
        )
        >= 1
    )
    # first /me misses the session cache (login wrote only Neo4j), the second hits it
    assert moved("graphgram_cache_lookups_total", cache="session", result="miss") == 1
    assert moved("graphgram_cache_lookups_total", cache="session", result="hit") == 1


async def test_media_queue_depth_gauge(settings: Settings) -> None:
    # Its own Redis database, so the session app's media worker cannot drain these jobs.
    own_db = settings.redis_url.rsplit("/", 1)[0] + "/1"
    quiet = create_app(settings.model_copy(update={"media_worker": False, "redis_url": own_db}))
    async with quiet.router.lifespan_context(quiet):
        state: Backends = quiet.state.backends
        await state.redis.delete(jobs.STREAM)
        await jobs.enqueue(state, "queued-1")
        await jobs.enqueue(state, "queued-2")
        transport = httpx.ASGITransport(app=quiet)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            assert sample(await metrics(http), "graphgram_media_queue_depth") == 2
            entries = await state.redis.xrange(jobs.STREAM, count=1)
            assert entries
            first = entries[0][0]
            assert first is not None
            await state.redis.xdel(jobs.STREAM, first)
            assert sample(await metrics(http), "graphgram_media_queue_depth") == 1
        await state.redis.delete(jobs.STREAM)
