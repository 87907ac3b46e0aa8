"""Each fixture reaches its real server, and the API's readiness names what is down."""

from __future__ import annotations

import io
import os
import signal
import socket
import time
import uuid
from pathlib import Path

import httpx
import pytest
from minio import Minio
from neo4j import Driver
from redis import Redis

from api.app import create_app
from graphgram.settings import Settings
from media.signing import signed_url


def test_neo4j_is_community_5_26(neo4j_driver: Driver, settings: Settings) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CALL dbms.components() YIELD name, versions, edition "
        "RETURN name, versions[0] AS version, edition",
        database_=settings.neo4j_database,
    )
    assert records[0]["name"] == "Neo4j Kernel"
    assert records[0]["version"].startswith("5.26.")
    assert records[0]["edition"] == "community"


def test_neo4j_replans_a_statement_at_most_every_five_minutes(
    neo4j_driver: Driver, settings: Settings
) -> None:
    """Neo4j's default (10 s) put a new plan of each large statement in some request's path
    every 10 s while a graph grows (docs/operations.md#query-plans)."""
    records, _, _ = neo4j_driver.execute_query(
        "SHOW SETTINGS YIELD name, value WHERE name = $name RETURN value",
        {"name": "dbms.cypher.min_replan_interval"},
        database_=settings.neo4j_database,
    )
    assert [r["value"] for r in records] in (["5m"], ["300s"], ["PT5M"])


def test_neo4j_round_trip_and_schema(neo4j_driver: Driver, settings: Settings) -> None:
    records, _, _ = neo4j_driver.execute_query(
        "CREATE (u:User {id: $id, username: $name}) RETURN u.username AS name",
        {"id": "u1", "name": "ada"},
        database_=settings.neo4j_database,
    )
    assert records[0]["name"] == "ada"
    constraints, _, _ = neo4j_driver.execute_query(
        "SHOW CONSTRAINTS YIELD name RETURN collect(name) AS names",
        database_=settings.neo4j_database,
    )
    assert {"user_id", "user_username", "post_id"} <= set(constraints[0]["names"])


def test_redis_keeps_a_viewers_loaded_follows_as_an_intset(redis_client: Redis) -> None:
    """The loaded follows (64-bit hashes, timelines/fastpage.py) stay 8 bytes a member up to
    4,096 follows: the project's Redis configuration raises set-max-intset-entries from 512."""
    assert redis_client.config_get("set-max-intset-entries") == {"set-max-intset-entries": "4096"}
    key = "graphgram:test:intset"
    redis_client.delete(key)
    redis_client.sadd(key, *range(4096))
    assert redis_client.object("encoding", key) == "intset"
    redis_client.delete(key)


def test_redis_round_trip(redis_client: Redis) -> None:
    redis_client.set("graphgram:test", "42", ex=60)
    assert redis_client.get("graphgram:test") == "42"


def test_object_through_edge_misses_then_hits(s3: Minio, settings: Settings) -> None:
    key = f"test/{uuid.uuid4().hex}.bin"
    payload = bytes(range(256)) * 64
    s3.put_object(settings.media_bucket, key, io.BytesIO(payload), len(payload))
    assert s3.get_object(settings.media_bucket, key).read() == payload

    url = signed_url(settings, key)
    first = httpx.get(url)
    second = httpx.get(url)
    assert first.status_code == 200
    assert first.content == payload
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.content == payload
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"


def test_edge_serves_byte_ranges(s3: Minio, settings: Settings) -> None:
    key = f"test/{uuid.uuid4().hex}.bin"
    payload = bytes(range(256)) * 8192  # 2 MiB: spans two cache slices
    s3.put_object(settings.media_bucket, key, io.BytesIO(payload), len(payload))
    start, end = 1_048_000, 1_049_999
    response = httpx.get(signed_url(settings, key), headers={"Range": f"bytes={start}-{end}"})
    assert response.status_code == 206
    assert response.content == payload[start : end + 1]
    assert response.headers["content-range"] == f"bytes {start}-{end}/{len(payload)}"


def test_edge_refuses_forged_and_expired_signatures(s3: Minio, settings: Settings) -> None:
    key = f"test/{uuid.uuid4().hex}.txt"
    s3.put_object(settings.media_bucket, key, io.BytesIO(b"secret"), 6)
    good = signed_url(settings, key)
    assert httpx.get(good).status_code == 200
    forged = good.rsplit("s=", 1)[0] + "s=AAAAAAAAAAAAAAAAAAAAAA"
    assert httpx.get(forged).status_code == 403
    expired = signed_url(settings, key, ttl_s=60, now=1_000_000)
    assert httpx.get(expired).status_code in {403, 410}
    unsigned = good.split("?", 1)[0]
    assert httpx.get(unsigned).status_code == 403


async def test_ready_reports_every_component(client: httpx.AsyncClient) -> None:
    response = await client.get("/ready")
    assert response.status_code == 200
    body = response.json()
    assert body["failing"] == []
    assert set(body["components"]) == {"neo4j", "object_store", "redis"}


async def test_health_is_live(client: httpx.AsyncClient) -> None:
    response = await client.get("/health")
    assert response.json() == {"status": "ok"}


@pytest.mark.no_clean
async def test_ready_names_neo4j_when_it_is_stopped(stack: tuple[str, Settings]) -> None:
    # A fresh app meets a stopped server as a refused connection on the Bolt port; a port bound
    # but never listened on refuses the same way, for as long as we hold it. (Really stopping
    # and restarting the stack's Neo4j cost 25-45 s of every run.)
    _, settings = stack
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        await _assert_ready_names_neo4j(
            settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{port}"})
        )


@pytest.mark.no_clean
async def test_ready_names_neo4j_when_it_hangs(stack: tuple[str, Settings]) -> None:
    """The real Neo4j frozen (SIGSTOP): connections open but nothing answers until it thaws."""
    mode, settings = stack
    if mode != "local":
        # Servers we do not own: a listener that accepts and never speaks.
        with socket.create_server(("127.0.0.1", 0)) as mute:
            port = mute.getsockname()[1]
            await _assert_ready_names_neo4j(
                settings.model_copy(update={"neo4j_uri": f"bolt://127.0.0.1:{port}"})
            )
        return
    from ops.stack import Neo4jService

    pid = int(Neo4jService(settings).pid_file.read_text().strip())
    os.kill(pid, signal.SIGSTOP)
    try:
        await _assert_ready_names_neo4j(settings)
    finally:
        os.kill(pid, signal.SIGCONT)


async def _assert_ready_names_neo4j(settings: Settings) -> None:
    application = create_app(settings)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            response = await http.get("/ready")
    assert response.status_code == 503
    body = response.json()
    assert body["failing"] == ["neo4j"]
    assert body["components"]["redis"]["status"] == "ok"


async def test_openapi_documents_the_api(client: httpx.AsyncClient) -> None:
    spec = (await client.get("/openapi.json")).json()
    for path in ("/auth/register", "/feed", "/media", "/users/{username}/follow", "/search"):
        assert path in spec["paths"], path
    assert (await client.get("/docs")).status_code == 200


def test_a_pid_file_naming_a_process_started_after_it_is_stale(tmp_path: Path) -> None:
    """After a reboot (or a crash) a pid file can name a pid the kernel has since given to some
    other process; `stack up` then waited for a server that was never going to answer. A pid
    whose process started after the file was written is not ours."""
    from ops.stack import _read_pid, _started_at

    pid_file = tmp_path / "redis.pid"
    pid_file.write_text(str(os.getpid()))
    assert _read_pid(pid_file) == os.getpid()  # written after this process started: ours
    long_ago = time.time() - 365 * 24 * 3600
    os.utime(pid_file, (long_ago, long_ago))  # written before this process existed
    assert _read_pid(pid_file) is None
    # A wall clock stepped forward since the process started makes /proc date its start later
    # than the file it wrote: within the slack, the pid is still ours.
    started = _started_at(os.getpid())
    assert started is not None
    stepped = started - 60
    os.utime(pid_file, (stepped, stepped))
    assert _read_pid(pid_file) == os.getpid()
