"""The restore drill: seed through the API, back up, change and delete things, restore, and the
graph, the media and a user's feed are what they were at the backup; Redis's derived state is
dropped and rebuilt from the restored graph.

A backup stops and restarts Neo4j, so this runs on its own stack instance (`backup-drill`,
ports +19300, a small heap and page cache), never on the `test` one other tests share; the
instance is stopped at the end.
"""

from __future__ import annotations

import asyncio
import os
import socket
from collections.abc import AsyncIterator, Callable, Iterator
from functools import partial
from pathlib import Path
from typing import Any, LiteralString

import httpx
import pytest
from fastapi import FastAPI
from neo4j.exceptions import ClientError

from api.app import create_app
from backends import object_store
from graph.driver import make_driver
from graph.fingerprint import fingerprint
from graphgram.settings import Settings
from ops import stack
from ops.analytics import copy_settings
from ops.analytics import run as run_algorithm
from ops.backup import BackupError, Manifest, backup, check, restore
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.helpers import follow, register
from timelines.store import Keys

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def drill(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Settings]:
    settings = Settings(
        environment="test",
        stack_name=os.environ.get("GRAPHGRAM_TEST_DRILL_STACK_NAME", "backup-drill"),
        port_offset=int(os.environ.get("GRAPHGRAM_TEST_DRILL_PORT_OFFSET", "19300")),
        neo4j_heap="512m",
        neo4j_pagecache="128m",
        analytics_heap="512m",
        analytics_pagecache="128m",
        backup_root=tmp_path_factory.mktemp("backups"),
        password_hash_time_cost=1,
        password_hash_memory_kib=8,
        password_hash_parallelism=1,
    )
    # The copy starts when a backup loads it: no start of a stale one here.
    stack.up(settings, with_api=False, with_analytics=False)
    try:
        yield settings
    finally:
        stack.down(settings)  # the copy too


@pytest.fixture(scope="module")
async def drill_app(drill: Settings) -> AsyncIterator[FastAPI]:
    from graph.admin import wipe
    from media.storage import empty_bucket

    with make_driver(drill) as driver:
        wipe(driver, drill)
    empty_bucket(object_store(drill, timed=False), drill.media_bucket)
    application = create_app(drill)
    async with application.router.lifespan_context(application):
        yield application


@pytest.fixture
async def http(drill_app: FastAPI) -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=drill_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _post_with_picture(
    http: httpx.AsyncClient, user: dict[str, Any], caption: str, colour: int
) -> dict[str, Any]:
    picture = files.picture("PNG", 64 + colour, 32)
    uploaded = await http.post(
        "/media", files={"file": ("p.png", picture, "image/png")}, headers=user["headers"]
    )
    assert uploaded.status_code == 201, uploaded.text
    created = await http.post(
        "/posts",
        json={"caption": caption, "media_ids": [uploaded.json()["id"]]},
        headers=user["headers"],
    )
    assert created.status_code == 201, created.text
    body: dict[str, Any] = created.json()
    return body


async def _feed(http: httpx.AsyncClient, user: dict[str, Any]) -> list[str]:
    """The user's feed. A restore restarts Neo4j: until the app's routing driver has its routing
    table again the app answers 503 with Retry-After (as in any outage), so a 503 is retried for a
    bounded time; any other answer counts at once."""
    for _ in range(60):
        response = await http.get("/feed", params={"limit": 50}, headers=user["headers"])
        if response.status_code != 503:
            break
        await asyncio.sleep(0.5)
    assert response.status_code == 200, response.text
    return [item["id"] for item in response.json()]


def _objects(settings: Settings) -> dict[str, bytes]:
    s3 = object_store(settings, timed=False)
    found = {}
    for obj in s3.list_objects(settings.media_bucket, recursive=True):
        response = s3.get_object(settings.media_bucket, str(obj.object_name))
        try:
            found[str(obj.object_name)] = response.read()
        finally:
            response.close()
            response.release_conn()
    return found


def _graph_fingerprint(settings: Settings) -> dict[str, Any]:
    with make_driver(settings) as driver:
        return fingerprint(driver, settings)


async def _timeline_keys(drill_app: FastAPI) -> list[str]:
    """Derived keys of the timeline namespace (the fan-out stream, queued work, is kept)."""
    backends = drill_app.state.backends
    k = Keys(backends.settings.timeline_namespace)
    return [
        key async for key in backends.redis.scan_iter(match=f"{k.ns}:*") if not k.is_stream(key)
    ]


async def test_restore_drill_brings_back_graph_media_and_feed(
    drill: Settings, drill_app: FastAPI, http: httpx.AsyncClient
) -> None:
    alice = await register(http, "alice")
    bob = await register(http, "bob")
    carol = await register(http, "carol")
    await follow(http, alice, bob)
    await follow(http, alice, carol)
    kept = await _post_with_picture(http, bob, "kept #drill", 1)
    doomed = await _post_with_picture(http, bob, "deleted after the backup", 2)
    await _post_with_picture(http, carol, "carol's", 3)
    feed_then = await _feed(http, alice)
    assert {kept["id"], doomed["id"]} <= set(feed_then)
    printed_then = _graph_fingerprint(drill)
    objects_then = _objects(drill)
    assert len(objects_then) >= 6  # display + thumbnail per picture

    manifest = await asyncio.to_thread(backup, drill)
    assert manifest.fingerprint == printed_then
    assert {o.key for o in manifest.objects} == set(objects_then)
    directory = drill.backups_dir / manifest.name

    # After the backup: a post and its media deleted, an unfollow, a new account, a new post.
    deleted = await http.delete(f"/posts/{doomed['id']}", headers=bob["headers"])
    assert deleted.status_code == 204, deleted.text
    unfollowed = await http.delete(f"/users/{carol['username']}/follow", headers=alice["headers"])
    assert unfollowed.status_code == 200, unfollowed.text
    dave = await register(http, "dave")
    await _post_with_picture(http, dave, "made after the backup", 4)
    await follow(http, alice, dave)
    assert await _feed(http, alice) != feed_then
    assert _graph_fingerprint(drill) != printed_then
    assert set(_objects(drill)) != set(objects_then)
    assert await _timeline_keys(drill_app)

    report = await asyncio.to_thread(restore, drill, directory)

    assert report.redis_keys_dropped > 0
    assert await _timeline_keys(drill_app) == []  # derived state dropped...
    assert _graph_fingerprint(drill) == printed_then == report.manifest.fingerprint
    assert _objects(drill) == objects_then  # every object, byte for byte, and nothing else
    assert await _feed(http, alice) == feed_then  # ...and rebuilt from the restored graph
    assert await _timeline_keys(drill_app)


def test_restore_refuses_a_backup_whose_media_is_incomplete(drill: Settings) -> None:
    directory = drill.backups_dir
    made = sorted(p for p in directory.iterdir() if (p / "manifest.json").exists())
    assert made, "the drill above makes the backup this test damages"
    manifest = Manifest.read(made[-1])
    victim: Path = made[-1] / "media" / manifest.objects[0].key
    victim.unlink()
    printed = _graph_fingerprint(drill)
    with pytest.raises(BackupError, match="media is incomplete"):
        check(made[-1])
    with pytest.raises(BackupError, match="media is incomplete"):
        restore(drill, made[-1])
    assert _graph_fingerprint(drill) == printed  # refused before anything was touched


def test_a_graph_pointing_at_missing_objects_is_refused_before_neo4j_stops(
    drill: Settings,
) -> None:
    """Media whose objects are gone (a wiped bucket, a hand-deleted object) would make every
    backup fail after its downtime; it is refused before anything is stopped instead."""
    serving = stack.Neo4jService(drill)
    pid = serving.pid_file.read_text()
    before = sorted(p.name for p in drill.backups_dir.iterdir())
    with make_driver(drill) as driver:
        driver.execute_query(
            "CREATE (:Media {id: 'dangling-drill', kind: 'picture', status: 'ready', "
            "key: 'img/never-uploaded.webp'})",
            database_=drill.neo4j_database,
        )
        try:
            with pytest.raises(BackupError, match=r"img/never-uploaded\.webp.*nothing was stopped"):
                backup(drill)
        finally:
            driver.execute_query(
                "MATCH (m:Media {id: 'dangling-drill'}) DELETE m", database_=drill.neo4j_database
            )
    assert serving.pid_file.read_text() == pid  # the same Neo4j process: never stopped
    assert sorted(p.name for p in drill.backups_dir.iterdir()) == before


@pytest.fixture
def closed_port() -> Iterator[int]:
    """A port bound by this test and not listening: connecting to it is refused at once."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        yield int(held.getsockname()[1])


@pytest.mark.parametrize("command", ["backup", "restore"])
@pytest.mark.parametrize("away", ["object store", "Redis"])
def test_backup_and_restore_refuse_before_neo4j_stops_when_the_store_or_redis_is_away(
    drill: Settings, closed_port: int, tmp_path: Path, command: str, away: str
) -> None:
    """Without the bucket or Redis a restore would load the dump and then die half-way; both
    commands ask them first and say what to do, with Neo4j still serving the same graph."""
    if away == "object store":
        down = drill.model_copy(update={"s3_endpoint": f"127.0.0.1:{closed_port}"})
        address = rf"http://127\.0\.0\.1:{closed_port}/{drill.media_bucket}"
    else:
        down = drill.model_copy(update={"redis_url": f"redis://127.0.0.1:{closed_port}/0"})
        address = rf"redis://127\.0\.0\.1:{closed_port}/0"
    serving = stack.Neo4jService(drill)
    pid = serving.pid_file.read_text()
    printed = _graph_fingerprint(drill)
    before = sorted(p.name for p in drill.backups_dir.iterdir())
    expected = (
        rf"{away} is not reachable at {address} .*start the stack \(`graphgram stack up`\) "
        rf"and run `graphgram {command}` again; nothing was stopped"
    )
    # The restore is given an empty folder: the refusal comes before the backup is even read.
    attempt: Callable[[], object] = (
        partial(backup, down) if command == "backup" else partial(restore, down, tmp_path)
    )
    with pytest.raises(BackupError, match=expected):
        attempt()
    assert serving.pid_file.read_text() == pid  # the same Neo4j process: never stopped
    assert _graph_fingerprint(drill) == printed
    assert sorted(p.name for p in drill.backups_dir.iterdir()) == before


# The analytics copy: the drill's backup loaded it (a backup fingerprints its dump there).


@pytest.fixture
def copy(drill: Settings) -> Settings:
    copy = stack.AnalyticsService(drill)
    if not copy.exists():
        backup(drill)  # this test runs alone: make the copy the drill would have made
    copy.start(lambda _: None)  # a no-op when the drill's backup left it running
    return copy_settings(drill)


def _one(settings: Settings, statement: LiteralString) -> Any:
    with make_driver(settings) as driver:
        records, _, _ = driver.execute_query(statement, database_=settings.neo4j_database)
        return records[0][0]


def test_apoc_is_all_allowed_on_the_copy_and_only_read_helpers_on_the_serving_graph(
    drill: Settings, copy: Settings
) -> None:
    # The serving graph: APOC's value helpers load, nothing that loads, iterates or runs text.
    assert _one(drill, "RETURN apoc.coll.sum([1, 2, 3])") == 6
    assert _one(drill, "RETURN apoc.text.join(['a', 'b'], '-')") == "a-b"
    for denied in (
        "CALL apoc.periodic.iterate('RETURN 1 AS x', 'RETURN x', {}) YIELD batches RETURN batches",
        "CALL apoc.cypher.run('RETURN 1 AS x', {}) YIELD value RETURN value",
        "CALL apoc.load.json('file:///etc/passwd') YIELD value RETURN value",
    ):
        with pytest.raises(ClientError, match="no procedure|Unknown"):
            _one(drill, denied)
    # The copy: all of APOC core, unrestricted.
    assert _one(copy, "RETURN apoc.coll.sum([1, 2, 3])") == 6
    assert _one(copy, "CALL apoc.cypher.run('RETURN 7 AS x', {}) YIELD value RETURN value.x") == 7
    assert _one(copy, "CALL apoc.meta.stats() YIELD labels RETURN labels['User']") >= 1


def test_the_copy_refuses_writes(copy: Settings) -> None:
    with pytest.raises(ClientError, match="read.only|read only|ReadOnly"):
        _one(copy, "CREATE (n:Scratch) RETURN n")


def test_pagerank_communities_and_components_are_written_to_the_copy_only(
    drill: Settings, copy: Settings
) -> None:
    report = run_algorithm(drill, ["pagerank", "communities", "components"])
    assert report.vertices >= 3
    assert report.edges >= 1
    assert set(report.summary) == {"pagerank", "communities", "components"}
    with make_driver(copy) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (u:User) RETURN count(u.pagerank) AS ranked, count(u.community) AS grouped, "
            "count(u.component) AS parted, count(*) AS users",
            database_=copy.neo4j_database,
        )
    row = records[0]
    assert row["ranked"] == row["grouped"] == row["parted"] == row["users"] >= 3
    assert _one(drill, "MATCH (u:User) WHERE u.pagerank IS NOT NULL RETURN count(*)") == 0
    with pytest.raises(ClientError, match="read.only|read only|ReadOnly"):
        _one(copy, "CREATE (n:Scratch) RETURN n")  # read-only again after the write-back


def test_the_interaction_graph_gets_its_own_properties(drill: Settings, copy: Settings) -> None:
    """Likes and comments, from the liker to the post's author, projected as a graph of their
    own: its results go to `interaction_*`, beside (never over) the follow graph's."""
    with make_driver(drill) as driver:  # one like between two accounts, then a fresh copy
        driver.execute_query(
            "MATCH (p:Post)<-[:POSTED]-(a:User) MATCH (u:User) WHERE u <> a "
            "WITH p, a, u LIMIT 1 "
            "CREATE (u)-[:LIKES {id: 'drill-like', at: datetime(), post: p.id, owner: a.id}]->(p)",
            database_=drill.neo4j_database,
        )
    backup(drill)
    with make_driver(copy) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (u:User)-[:LIKES]->(:Post)<-[:POSTED]-(a:User) WHERE a <> u RETURN count(*) "
            "AS likes",
            database_=copy.neo4j_database,
        )
    assert records[0]["likes"] >= 1
    run_algorithm(drill, ["pagerank"])
    before = _one(copy, "MATCH (u:User) RETURN collect(u.pagerank)")
    report = run_algorithm(drill, ["pagerank", "components"], graph="interactions")
    assert report.edges >= records[0]["likes"]
    with make_driver(copy) as driver:
        records, _, _ = driver.execute_query(
            "MATCH (u:User) RETURN count(u.interaction_pagerank) AS ranked, "
            "count(u.interaction_component) AS parted, sum(u.interaction_pagerank) AS total, "
            "count(*) AS users",
            database_=copy.neo4j_database,
        )
    row = records[0]
    assert row["ranked"] == row["parted"] == row["users"]
    assert row["total"] == pytest.approx(1.0, abs=1e-6)
    assert _one(copy, "MATCH (u:User) RETURN collect(u.pagerank)") == before
    assert (
        _one(drill, "MATCH (u:User) WHERE u.interaction_pagerank IS NOT NULL RETURN count(*)") == 0
    )


async def test_the_analyst_route_runs_on_the_copy_unless_asked_for_the_serving_graph(
    drill: Settings, copy: Settings, password_hash: str
) -> None:
    with make_driver(drill) as driver:
        factory = Factory(driver, drill, password_hash)
        ana = factory.user(f"ana{factory.new_id()[-6:]}", role="analyst")  # not in the copy
        configured = drill.model_copy(update={"analytics_neo4j_uri": copy.neo4j_uri})
        for settings, graph, found in (
            (configured, None, False),  # the copy by default: it predates ana
            (configured, "copy", False),
            (configured, "serving", True),  # explicitly the serving graph
            (drill, None, True),  # no copy configured: the serving graph
        ):
            application = create_app(settings)
            async with (
                application.router.lifespan_context(application),
                httpx.AsyncClient(
                    transport=httpx.ASGITransport(app=application), base_url="http://t"
                ) as http,
            ):
                body: dict[str, Any] = {"params": {"limit": 1000}}
                if graph:
                    body["graph"] = graph
                response = await http.post(
                    "/analytics/queries/never_posted", json=body, headers=ana["headers"]
                )
                assert response.status_code == 200, response.text
                names = [row[0] for row in response.json()["rows"]]
                assert (ana["username"] in names) is found, (graph, settings.analytics_neo4j_uri)
                if settings is drill:
                    refused = await http.post(
                        "/analytics/queries/never_posted",
                        json={"graph": "copy"},
                        headers=ana["headers"],
                    )
                    assert refused.status_code == 422, refused.text
                    assert refused.json()["error"]["fields"][0]["field"] == "graph"
