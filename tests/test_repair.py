"""Redis's derived state after a Redis failure (timelines/repair.py), piece by piece: a hook
whose Redis fails records a durable marker and lets the write stand; the watcher notices a
restarted Redis by its run id; the repair drops the derived keys (and only those), moves the
epoch so a build begun before it cannot finish after it, and ends the process's suspicion; a
suspect process answers the feed from the graph. `tests/test_faults.py` kills a real Redis."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from redis import Redis
from redis.cluster import RedisCluster

from api.app import create_app
from backends import Backends, open_backends
from graph import timelines as tl_graph
from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.fixtures.servers import own_redis
from timelines import hooks, repair, store
from timelines.store import Keys

NS = "rpt"


def policy(settings: Settings, **changes: Any) -> Settings:
    base: dict[str, Any] = {
        "timeline_namespace": NS,
        "media_worker": False,
        "timeline_worker": False,
        "timeline_repair": False,  # the tests run the watcher's rounds themselves
    }
    return settings.model_copy(update={**base, **changes})


@pytest.fixture
async def backends(settings: Settings, redis_client: Redis) -> AsyncIterator[Backends]:
    async with open_backends(policy(settings)) as opened:
        yield opened


async def state(backends: Backends) -> tl_graph.RepairState | None:
    return await tl_graph.repair_state(backends.graph, NS)


async def test_a_hook_whose_redis_fails_records_a_repair_and_does_not_raise(
    settings: Settings, neo4j_driver: object
) -> None:
    dead = policy(settings, redis_url="redis://127.0.0.1:1/0", timeline_repair=True)
    async with open_backends(dead) as away:
        await hooks.post_created(away, "01hzy0000000000000000000pp", "01hzy0000000000000000000aa")
        await hooks.liked(away, "01hzy0000000000000000000aa", "01hzy0000000000000000000pp")
        assert away.health.suspect
        found = await state(away)
        assert found is not None
        assert found.pending
        assert {"hook:post_created", "hook:liked"} <= set(found.reasons)
        assert away.health.need == found.marks


async def test_repair_drops_derived_keys_and_keeps_the_rest(
    backends: Backends, redis_client: Redis
) -> None:
    k = Keys(NS)
    derived = [
        k.home("u1"), k.celebs("u1"), k.generation("u1"), k.author("a1"), k.author_version("a1"),
        k.celebrity_merge("u1"), k.liked("u1"), k.blocks("u1"), k.view("p1"), k.fragment("p1"),
        k.user_views("a1"), k.user_changed("a1"), k.celebrities, k.inflight, "session:abc",
    ]  # fmt: skip
    kept = [
        "idempotency:u1:abc", "mastodon:idempotency:u1:abc", "ratelimit:write:user:u1",
        "tl:home:u1",  # another namespace's timeline
    ]  # fmt: skip
    for key in derived + kept:
        redis_client.set(key, "x")
    redis_client.xadd(k.stream(0), {"kind": "post", "post_id": "p2", "author_id": "a1"})
    redis_client.xadd("media:jobs", {"media_id": "m1"})
    # A build that read the graph before the repair...
    generation = await store.start_build(
        backends.redis, k.home("u2"), k.generation("u2"), epoch_key=k.epoch
    )
    assert generation is not None

    assert await repair.note(backends, "test")
    backends.health.suspect = True
    watcher = repair.Watcher(backends, "test-owner")
    await watcher.tick()

    assert watcher.repairs == 1
    assert not [key for key in derived if redis_client.exists(key)]
    assert all(redis_client.exists(key) for key in kept)
    assert redis_client.xlen(k.stream(0)) == 1  # queued fan-out stays queued
    # The media queue is kept. A media worker of another test's app may take the job meanwhile
    # (and delete it), so the stream's own count of entries ever added is what tells: a stream
    # dropped and made again by a worker would count from 0.
    assert int(redis_client.xinfo_stream("media:jobs")["entries-added"]) >= 1
    found = await state(backends)
    assert found is not None
    assert not found.pending
    assert not backends.health.suspect
    # ...cannot finish after it, even into a window a newer build started.
    assert await store.start_build(
        backends.redis, k.home("u2"), k.generation("u2"), epoch_key=k.epoch
    )
    assert not await store.finish_build(
        backends.redis, k.home("u2"), k.generation("u2"), generation, ["p9"],
        floor="", cap=10, ttl_s=0, epoch_key=k.epoch,
    )  # fmt: skip
    assert not redis_client.exists(k.home("u2"))


async def test_a_restarted_redis_is_noticed_by_its_run_id(
    backends: Backends, redis_client: Redis
) -> None:
    watcher = repair.Watcher(backends, "test-owner")
    await watcher.tick()  # first sight of this Redis: its run id is kept, nothing to repair
    assert await state(backends) is None
    key = repair.run_id_key(NS)
    if isinstance(redis_client, RedisCluster):  # every primary's, together
        per_node = redis_client.info("server", target_nodes=RedisCluster.PRIMARIES)
        run_id = ",".join(sorted(str(info["run_id"]) for info in per_node.values()))
    else:
        run_id = str(redis_client.info("server")["run_id"])
    assert redis_client.get(key) == run_id
    redis_client.set(key, "the-redis-before-a-restart")  # what an AOF would have kept
    redis_client.set(Keys(NS).home("u1"), "x")
    await watcher.tick()
    found = await state(backends)
    assert found is not None
    assert found.marks == 1
    assert not found.pending  # recorded and repaired in the same round
    assert redis_client.get(key) == run_id
    assert not redis_client.exists(Keys(NS).home("u1"))


async def test_only_one_claimant_repairs(backends: Backends) -> None:
    assert await repair.note(backends, "test")
    first = await tl_graph.repair_claim(backends.graph, NS, "one", 30)
    second = await tl_graph.repair_claim(backends.graph, NS, "two", 30)
    assert first is not None
    assert second is None
    assert await repair.note(backends, "during the repair")
    again = await tl_graph.repair_done(backends.graph, NS, "one", first.marks)
    assert again is True  # a record made while it ran: another repair follows
    assert await tl_graph.repair_done(backends.graph, NS, "two", first.marks) is None


@pytest.fixture
async def quiet_app(settings: Settings) -> AsyncIterator[FastAPI]:
    application = create_app(policy(settings))
    async with application.router.lifespan_context(application):
        yield application


async def test_a_suspect_process_answers_the_feed_from_the_graph(
    quiet_app: FastAPI, factory: Factory, redis_client: Redis
) -> None:
    ann, bob = factory.user("ann"), factory.user("bob")
    factory.follow(ann, bob)
    posts = [factory.post(bob, f"post {n}") for n in range(3)]
    transport = httpx.ASGITransport(app=quiet_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:

        async def feed() -> list[str]:
            response = await client.get("/feed", headers=ann["headers"])
            assert response.status_code == 200, response.text
            return [p["id"] for p in response.json()]

        everything = [p["id"] for p in reversed(posts)]
        assert await feed() == everything  # the timeline is built from the graph
        # What a lost fan-out leaves behind: a timeline that looks complete without a post.
        redis_client.zrem(Keys(NS).home(ann["id"]), posts[1]["id"])
        assert await feed() == [everything[0], everything[2]]
        backends: Backends = quiet_app.state.backends
        backends.health.suspect = True
        assert await feed() == everything


async def test_a_video_whose_job_cannot_be_queued_is_kept_and_queued_by_the_repair(
    settings: Settings, factory: Factory
) -> None:
    from media import jobs
    from tests.fixtures import media_files as files

    alice = factory.user("alice")
    namespace = "rpm"  # no other app's watcher repairs this one
    dead = policy(settings, redis_url="redis://127.0.0.1:1/0", timeline_namespace=namespace)
    away = create_app(dead)
    async with away.router.lifespan_context(away):
        transport = httpx.ASGITransport(app=away)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            data = files.video("mp4", "libx264", tint=21)
            response = await http.post(
                "/media", files={"file": ("v.mp4", data, "video/mp4")}, headers=alice["headers"]
            )
    assert response.status_code == 201, response.text  # stored, and told so
    assert response.json()["status"] == "processing"
    # No media worker drains it.
    back = policy(settings, timeline_namespace=namespace, **own_redis(settings, 3))
    async with open_backends(back) as backends:
        await backends.redis.flushdb()
        found = await tl_graph.repair_state(backends.graph, namespace)
        assert found is not None
        assert "media-queue" in found.reasons
        await repair.Watcher(backends, "test-owner").tick()
        queued = await backends.redis.xrange(jobs.stream(backends)) or []
        assert [(fields or {}).get("media_id") for _, fields in queued] == [response.json()["id"]]
        await backends.redis.flushdb()
