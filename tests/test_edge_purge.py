"""Deleted media leaves the edge at once: through the real nginx edge and its purge module.

Before: a deleted post's (or account's) signed URL kept answering 200 `X-Cache-Status: HIT` from
the edge until it expired, while the object store answered 404. Now every object deleted is
purged from the edge cache in the same request, so the very same URL answers 404.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import secrets
import time
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from minio import Minio
from PIL import Image

from backends import Backends
from graphgram.settings import Settings
from media import edge
from media.lifecycle import remove_unreferenced
from media.signing import signed_url
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.uploads import upload_ready


def unique_picture() -> bytes:
    """A picture no other test (or earlier run) uploaded: its objects are new to the edge."""
    image = Image.new("RGB", (96, 64), tuple(secrets.randbelow(256) for _ in range(3)))
    image.putpixel((secrets.randbelow(96), secrets.randbelow(64)), (1, 2, 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def cache_status(url: str, **headers: str) -> tuple[int, str | None]:
    answer = httpx.get(url, headers=headers)
    return answer.status_code, answer.headers.get("x-cache-status")


def cached(url: str) -> None:
    """Fetch through the edge until it serves from its cache (MISS, then HIT)."""
    assert cache_status(url) == (200, "MISS")
    assert cache_status(url) == (200, "HIT")


async def post_with_pictures(
    client: httpx.AsyncClient, user: dict[str, Any], count: int = 1
) -> tuple[str, list[str]]:
    """A post of `count` new pictures: (post id, the display and preview URLs handed out)."""
    media = []
    for _ in range(count):
        uploaded = await client.post(
            "/media",
            files={"file": ("p.png", unique_picture(), "image/png")},
            headers=user["headers"],
        )
        assert uploaded.status_code == 201, uploaded.text
        media.append(uploaded.json())
    created = await client.post(
        "/posts", json={"media_ids": [m["id"] for m in media]}, headers=user["headers"]
    )
    assert created.status_code == 201, created.text
    urls = [url for m in created.json()["media"] for url in (m["url"], m["preview_url"])]
    assert len(urls) == 2 * count
    assert all(urls)
    return created.json()["id"], urls


def put_object(s3: Minio, settings: Settings, key: str, size: int) -> bytes:
    data = secrets.token_bytes(size)
    s3.put_object(settings.media_bucket, key, io.BytesIO(data), size)
    return data


def backends_of(app: FastAPI) -> Backends:
    found: Backends = app.state.backends
    return found


async def retry_now(live: Backends) -> None:
    """Make every queued purge due and retry it; the app's media worker may be the one that
    gets to it first (it retries every few seconds), so wait for the queue to empty."""
    members = [str(member) for member in await live.redis.zrange(edge.PENDING, 0, -1)]
    await live.redis.zadd(edge.PENDING, dict.fromkeys(members, 0))
    await edge.retry_pending(live)
    for _ in range(100):
        if not await edge.pending(live):
            break
        await asyncio.sleep(0.1)
    assert await edge.pending(live) == 0


async def test_deleting_a_post_purges_its_pictures_from_the_edge(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    alice = factory.user("alice")
    post_id, urls = await post_with_pictures(client, alice)
    for url in urls:
        cached(url)
    display = urls[0]
    # The cache key is the object's path: another URL signed for it (other expiry, other
    # signature) is served from the same entry; so is a request asking for gzip.
    key = display.split("/m/", 1)[1].split("?", 1)[0]
    other = signed_url(settings, key, ttl_s=settings.cdn_url_ttl_s * 3)
    assert other != display
    assert cache_status(other) == (200, "HIT")
    assert cache_status(display, **{"Accept-Encoding": "gzip"}) == (200, "HIT")

    deleted = await client.delete(f"/posts/{post_id}", headers=alice["headers"])
    assert deleted.status_code == 204

    for url in [*urls, other]:
        assert httpx.get(url).status_code == 404, url
    assert httpx.get(display, headers={"Accept-Encoding": "gzip"}).status_code == 404


async def test_deleting_a_video_post_purges_the_video_and_its_poster(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    data = files.video("mp4", "libx264", frames=24, size=(160, 120), tint=secrets.randbelow(65536))
    media_id = await upload_ready(client, alice, data, "video/mp4")  # the worker made the poster
    created = await client.post("/posts", json={"media_ids": [media_id]}, headers=alice["headers"])
    shown = created.json()["media"][0]
    ranged = {"Range": "bytes=10-99"}
    for url in (shown["url"], shown["preview_url"]):
        cached(url)
    assert httpx.get(shown["url"], headers=ranged).headers["x-cache-status"] == "HIT"

    deleted = await client.delete(f"/posts/{created.json()['id']}", headers=alice["headers"])
    assert deleted.status_code == 204

    assert httpx.get(shown["url"]).status_code == 404
    assert httpx.get(shown["url"], headers=ranged).status_code == 404
    assert httpx.get(shown["preview_url"]).status_code == 404


async def test_deleting_the_account_purges_its_media_from_the_edge(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    _, first = await post_with_pictures(client, alice, count=2)
    _, second = await post_with_pictures(client, alice)
    _, bobs = await post_with_pictures(client, bob)
    for url in [*first, *second, *bobs]:
        cached(url)

    assert (await client.delete("/me", headers=alice["headers"])).status_code == 204

    for url in [*first, *second]:
        assert httpx.get(url).status_code == 404, url
    for url in bobs:  # someone else's media stays, and stays cached
        assert cache_status(url) == (200, "HIT")


async def test_deleting_unattached_media_purges_every_slice(
    app: FastAPI, s3: Minio, settings: Settings
) -> None:
    """Objects no Media node uses (an abandoned upload, the sweep's orphans) are purged too,
    every cached 1 MiB slice of a video among them."""
    key = f"vid/{secrets.token_hex(16)}.mp4"
    data = put_object(s3, settings, key, 2 * edge.SLICE_BYTES + 4096)
    url = signed_url(settings, key)
    tail = {"Range": f"bytes={2 * edge.SLICE_BYTES}-{2 * edge.SLICE_BYTES + 99}"}
    for headers in ({}, tail):  # the whole video (three slices), then a range in the third
        assert httpx.get(url, headers=headers).status_code in (200, 206)
        again = httpx.get(url, headers=headers)
        assert again.headers["x-cache-status"] == "HIT"
    assert again.content == data[2 * edge.SLICE_BYTES : 2 * edge.SLICE_BYTES + 100]

    assert await remove_unreferenced(backends_of(app), [key]) == [key]

    assert httpx.get(url).status_code == 404
    assert httpx.get(url, headers=tail).status_code == 404


async def test_purge_for_moderation_takes_keys_and_drops_the_cached_copy(
    app: FastAPI, s3: Minio, settings: Settings
) -> None:
    """`media.edge.purge` alone (a moderation take-down): the object is still stored, so the
    edge fetches it again instead of serving its old copy."""
    key = f"img/{secrets.token_hex(16)}.webp"
    put_object(s3, settings, key, 3000)
    url = signed_url(settings, key)
    cached(url)
    report = await edge.purge(backends_of(app), [key], recheck=False)
    assert (report.removed, report.failed) == (1, [])
    assert cache_status(url) == (200, "MISS")


def test_purge_refuses_callers_outside_the_allow_list(s3: Minio, settings: Settings) -> None:
    """nginx decides by the connection's own address: 127.0.0.2 is not allowed (only
    127.0.0.1 is), and no X-Forwarded-For / X-Real-IP header changes that."""
    key = f"img/{secrets.token_hex(16)}.webp"
    put_object(s3, settings, key, 3000)
    url = signed_url(settings, key)
    cached(url)
    [purge_url] = edge.purge_urls(settings, key, 3000)
    spoofed = {
        "X-Forwarded-For": "127.0.0.1",
        "X-Real-IP": "127.0.0.1",
        "Forwarded": "for=127.0.0.1",
    }
    outsider = httpx.HTTPTransport(local_address="127.0.0.2")
    with httpx.Client(transport=outsider) as http:
        for method in ("PURGE", "GET", "DELETE"):
            assert http.request(method, purge_url, headers=spoofed).status_code == 403
    assert cache_status(url) == (200, "HIT")  # still cached: nothing was purged
    assert httpx.request("PURGE", purge_url).status_code == 200  # from 127.0.0.1
    assert cache_status(url) == (200, "MISS")


async def test_unconfirmed_purges_are_queued_and_retried(
    app: FastAPI, s3: Minio, settings: Settings
) -> None:
    """The edge away when an object is deleted: the purge is queued in Redis, the deletion
    goes on, and a media worker's retry drops the cached copy once the edge answers."""
    live = backends_of(app)
    key = f"img/{secrets.token_hex(16)}.webp"
    put_object(s3, settings, key, 3000)
    url = signed_url(settings, key)
    cached(url)
    away = dataclasses.replace(
        live,
        settings=settings.model_copy(update={"edge_purge_urls": ["http://127.0.0.1:9/purge/"]}),
    )
    started = time.monotonic()
    assert await remove_unreferenced(away, [key]) == [key]
    assert time.monotonic() - started < 2 * settings.edge_purge_timeout_s + 1
    assert await edge.pending(live) == 1
    assert cache_status(url) == (200, "HIT")  # the edge still has it: the purge never arrived

    await retry_now(live)
    assert httpx.get(url).status_code == 404


async def test_confirmed_purges_are_repeated_once_then_forgotten(
    app: FastAPI, s3: Minio, settings: Settings
) -> None:
    """A fetch that began before the deletion can store the object after the purge: the purge
    is repeated `edge_purge_recheck_s` later; a queued purge whose every URL has expired is
    dropped (nothing can reach the copy any more: the edge checks the signature first)."""
    live = backends_of(app)
    key = f"img/{secrets.token_hex(16)}.webp"
    put_object(s3, settings, key, 3000)
    await edge.purge(live, [key])
    rows = await live.redis.zrange(edge.PENDING, 0, -1, withscores=True)
    [(member, due)] = [(str(row[0]), float(row[1])) for row in rows]
    assert due == pytest.approx(time.time() + settings.edge_purge_recheck_s, abs=5)
    assert member.endswith(f"|3000|{key}")
    url = signed_url(settings, key)
    cached(url)  # filled again after the purge: the recheck drops it
    await retry_now(live)  # repeated once, not queued again
    assert cache_status(url) == (200, "MISS")  # and cached again by this fetch

    await live.redis.zadd(edge.PENDING, {f"{int(time.time()) - 1}|3000|{key}": 0})
    await retry_now(live)
    assert cache_status(url) == (200, "HIT")  # dropped, not purged


def test_slices_and_purge_urls_follow_the_edge_config(settings: Settings) -> None:
    assert edge.slice_ranges(0) == ["0-1048575"]
    assert edge.slice_ranges(edge.SLICE_BYTES) == ["0-1048575"]
    assert edge.slice_ranges(edge.SLICE_BYTES + 1) == ["0-1048575", "1048576-2097151"]
    [url] = edge.purge_urls(settings, "img/a b.webp", 10)
    assert url == f"http://127.0.0.1:{settings.edge_port}/purge/0-1048575/img/a%20b.webp"
    # A size no longer known: as many slices as the largest object of that kind.
    assert len(edge.purge_urls(settings, "vid/x.mp4", None)) == settings.max_video_bytes // (
        edge.SLICE_BYTES
    )
    off = settings.model_copy(update={"edge_purge_urls": []})
    assert edge.purge_urls(off, "img/x.webp", 10) == []


async def test_a_post_a_moderator_removes_leaves_the_edge_at_once(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    mod = factory.user("mod", role="moderator")
    post_id, urls = await post_with_pictures(client, alice, count=2)
    for url in urls:
        cached(url)
    removed = await client.post(
        f"/admin/posts/{post_id}/remove", json={"reason": "nudity"}, headers=mod["headers"]
    )
    assert removed.status_code == 204, removed.text
    for url in urls:
        assert httpx.get(url).status_code == 404, url
