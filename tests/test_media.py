"""Uploads through the API into real MinIO, and delivery through the real nginx edge."""

from __future__ import annotations

import asyncio
import io
import secrets
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from minio import Minio
from neo4j import Driver
from PIL import Image

from api.app import create_app
from graphgram.settings import Settings
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.uploads import upload, wait_ready


def objects(s3: Minio, settings: Settings) -> set[str]:
    return {
        o.object_name
        for o in s3.list_objects(settings.media_bucket, recursive=True)
        if o.object_name
    }


def media_nodes(driver: Driver, settings: Settings) -> int:
    records, _, _ = driver.execute_query(
        "MATCH (m:Media) RETURN count(m) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


def fetch_image(url: str) -> Image.Image:
    response = httpx.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return Image.open(io.BytesIO(response.content))


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP", "GIF", "HEIF"])
async def test_each_picture_format_gets_variants_and_blurhash(
    fmt: str, client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    response = await upload(client, alice, files.picture(fmt, 1600, 800), name="pic.bin")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["kind"] == "image"
    assert body["status"] == "ready"
    assert (body["width"], body["height"]) == (1080, 540)
    assert len(body["blurhash"]) >= 6
    display, thumb = fetch_image(body["url"]), fetch_image(body["preview_url"])
    assert display.format == thumb.format == "WEBP"
    assert display.size == (1080, 540)
    assert max(thumb.size) == 320


async def test_exif_orientation_applied_and_gps_stripped(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    original = files.jpeg_with_gps_rotated()
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the fixture has GPS
    body = (await upload(client, alice, original, name="photo.jpg")).json()
    assert (body["width"], body["height"]) == (32, 64)  # rotated upright
    raw = httpx.get(body["url"]).content
    stored = Image.open(io.BytesIO(raw))
    assert dict(stored.getexif()) == {}
    assert b"GraphgramCam" not in raw
    assert b"GPS" not in raw
    top = stored.convert("RGB").getpixel((16, 4))
    assert isinstance(top, tuple)
    assert top[0] > 150  # red on top: the left half went up when turned clockwise


@pytest.mark.parametrize(
    ("make", "ctype"),
    [(files.mp4, "video/mp4"), (files.mov, "video/quicktime"), (files.webm, "video/webm")],
)
async def test_each_video_format_is_probed_and_gets_a_poster(
    make: Any,
    ctype: str,
    client: httpx.AsyncClient,
    s3: Minio,
    settings: Settings,
    factory: Factory,
) -> None:
    alice = factory.user("alice")
    data = make()
    response = await upload(client, alice, data, name="clip", ctype=ctype)
    assert response.status_code == 201, response.text
    assert response.json()["status"] == "processing"
    assert response.json()["url"] is None
    body = await wait_ready(client, alice, response.json()["id"])
    assert body["status"] == "ready"
    assert (body["width"], body["height"]) == (64, 48)
    assert body["duration"] == pytest.approx(1.0, abs=0.2)
    poster = fetch_image(body["preview_url"])
    assert poster.size == (64, 48)
    assert httpx.get(body["url"]).content == data  # the original, byte for byte
    assert any(key.startswith("vid/") for key in objects(s3, settings))


async def test_identical_uploads_share_objects(
    client: httpx.AsyncClient, s3: Minio, settings: Settings, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    data = files.picture("PNG")
    first = (await upload(client, alice, data)).json()
    second = (await upload(client, bob, data)).json()
    assert first["id"] != second["id"]
    assert first["url"].split("?")[0] == second["url"].split("?")[0]
    assert len(objects(s3, settings)) == 2  # one display variant, one thumbnail


BAD_INPUTS = [
    ("truncated jpeg", files.truncated_jpeg, "image/jpeg", 422),
    ("png declared as video", lambda: files.picture("PNG"), "video/mp4", 415),
    ("zip renamed .jpg", files.zip_file, "image/jpeg", 415),
    ("pixel bomb", lambda: files.pixel_bomb(8000), "image/png", 422),
    ("empty file", lambda: b"", "image/png", 422),
]


@pytest.mark.parametrize(
    ("label", "make", "ctype", "status"), BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS]
)
async def test_bad_input_is_4xx_and_changes_nothing(
    label: str,
    make: Any,
    ctype: str,
    status: int,
    client: httpx.AsyncClient,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
    factory: Factory,
) -> None:
    alice = factory.user("alice")
    response = await upload(client, alice, make(), name="upload.jpg", ctype=ctype)
    assert response.status_code == status, response.text
    assert set(response.json()["error"]) >= {"code", "message"}
    assert objects(s3, settings) == set()
    assert media_nodes(neo4j_driver, settings) == 0


@pytest.fixture
async def small_caps_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    small = settings.model_copy(update={"max_image_bytes": 2_000, "max_video_bytes": 3_000})
    application: FastAPI = create_app(small)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_over_size_uploads_are_413_and_store_nothing(
    small_caps_client: httpx.AsyncClient,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
    factory: Factory,
) -> None:
    alice = factory.user("alice")
    big_picture = files.picture("PNG", 400, 400) + b"\0" * 3_000
    for data in (big_picture, b"\0" * 10_000):
        response = await upload(small_caps_client, alice, data)
        assert response.status_code == 413, response.text
    assert objects(s3, settings) == set()
    assert media_nodes(neo4j_driver, settings) == 0


async def test_media_attach_to_posts_in_order_and_show_in_the_feed(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    a = (await upload(client, alice, files.picture("PNG", 50, 50))).json()
    b = (await upload(client, alice, files.picture("JPEG", 60, 30))).json()
    created = await client.post(
        "/posts", json={"caption": "two", "media_ids": [b["id"], a["id"]]}, headers=alice["headers"]
    )
    assert [m["id"] for m in created.json()["media"]] == [b["id"], a["id"]]
    feed = (await client.get("/feed", headers=bob["headers"])).json()
    shown = feed[0]["media"][0]
    assert shown["id"] == b["id"]
    assert httpx.get(shown["url"]).status_code == 200
    # someone else's media cannot be attached
    stolen = await client.post("/posts", json={"media_ids": [a["id"]]}, headers=bob["headers"])
    assert stolen.status_code == 422


async def test_private_media_is_not_readable_by_strangers(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, stranger = factory.user("alice", private=True), factory.user("stranger")
    m = (await upload(client, alice, files.picture("PNG"))).json()
    await client.post("/posts", json={"media_ids": [m["id"]]}, headers=alice["headers"])
    assert (await client.get(f"/media/{m['id']}", headers=stranger["headers"])).status_code == 404
    # guessing the key without a signature gets nothing from the edge
    assert httpx.get(m["url"].split("?")[0]).status_code == 403


async def test_edge_caches_and_serves_ranges_of_a_video(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    # Unique bytes: the edge keeps content-addressed objects cached across test runs.
    data = files.video("mp4", "libx264", frames=48, size=(320, 240), tint=secrets.randbelow(65536))
    created = (await upload(client, alice, data, ctype="video/mp4")).json()
    body = await wait_ready(client, alice, created["id"])
    first, second = httpx.get(body["url"]), httpx.get(body["url"])
    assert first.headers["x-cache-status"] == "MISS"
    assert second.headers["x-cache-status"] == "HIT"
    assert second.headers["cache-control"] == "public, max-age=31536000, immutable"
    ranged = httpx.get(body["url"], headers={"Range": "bytes=100-299"})
    assert ranged.status_code == 206
    assert ranged.content == data[100:300]
    forged = body["url"].rsplit("s=", 1)[0] + "s=AAAAAAAAAAAAAAAAAAAAAA"
    assert httpx.get(forged).status_code == 403


async def test_deleting_the_post_removes_its_media(
    client: httpx.AsyncClient, s3: Minio, neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    alice = factory.user("alice")
    kept = (await upload(client, alice, files.picture("PNG", 40, 40))).json()
    shared = (await upload(client, alice, files.picture("JPEG", 40, 40))).json()
    one = await client.post(
        "/posts", json={"media_ids": [kept["id"], shared["id"]]}, headers=alice["headers"]
    )
    other = await client.post(
        "/posts", json={"media_ids": [shared["id"]]}, headers=alice["headers"]
    )
    assert other.status_code == 201
    before = objects(s3, settings)
    assert (
        await client.delete(f"/posts/{one.json()['id']}", headers=alice["headers"])
    ).status_code == 204
    after = objects(s3, settings)
    assert len(before) - len(after) == 2  # kept's display + thumbnail; shared stays (other post)
    assert media_nodes(neo4j_driver, settings) == 1
    assert (await client.get(f"/media/{shared['id']}", headers=alice["headers"])).status_code == 200


async def test_sweep_removes_orphan_objects_and_stuck_media(
    app: FastAPI,
    client: httpx.AsyncClient,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
    factory: Factory,
) -> None:
    from media.sweep import sweep

    alice = factory.user("alice")
    good = (await upload(client, alice, files.picture("PNG"))).json()
    s3.put_object(settings.media_bucket, "img/orphan.webp", io.BytesIO(b"x"), 1)
    neo4j_driver.execute_query(
        "MATCH (u:User {username: 'alice'}) CREATE (u)-[:OWNS]->(:Media {id: 'stuck', "
        "kind: 'video', status: 'processing', key: 'vid/never.mp4', "
        "created_at: datetime() - duration('PT2H')})",
        database_=settings.neo4j_database,
    )
    # Stuck in processing: enqueued again (its job may have been lost with Redis) before it is
    # ever failed. Its original is missing, so the worker fails it; the next sweep removes it.
    report = await sweep(app.state.backends, grace_s=0)
    assert report.orphan_objects == 1
    assert report.retried == 1
    assert report.stale_media == 0
    for _ in range(100):
        status = neo4j_driver.execute_query(
            "MATCH (m:Media {id: 'stuck'}) RETURN m.status AS status",
            database_=settings.neo4j_database,
        ).records[0]["status"]
        if status != "processing":
            break
        await asyncio.sleep(0.1)
    assert status == "failed"
    report = await sweep(app.state.backends, grace_s=0)
    assert report.stale_media == 1
    assert media_nodes(neo4j_driver, settings) == 1
    assert "img/orphan.webp" not in objects(s3, settings)
    assert (await client.get(f"/media/{good['id']}", headers=alice["headers"])).json()[
        "status"
    ] == "ready"
    assert httpx.get(good["url"]).status_code == 200
