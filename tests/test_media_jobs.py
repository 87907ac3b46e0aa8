"""Media processing is at least once, and object deletion never removes bytes an upload just
acknowledged: real Redis streams, real MinIO, real Neo4j."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
from fastapi import FastAPI
from minio import Minio

from api.app import create_app
from backends import Backends
from graphgram.settings import Settings
from media import jobs
from media.lifecycle import release_media
from media.storage import object_exists
from media.sweep import sweep
from media.upload import store_upload
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.servers import own_redis
from tests.fixtures.uploads import wait_ready


@asynccontextmanager
async def quiet_app(settings: Settings) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """An app with no media worker of its own, on its own Redis database (its own job stream, on
    a cluster): jobs wait for us."""
    app = create_app(settings.model_copy(update={"media_worker": False, **own_redis(settings, 2)}))
    async with app.router.lifespan_context(app):
        backends: Backends = app.state.backends
        await backends.redis.flushdb()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            yield app, http
        await backends.redis.flushdb()


async def upload_video(http: httpx.AsyncClient, user: dict[str, Any], tint: int) -> str:
    data = files.video("mp4", "libx264", tint=tint)
    response = await http.post(
        "/media", files={"file": ("v.mp4", data, "video/mp4")}, headers=user["headers"]
    )
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "processing"
    return str(response.json()["id"])


async def status_becomes(http: httpx.AsyncClient, user: dict[str, Any], media_id: str) -> str:
    return str((await wait_ready(http, user, media_id, timeout_s=30))["status"])


@asynccontextmanager
async def running_worker(backends: Backends, claim_idle_ms: int) -> AsyncIterator[None]:
    stop = asyncio.Event()
    task = asyncio.create_task(
        jobs.worker(backends, stop=stop, wait_s=0.2, claim_idle_ms=claim_idle_ms)
    )
    try:
        yield
    finally:
        stop.set()
        await task


async def test_a_job_left_by_a_dead_worker_is_claimed_and_finished(
    settings: Settings, factory: Factory
) -> None:
    alice = factory.user("alice")
    async with quiet_app(settings) as (app, http):
        backends: Backends = app.state.backends
        media_id = await upload_video(http, alice, tint=11)
        # A worker reads the job, then dies before acknowledging it.
        await jobs.ensure_group(backends)
        taken = await backends.redis.xreadgroup(
            jobs.GROUP, "dead-worker", {jobs.stream(backends): ">"}, count=1
        )
        assert taken, "the job was in the stream"
        async with running_worker(backends, claim_idle_ms=200):
            assert await status_becomes(http, alice, media_id) == "ready"
        pending = await backends.redis.xpending(jobs.stream(backends), jobs.GROUP)
        assert pending["pending"] == 0
        assert await jobs.depth(backends) == 0


async def test_a_job_lost_with_redis_is_enqueued_again_by_the_sweep(
    settings: Settings, factory: Factory
) -> None:
    alice = factory.user("alice")
    async with quiet_app(settings) as (app, http):
        backends: Backends = app.state.backends
        media_id = await upload_video(http, alice, tint=12)
        await backends.redis.flushdb()  # Redis lost: the job with it
        report = await sweep(backends, grace_s=0)
        assert report.retried == 1
        assert report.stale_media == 0
        async with running_worker(backends, claim_idle_ms=60_000):
            assert await status_becomes(http, alice, media_id) == "ready"


async def test_releasing_media_while_identical_bytes_are_uploaded_keeps_their_objects(
    app: FastAPI, factory: Factory, s3: Minio, settings: Settings
) -> None:
    """The media path itself (store_upload, release_media), many times concurrently: HTTP
    would stop at the upload rate limit long before the race shows."""
    backends: Backends = app.state.backends
    alice, bob = factory.user("alice"), factory.user("bob")
    data = files.picture("PNG", 96, 64)

    async def one(user: dict[str, Any]) -> dict[str, Any]:
        async def chunks() -> AsyncIterator[bytes]:
            yield data

        return await store_upload(backends, user["id"], chunks(), "image/png")

    for _ in range(5):
        doomed = await one(alice)
        uploads = [one(bob) for _ in range(20)]
        results = await asyncio.gather(
            *uploads[:10], release_media(backends, [doomed["id"]]), *uploads[10:]
        )
        acknowledged = [r for r in results if isinstance(r, dict)]
        assert len(acknowledged) == 20
        for media in acknowledged:
            for key in (media["key"], media["thumb_key"]):
                assert object_exists(s3, settings.media_bucket, key), key
