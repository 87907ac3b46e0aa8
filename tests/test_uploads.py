"""Direct uploads through the real path: part URLs presigned by the API, parts PUT straight to real
MinIO, completion checked by the API, processing by the real worker, delivery by the real edge."""

from __future__ import annotations

import asyncio
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from minio import Minio
from neo4j import Driver
from PIL import Image

from backends import Backends
from graphgram.settings import Settings
from media import direct
from media.sweep import sweep
from services import media as media_service
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.uploads import Sender, complete, part_of, send_parts, start, wait_ready

MiB = 1024 * 1024


def padded_jpeg(size: int) -> bytes:
    """A real JPEG followed by random bytes up to `size` (decoders stop at the JPEG's end), so a
    picture spans several 8 MiB parts while staying cheap to make and to decode."""
    out = io.BytesIO()
    files.two_tone(640, 480).save(out, format="JPEG", quality=90)
    head = out.getvalue()
    return head + os.urandom(size - len(head))


def objects(s3: Minio, settings: Settings) -> set[str]:
    return {
        str(o.object_name)
        for o in s3.list_objects(settings.media_bucket, recursive=True)
        if o.object_name
    }


def multipart_uploads(s3: Minio, settings: Settings) -> list[tuple[str, str]]:
    return direct.in_progress(s3, settings.media_bucket)


def count(driver: Driver, settings: Settings, label: str) -> int:
    records, _, _ = driver.execute_query(
        f"MATCH (n:{label}) RETURN count(n) AS n", database_=settings.neo4j_database
    )
    return int(records[0]["n"])


def assert_nothing_left(s3: Minio, driver: Driver, settings: Settings) -> None:
    assert multipart_uploads(s3, settings) == []
    assert objects(s3, settings) == set()
    assert count(driver, settings, "Upload") == 0
    assert count(driver, settings, "Media") == 0


async def test_a_multipart_upload_completes_and_is_processed(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(2 * 8 * MiB + 3 * MiB)
    upload = await start(client, alice, len(data))
    assert upload["part_count"] == 3
    assert [p["size"] for p in upload["part_urls"]] == [8 * MiB, 8 * MiB, 3 * MiB]
    await send_parts(upload, data)

    done = await complete(client, alice, upload)
    assert done.status_code == 200, done.text
    media = done.json()
    assert media["kind"] == "image"
    ready = await wait_ready(client, alice, media["id"])
    assert ready["status"] == "ready"
    assert (ready["width"], ready["height"]) == (640, 480)
    assert ready["blurhash"]
    # The variants are served by the edge; the uploaded original is gone, the upload joined.
    for url in (ready["url"], ready["preview_url"]):
        fetched = httpx.get(url)
        assert fetched.status_code == 200
        assert Image.open(io.BytesIO(fetched.content)).format == "WEBP"
    stored = objects(s3, settings)
    assert all(key.startswith(("img/", "thumb/")) for key in stored), stored
    assert len(stored) == 2
    assert multipart_uploads(s3, settings) == []
    # Completing again answers the same media item (a retry after a lost answer).
    again = await complete(client, alice, upload)
    assert again.status_code == 200
    assert again.json()["id"] == media["id"]
    # It can go on a post like any upload.
    post = await client.post(
        "/posts", json={"caption": "big", "media_ids": [media["id"]]}, headers=alice["headers"]
    )
    assert post.status_code == 201, post.text


async def test_a_connection_cut_half_way_resumes_sending_only_the_missing_parts(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(2 * 8 * MiB + 3 * MiB)
    upload = await start(client, alice, len(data))
    assert upload["part_count"] == 3
    first, second, _ = upload["part_urls"]
    sender = await send_parts(upload, data, [first])
    # The connection drops half way through part 2 (half the file sent): the store keeps
    # nothing of that part.
    body = part_of(data, upload, 2)

    def cut_half_way() -> None:
        def stream() -> Iterator[bytes]:
            sender.sent += len(body) // 2
            yield body[: len(body) // 2]
            raise ConnectionError("network dropped")

        with httpx.Client(timeout=30) as http:
            http.put(second["url"], content=stream(), headers={"Content-Length": str(len(body))})

    with pytest.raises(ConnectionError):
        await asyncio.to_thread(cut_half_way)
    before_resume = sender.sent
    assert before_resume == 8 * MiB + 4 * MiB

    # Resume: ask which parts arrived, send only the others (on fresh URLs).
    state = await client.get(f"/uploads/{upload['id']}", headers=alice["headers"])
    assert state.status_code == 200
    assert [p["number"] for p in state.json()["parts"]] == [1]
    fresh = await client.get(
        f"/uploads/{upload['id']}/parts", params={"first": 2}, headers=alice["headers"]
    )
    assert [p["number"] for p in fresh.json()["part_urls"]] == [2, 3]
    await send_parts(upload, data, fresh.json()["part_urls"], sender)
    # Part 1 went once: the resumed client sent parts 2 and 3 only.
    assert sender.sent - before_resume == 8 * MiB + 3 * MiB
    assert sender.sent == len(data) + 4 * MiB  # the file once, plus the half part lost in the cut

    done = await complete(client, alice, upload)
    assert done.status_code == 200, done.text
    assert (await wait_ready(client, alice, done.json()["id"]))["status"] == "ready"


async def test_completing_with_parts_missing_is_refused_and_changes_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(8 * MiB + MiB)
    upload = await start(client, alice, len(data))
    await send_parts(upload, data, upload["part_urls"][:1])
    refused = await complete(client, alice, upload)
    assert refused.status_code == 409
    assert refused.json()["error"]["code"] == "parts_missing"
    state = (await client.get(f"/uploads/{upload['id']}", headers=alice["headers"])).json()
    assert state["status"] == "open"
    assert [p["number"] for p in state["parts"]] == [1]


async def test_another_accounts_upload_is_404_everywhere(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    upload = await start(client, alice, 6 * MiB)
    path = f"/uploads/{upload['id']}"
    for method, url in (
        ("GET", path),
        ("GET", f"{path}/parts"),
        ("POST", f"{path}/complete"),
        ("DELETE", path),
    ):
        response = await client.request(method, url, headers=bob["headers"])
        assert response.status_code == 404, (method, url, response.text)
        assert response.json()["error"]["code"] == "not_found"
    # Alice's upload is untouched by all that.
    assert (await client.get(path, headers=alice["headers"])).json()["status"] == "open"
    assert len(multipart_uploads(s3, settings)) == 1
    assert (await client.delete(path, headers=alice["headers"])).status_code == 204
    assert multipart_uploads(s3, settings) == []
    assert (await client.get(path, headers=alice["headers"])).status_code == 404


async def test_a_part_bigger_than_signed_is_refused_by_the_store(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(6 * MiB)
    upload = await start(client, alice, len(data))
    part = upload["part_urls"][0]
    sender = Sender()
    bigger = await asyncio.to_thread(sender.put, part["url"], data + b"x" * MiB)
    assert bigger.status_code == 403, bigger.text
    assert "SignatureDoesNotMatch" in bigger.text
    smaller = await asyncio.to_thread(sender.put, part["url"], data[:MiB])
    assert smaller.status_code == 403
    state = (await client.get(f"/uploads/{upload['id']}", headers=alice["headers"])).json()
    assert state["parts"] == []
    # Declaring more than the cap is refused before anything is started.
    too_big = await client.post(
        "/uploads",
        json={"filename": "x.jpg", "content_type": "image/jpeg", "size": 21 * MiB},
        headers=alice["headers"],
    )
    assert too_big.status_code == 413
    assert (
        await client.delete(f"/uploads/{upload['id']}", headers=alice["headers"])
    ).status_code == 204
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_a_never_completed_upload_expires_and_is_aborted_by_the_sweep(
    app: FastAPI,
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(8 * MiB + MiB)
    upload = await start(client, alice, len(data))
    await send_parts(upload, data, upload["part_urls"][:1])
    backends: Backends = app.state.backends
    # Before its expiry the sweep leaves it alone.
    early = await sweep(backends, grace_s=3600)
    assert early.expired_uploads == 0
    assert len(multipart_uploads(s3, settings)) == 1
    later = datetime.now(UTC) + timedelta(seconds=settings.upload_ttl_s + 60)
    report = await sweep(backends, grace_s=3600, now=later)
    assert report.expired_uploads == 1
    assert (
        await client.get(f"/uploads/{upload['id']}", headers=alice["headers"])
    ).status_code == 404
    assert_nothing_left(s3, neo4j_driver, settings)


@pytest.mark.parametrize("ctype", ["image/jpeg", "video/mp4", "application/octet-stream"])
async def test_a_completed_object_that_is_not_a_picture_or_video_is_refused_and_deleted(
    ctype: str,
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    declared = ctype if ctype != "application/octet-stream" else "image/png"
    data = os.urandom(6 * MiB)
    upload = await start(client, alice, len(data), ctype=declared)
    await send_parts(upload, data)
    refused = await complete(client, alice, upload)
    assert refused.status_code == 415, refused.text
    assert set(refused.json()) == {"error"}
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_a_declared_type_the_bytes_contradict_is_refused(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(6 * MiB)
    upload = await start(client, alice, len(data), ctype="video/mp4")
    await send_parts(upload, data)
    refused = await complete(client, alice, upload)
    assert refused.status_code == 415
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_the_type_the_bytes_show_replaces_the_declared_one_of_the_same_kind(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(6 * MiB)
    upload = await start(client, alice, len(data), ctype="image/png")
    await send_parts(upload, data)
    done = await complete(client, alice, upload)
    assert done.status_code == 200, done.text
    media_id = done.json()["id"]
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (m:Media {id: $id}) RETURN m.kind AS kind, m.content_type AS content_type",
        id=media_id,
        database_=settings.neo4j_database,
    )
    assert [(r["kind"], r["content_type"]) for r in records] == [("image", "image/jpeg")]
    assert count(neo4j_driver, settings, "Media") == 1


async def test_a_video_uploaded_directly_gets_its_poster(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    data = files.video("mp4", "h264")
    upload = await start(client, alice, len(data), ctype="video/mp4")
    assert upload["part_count"] == 1
    await send_parts(upload, data)
    done = await complete(client, alice, upload)
    assert done.status_code == 200, done.text
    assert done.json()["kind"] == "video"
    ready = await wait_ready(client, alice, done.json()["id"])
    assert ready["status"] == "ready"
    assert ready["duration"] > 0
    stored = objects(s3, settings)
    assert {k.split("/")[0] for k in stored} == {"vid", "poster"}, stored
    fetched = httpx.get(ready["url"])
    assert fetched.status_code == 200
    assert fetched.content == data


@pytest.mark.parametrize(
    ("body", "status"),
    [
        ({"filename": "a", "content_type": "text/plain", "size": 10}, 415),
        ({"filename": "a", "content_type": "image/jpeg", "size": 0}, 422),
        ({"filename": "a", "content_type": "image/jpeg"}, 422),
        ({"filename": "a", "content_type": "image/jpeg", "size": 5, "x": 1}, 422),
    ],
)
async def test_bad_upload_requests_are_refused_and_start_nothing(
    body: dict[str, Any],
    status: int,
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    response = await client.post("/uploads", json=body, headers=alice["headers"])
    assert response.status_code == status, response.text
    assert set(response.json()) == {"error"}
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_a_picture_over_the_pixel_limit_is_refused_from_its_header(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    out = io.BytesIO()
    Image.new("1", (8000, 8000)).save(out, format="PNG")  # 64 megapixels, a few KB
    data = out.getvalue() + os.urandom(6 * MiB)
    upload = await start(client, alice, len(data), ctype="image/png")
    await send_parts(upload, data)
    refused = await complete(client, alice, upload)
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "too_many_pixels"
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_deleting_the_account_aborts_its_uploads(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(8 * MiB + MiB)
    upload = await start(client, alice, len(data))
    await send_parts(upload, data, upload["part_urls"][:1])
    assert len(multipart_uploads(s3, settings)) == 1
    assert (await client.delete("/me", headers=alice["headers"])).status_code == 204
    assert_nothing_left(s3, neo4j_driver, settings)


async def test_parts_go_through_the_edge_which_passes_part_puts_and_nothing_else(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(6 * MiB)
    upload = await start(client, alice, len(data))
    url = upload["part_urls"][0]["url"]
    assert url.startswith(f"{settings.cdn_base_url}/{settings.media_bucket}/upload/"), url
    edge = settings.cdn_base_url
    async with httpx.AsyncClient(timeout=30) as http:
        # Not a part PUT: refused by the edge before the store sees it.
        assert (await http.get(url)).status_code == 403
        assert (await http.delete(url)).status_code == 403
        bare = url.split("?", 1)[0]
        assert (await http.put(bare, content=b"x")).status_code == 403
        assert (await http.get(f"{edge}/{settings.media_bucket}/")).status_code == 404
        # A part PUT with the presigned signature goes through.
        assert (await http.put(url, content=data)).status_code == 200
    done = await complete(client, alice, upload)
    assert done.status_code == 200, done.text


async def test_two_concurrent_completes_of_one_upload_make_one_media_item(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = padded_jpeg(2 * 8 * MiB + MiB)
    upload = await start(client, alice, len(data))
    await send_parts(upload, data)
    path = f"/uploads/{upload['id']}/complete"
    # All at once: the first to lock the upload joins and checks it; the others wait for its
    # lock and answer the Media item it made.
    answers = await asyncio.gather(*(client.post(path, headers=alice["headers"]) for _ in range(4)))
    assert [a.status_code for a in answers] == [200] * 4, [a.text for a in answers]
    made = {a.json()["id"] for a in answers}
    assert len(made) == 1
    assert count(neo4j_driver, settings, "Media") == 1
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (up:Upload)-[:BECAME]->(m:Media) RETURN up.status AS status, m.id AS media",
        database_=settings.neo4j_database,
    )
    media_id = made.pop()
    assert [(r["status"], r["media"]) for r in records] == [("completed", media_id)]
    assert multipart_uploads(s3, settings) == []
    assert (await wait_ready(client, alice, media_id))["status"] == "ready"
    stored = objects(s3, settings)
    assert len(stored) == 2, stored
    assert all(k.startswith(("img/", "thumb/")) for k in stored), stored


async def test_a_start_whose_graph_write_fails_leaves_no_multipart_upload(
    app: FastAPI,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    # The store's multipart upload starts before the graph's write; when the write fails (here
    # the account was deleted after its request was let in) the store's upload is aborted.
    backends: Backends = app.state.backends
    alice = factory.user("alice")
    neo4j_driver.execute_query(
        "MATCH (u:User {id: $id}) DETACH DELETE u",
        {"id": alice["id"]},
        database_=settings.neo4j_database,
    )
    with pytest.raises(LookupError):
        await media_service.start_upload(backends, alice["id"], "a.jpg", "image/jpeg", 6 * MiB)
    assert_nothing_left(s3, neo4j_driver, settings)
    # The same call for a live account leaves exactly one upload in both places.
    bob = factory.user("bob")
    upload, urls = await media_service.start_upload(
        backends, bob["id"], "b.jpg", "image/jpeg", 6 * MiB
    )
    assert multipart_uploads(s3, settings) == [(upload["key"], upload["s3_upload_id"])]
    assert count(neo4j_driver, settings, "Upload") == 1
    assert len(urls) == 1


async def test_concurrent_completes_of_a_refused_upload_refuse_it_once(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    data = os.urandom(6 * MiB)
    upload = await start(client, alice, len(data), ctype="image/png")
    await send_parts(upload, data)
    path = f"/uploads/{upload['id']}/complete"
    answers = await asyncio.gather(*(client.post(path, headers=alice["headers"]) for _ in range(4)))
    # One request checks the object and refuses it; the others find the upload gone.
    statuses = sorted(a.status_code for a in answers)
    assert statuses == [404, 404, 404, 415], [a.text for a in answers]
    assert_nothing_left(s3, neo4j_driver, settings)
