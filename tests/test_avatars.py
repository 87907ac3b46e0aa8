"""Avatars and headers: uploaded through the media pipeline into real MinIO, fetched through the
real nginx edge, shown in every account entity on both APIs, replaced and removed without
leaving objects behind."""

from __future__ import annotations

import io
import secrets
import struct
import zlib
from typing import Any

import httpx
import pytest
import requests
from fastapi import FastAPI
from minio import Minio
from PIL import Image

from graphgram.settings import Settings
from media.sweep import sweep
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.test_edge_purge import cache_status, cached
from tests.test_mastodon import as_user
from tests.test_media import media_nodes, objects


def unique_picture(width: int = 400, height: int = 200) -> bytes:
    """A picture no earlier run uploaded, so its objects are new to the store and the edge."""
    # Noise: every variant, even the 48 px one, differs from any other upload's.
    image = Image.frombytes("RGB", (width, height), secrets.token_bytes(width * height * 3))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def huge_png(width: int = 20_000, height: int = 20_000) -> bytes:
    """A small file whose header claims more pixels than the limit (a decompression bomb)."""
    data = bytearray(files.picture("PNG", 8, 8))
    ihdr = bytes(data[16 : 20 + 9])  # width, height and the rest of IHDR's 13 bytes
    patched = struct.pack(">II", width, height) + ihdr[8:]
    data[16:29] = patched
    data[29:33] = struct.pack(">I", zlib.crc32(b"IHDR" + patched))
    return bytes(data)


def fetch(url: str) -> tuple[bytes, Image.Image]:
    answer = httpx.get(url)
    assert answer.status_code == 200, (url, answer.status_code)
    return answer.content, Image.open(io.BytesIO(answer.content))


async def put_picture(
    client: httpx.AsyncClient,
    user: dict[str, Any],
    kind: str,
    data: bytes,
    ctype: str = "image/png",
) -> httpx.Response:
    return await client.put(
        f"/me/{kind}", files={"file": ("p.bin", data, ctype)}, headers=user["headers"]
    )


async def test_avatar_variants_through_the_edge_square_and_without_exif(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    answer = await put_picture(client, alice, "avatar", files.jpeg_with_gps_rotated(), "image/jpeg")
    assert answer.status_code == 200, answer.text
    avatar = answer.json()["avatar"]
    assert avatar["default"] is False
    assert len(avatar["blurhash"]) >= 6
    assert set(avatar["urls"]) == {"48", "150", "300"}
    assert avatar["url"] == avatar["urls"]["150"]
    for width, url in avatar["urls"].items():
        raw, image = fetch(url)
        assert image.format == "WEBP"
        assert image.size == (int(width), int(width))
        assert dict(image.getexif()) == {}
        assert b"GraphgramCam" not in raw
        assert b"GPS" not in raw
    profile = (await client.get("/users/alice", headers=alice["headers"])).json()
    assert profile["avatar"]["urls"].keys() == avatar["urls"].keys()
    assert profile["header"]["default"] is True


async def test_header_variants_are_three_to_one(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    answer = await put_picture(client, alice, "header", unique_picture(900, 900))
    assert answer.status_code == 200, answer.text
    header = answer.json()["header"]
    assert set(header["urls"]) == {"600", "1500"}
    assert fetch(header["urls"]["600"])[1].size == (600, 200)
    assert fetch(header["urls"]["1500"])[1].size == (1500, 500)
    assert answer.json()["avatar"]["default"] is True


async def test_replacing_and_removing_an_avatar_deletes_and_purges_its_objects(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    before = objects(s3, settings)
    first = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    first_keys = objects(s3, settings) - before
    assert len(first_keys) == 3
    for url in first["urls"].values():
        cached(url)
    second = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    after = objects(s3, settings)
    assert not first_keys & after  # no orphans
    assert len(after - before) == 3
    for url in first["urls"].values():
        assert cache_status(url)[0] == 404  # purged from the edge at once
    for url in second["urls"].values():
        cached(url)
    removed = await client.delete("/me/avatar", headers=alice["headers"])
    assert removed.status_code == 204
    assert objects(s3, settings) == before
    for url in second["urls"].values():
        assert cache_status(url)[0] == 404
    me = (await client.get("/me", headers=alice["headers"])).json()
    assert me["avatar"]["default"] is True


@pytest.mark.parametrize(
    ("data", "ctype", "status"),
    [
        (b"this is not a picture at all, just text", "image/png", 415),
        (files.mp4(), "video/mp4", 415),
        (b"", "image/png", 422),
        (huge_png(), "image/png", 422),
        (files.picture("PNG", 8, 8)[:40], "image/png", 422),  # truncated
    ],
)
async def test_bad_avatar_is_refused_and_changes_nothing(
    data: bytes,
    ctype: str,
    status: int,
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    settings: Settings,
    neo4j_driver: Any,
) -> None:
    alice = factory.user("alice")
    kept = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    stored, nodes = objects(s3, settings), media_nodes(neo4j_driver, settings)
    answer = await put_picture(client, alice, "avatar", data, ctype)
    assert answer.status_code == status, answer.text
    assert set(answer.json()["error"]) >= {"code", "message"}
    assert objects(s3, settings) == stored
    assert media_nodes(neo4j_driver, settings) == nodes
    me = (await client.get("/me", headers=alice["headers"])).json()
    assert me["avatar"]["urls"] == kept["urls"]


async def test_too_big_avatar_is_413(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    stored = objects(s3, settings)
    answer = await put_picture(
        client, alice, "avatar", b"\x89PNG\r\n\x1a\n" + bytes(settings.max_image_bytes + 1)
    )
    assert answer.status_code == 413, answer.text
    assert objects(s3, settings) == stored


async def test_default_avatar_is_a_decodable_picture_cached_for_long(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    me = (await client.get("/me", headers=alice["headers"])).json()
    assert me["avatar"]["default"] is True
    answer = await client.get(me["avatar"]["url"])
    assert answer.status_code == 200
    assert "max-age=31536000" in answer.headers["cache-control"]
    image = Image.open(io.BytesIO(answer.content))
    assert image.format == "PNG"
    assert image.size == (300, 300)
    header = await client.get(me["header"]["url"])
    assert Image.open(io.BytesIO(header.content)).size == (1500, 500)
    assert (await client.get("/avatars/original/missing.png")).status_code == 404


async def test_a_cached_post_shows_the_new_avatar_at_once(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    post = factory.post(alice, "hello")
    for _ in range(2):  # the second read is served from the cached view
        seen = (await client.get(f"/posts/{post['id']}", headers=bob["headers"])).json()
        assert seen["author"]["avatar"]["default"] is True
    feed = (await client.get("/feed", headers=bob["headers"])).json()
    assert feed[0]["author"]["avatar"]["default"] is True
    avatar = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    seen = (await client.get(f"/posts/{post['id']}", headers=bob["headers"])).json()
    assert seen["author"]["avatar"]["urls"] == avatar["urls"]
    feed = (await client.get("/feed", headers=bob["headers"])).json()
    assert feed[0]["author"]["avatar"]["urls"] == avatar["urls"]
    await client.delete("/me/avatar", headers=alice["headers"])
    seen = (await client.get(f"/posts/{post['id']}", headers=bob["headers"])).json()
    assert seen["author"]["avatar"]["default"] is True


async def test_an_avatar_shows_to_whoever_may_see_the_account_and_not_across_a_block(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice", private=True)
    stranger, blocked = factory.user("carol"), factory.user("mallory")
    factory.block(alice, blocked)
    avatar = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    # A private account's profile header (avatar included) is visible; its posts are not.
    seen = (await client.get("/users/alice", headers=stranger["headers"])).json()
    assert seen["avatar"]["urls"] == avatar["urls"]
    assert (await client.get("/users/alice", headers=blocked["headers"])).status_code == 404


def test_mastodon_update_credentials_sets_avatar_and_header(url: str, factory: Factory) -> None:
    ada = factory.user("ada")
    client = as_user(url, ada)
    before = client.account_verify_credentials()
    assert before.avatar.endswith("/avatars/default/ada.png")
    assert requests.get(before.avatar).content.startswith(b"\x89PNG")
    me = client.account_update_credentials(
        avatar=unique_picture(),
        avatar_mime_type="image/png",
        header=unique_picture(),
        header_mime_type="image/png",
        note="new",
    )
    assert me.avatar == me.avatar_static
    assert Image.open(io.BytesIO(requests.get(me.avatar).content)).size == (150, 150)
    assert Image.open(io.BytesIO(requests.get(me.header).content)).size == (1500, 500)
    assert me.note == "<p>new</p>"
    # The Status entity carries the same account.
    status = client.status_post("with a face")
    assert status.account.avatar.split("?")[0] == me.avatar.split("?")[0]
    bad = requests.patch(
        f"{url}/api/v1/accounts/update_credentials",
        headers=ada["headers"],
        files={"avatar": ("a.png", b"not a picture", "image/png")},
    )
    assert bad.status_code == 415
    assert "error" in bad.json()


async def test_lists_search_likers_and_comments_carry_the_avatar(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(alice, bob)
    post = factory.post(bob, "a post")
    factory.like(alice, post)
    avatar = (await put_picture(client, alice, "avatar", unique_picture())).json()["avatar"]
    made = await client.post(
        f"/posts/{post['id']}/comments", json={"text": "nice"}, headers=alice["headers"]
    )
    assert made.json()["author"]["avatar"]["urls"] == avatar["urls"]
    for path in (
        "/users/bob/followers",
        f"/posts/{post['id']}/likes",
        f"/posts/{post['id']}/comments",
        "/search?q=alice",
    ):
        body = (await client.get(path, headers=bob["headers"])).json()
        rows = body["users"] if isinstance(body, dict) else body
        [row] = [r.get("author", r) for r in rows]
        assert row["avatar"]["urls"] == avatar["urls"], path
    notes = (await client.get("/notifications", headers=bob["headers"])).json()
    assert notes
    for note in notes:
        assert note["account"]["avatar"]["urls"] == avatar["urls"]
        assert note["accounts"][0]["avatar"]["urls"] == avatar["urls"]
    carol, dave = factory.user("carol"), factory.user("dave")
    factory.follow(carol, dave)
    factory.follow(dave, alice)  # carol follows dave, who follows alice: alice is suggested
    suggested = (await client.get("/suggestions", headers=carol["headers"])).json()
    assert [s["user"]["avatar"]["urls"] for s in suggested] == [avatar["urls"]]
    following = (await client.get("/users/alice/following", headers=bob["headers"])).json()
    assert following[0]["avatar"]["default"] is True  # bob has none


async def test_the_sweep_keeps_avatar_objects_and_account_deletion_removes_them(
    app: FastAPI, client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    before = objects(s3, settings)
    await put_picture(client, alice, "avatar", unique_picture())
    await put_picture(client, alice, "header", unique_picture())
    mine = objects(s3, settings) - before
    assert len(mine) == 5
    report = await sweep(app.state.backends, grace_s=0)
    assert report.orphan_objects == 0
    assert report.missing_objects_media == 0
    assert objects(s3, settings) >= mine  # referenced by the account's pictures
    gone = await client.delete("/me", headers=alice["headers"])
    assert gone.status_code == 204
    assert not objects(s3, settings) & mine
