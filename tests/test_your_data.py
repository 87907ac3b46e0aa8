"""Your data: the archive export (built by the media job queue's worker, stored in MinIO, downloaded
through the real nginx edge) checked file by file, and the Mastodon CSV import."""

from __future__ import annotations

import asyncio
import io
import json
import time
import zipfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlparse

import httpx
import pytest
from fastapi import FastAPI
from minio import Minio
from neo4j import Driver

from api.app import create_app
from graphgram.settings import Settings
from media.signing import signed_archive_url
from media.storage import object_exists
from media.sweep import sweep
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.uploads import upload_ready
from tests.test_scopes import app_token

User = dict[str, Any]


def count(driver: Driver, settings: Settings, cypher: str, **params: Any) -> int:
    records, _, _ = driver.execute_query(cypher, params, database_=settings.neo4j_database)
    return int(records[0][0])


def archive_objects(s3: Minio, settings: Settings, user: User) -> list[str]:
    return [
        o.object_name
        for o in s3.list_objects(
            settings.media_bucket, prefix=f"export/{user['id']}/", recursive=True
        )
        if o.object_name
    ]


async def export(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    """Ask for an archive and wait until the worker made it."""
    started = await client.post("/me/export", headers=user["headers"])
    assert started.status_code == 202, started.text
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        state: dict[str, Any] = (await client.get("/me/export", headers=user["headers"])).json()
        assert state["id"] == started.json()["id"]
        if state["status"] in {"ready", "failed"}:
            assert state["status"] == "ready", state
            return state
        await asyncio.sleep(0.2)
    raise AssertionError("the archive was not made in time")


def download(state: dict[str, Any], user: User) -> zipfile.ZipFile:
    got = httpx.get(state["download_url"], headers=user["headers"])
    assert got.status_code == 200, (got.status_code, got.text)
    assert got.headers["cache-control"] == "private, no-store"
    assert "attachment" in got.headers["content-disposition"]
    assert len(got.content) == state["bytes"]
    return zipfile.ZipFile(io.BytesIO(got.content))


def read_json(archive: zipfile.ZipFile, name: str) -> Any:
    return json.loads(archive.read(name))


async def test_the_archive_holds_each_part_of_the_account_file_by_file(
    client: httpx.AsyncClient, factory: Factory, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice", display_name="Alice A", bio="I take pictures")
    bob, carol, dave, eve, _ = (factory.user(n) for n in ("bob", "carol", "dave", "eve", "frank"))
    factory.follow(alice, bob)
    factory.follow(alice, carol)
    factory.follow(dave, alice)
    factory.block(alice, eve)
    muted = await client.put(
        "/users/frank/mute", json={"notifications": False}, headers=alice["headers"]
    )
    assert muted.status_code in {200, 204}, muted.text

    picture = files.picture("PNG", 120, 80)
    video = files.video("mp4", "libx264", frames=12, size=(64, 48), tint=7)
    picture_id = await upload_ready(client, alice, picture, "image/png")
    video_id = await upload_ready(client, alice, video, "video/mp4")
    first = await client.post(
        "/posts", json={"caption": "first #sunset", "media_ids": [picture_id, video_id]},
        headers=alice["headers"],
    )  # fmt: skip
    assert first.status_code == 201, first.text
    shown_picture = httpx.get(first.json()["media"][0]["url"]).content  # what the edge serves
    second = factory.post(alice, "no media")
    bobs = factory.post(bob, "bob's post")
    comment = factory.comment(alice, bobs, "nice one")
    factory.like(alice, bobs)
    factory.save(alice, bobs)

    state = await export(client, alice)
    assert state["progress"] == 100
    assert state["download_expires_at"] > time.time()
    archive = download(state, alice)
    post_id = first.json()["id"]
    picture_file = f"media/{post_id}/0-{picture_id}.webp"
    video_file = f"media/{post_id}/1-{video_id}.mp4"
    assert set(archive.namelist()) == {
        "profile.json", "posts.json", picture_file, video_file, "comments.json", "likes.json",
        "saved_posts.json", "stories.json", "highlights.json", "following.json",
        "following_accounts.csv", "followers.json", "blocks.json", "blocked_accounts.csv",
        "mutes.json", "muted_accounts.csv", "README.txt",
    }  # fmt: skip

    profile = read_json(archive, "profile.json")
    assert (profile["id"], profile["username"], profile["display_name"], profile["bio"]) == (
        alice["id"], "alice", "Alice A", "I take pictures"
    )  # fmt: skip
    assert profile["address"] == "alice@testserver"

    posts = read_json(archive, "posts.json")
    assert [p["id"] for p in posts] == [post_id, second["id"]]
    assert posts[0]["caption"] == "first #sunset"
    assert [(m["id"], m["kind"], m["file"]) for m in posts[0]["media"]] == [
        (picture_id, "image", picture_file),
        (video_id, "video", video_file),
    ]
    assert posts[1]["media"] == []
    # A video is kept as uploaded: the archive has the very bytes. A picture is re-encoded on
    # upload (WebP, metadata stripped) and only that is kept: the archive has those bytes.
    assert archive.read(video_file) == video
    assert archive.read(picture_file) == shown_picture

    assert [(c["id"], c["post_id"], c["text"]) for c in read_json(archive, "comments.json")] == [
        (comment["id"], bobs["id"], "nice one")
    ]
    assert [(x["post_id"], x["author"]) for x in read_json(archive, "likes.json")] == [
        (bobs["id"], "bob")
    ]
    assert [(x["post_id"], x["author"]) for x in read_json(archive, "saved_posts.json")] == [
        (bobs["id"], "bob")
    ]
    assert [f["username"] for f in read_json(archive, "following.json")] == ["bob", "carol"]
    assert [f["username"] for f in read_json(archive, "followers.json")] == ["dave"]
    assert [b["username"] for b in read_json(archive, "blocks.json")] == ["eve"]
    mutes = read_json(archive, "mutes.json")
    assert [(m["username"], m["notifications"]) for m in mutes] == [("frank", False)]
    assert archive.read("following_accounts.csv").decode() == (
        "Account address,Show boosts,Notify on new posts,Languages\n"
        "bob@testserver,true,false,\n"
        "carol@testserver,true,false,\n"
    )
    assert archive.read("blocked_accounts.csv").decode() == "eve@testserver\n"
    assert archive.read("muted_accounts.csv").decode() == (
        "Account address,Hide notifications\nfrank@testserver,false\n"
    )
    assert read_json(archive, "stories.json") == []
    assert read_json(archive, "highlights.json") == []
    assert archive_objects(s3, settings, alice) == [f"export/{alice['id']}/{state['id']}.zip"]


async def post_story(client: httpx.AsyncClient, user: User, media_id: str) -> dict[str, Any]:
    posted = await client.post("/stories", json={"media_id": media_id}, headers=user["headers"])
    assert posted.status_code == 201, posted.text
    body: dict[str, Any] = posted.json()
    return body


async def test_the_archive_holds_live_and_highlighted_stories_with_their_media(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    pictures = [
        await upload_ready(client, alice, files.picture("PNG", 100 + i, 60), "image/png")
        for i in range(3)
    ]
    kept = await post_story(client, alice, pictures[0])
    shown = httpx.get(kept["media"]["url"]).content  # what the edge serves for the story
    gone = await post_story(client, alice, pictures[1])
    made = await client.post(
        "/highlights", json={"title": "summer", "story_ids": [kept["id"]]},
        headers=alice["headers"],
    )  # fmt: skip
    assert made.status_code == 201, made.text
    highlight = made.json()["id"]
    assert (
        await client.post(f"/stories/{kept['id']}/seen", headers=bob["headers"])
    ).status_code == 204
    # A day later (the service's clock): `gone` expired unkept, `kept` lives on in its highlight.
    settings: Settings = app.state.backends.settings
    settings.clock_offset_s = 25 * 3600
    try:
        live = await post_story(client, alice, pictures[2])
        state = await export(client, alice)
    finally:
        settings.clock_offset_s = 0.0
    archive = download(state, alice)
    kept_file = f"stories/{kept['id']}/0-{pictures[0]}.webp"
    live_file = f"stories/{live['id']}/0-{pictures[2]}.webp"
    assert {n for n in archive.namelist() if n.startswith("stories/")} == {kept_file, live_file}
    stories = read_json(archive, "stories.json")
    assert [s["id"] for s in stories] == [kept["id"], live["id"]]
    assert gone["id"] not in archive.read("stories.json").decode()
    assert [(m["id"], m["kind"], m["file"]) for m in stories[0]["media"]] == [
        (pictures[0], "image", kept_file)
    ]
    assert (stories[0]["highlights"], stories[0]["views"], stories[0]["audience"]) == (
        [highlight], 1, "everyone"
    )  # fmt: skip
    assert (stories[1]["highlights"], stories[1]["views"]) == ([], 0)
    assert archive.read(kept_file) == shown
    [kept_highlight] = read_json(archive, "highlights.json")
    assert (kept_highlight["id"], kept_highlight["title"], kept_highlight["stories"]) == (
        highlight, "summer", [kept["id"]]
    )  # fmt: skip


async def test_the_link_is_the_asking_session_s_alone_and_expires(
    client: httpx.AsyncClient, factory: Factory, settings: Settings
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.post(alice, "hello")
    state = await export(client, alice)
    url = state["download_url"]
    assert httpx.get(url, headers=alice["headers"]).status_code == 200
    assert httpx.get(url, headers=bob["headers"]).status_code == 403
    assert httpx.get(url).status_code == 403
    forged = url.rsplit("s=", 1)[0] + "s=AAAAAAAAAAAAAAAAAAAAAA"
    assert httpx.get(forged, headers=alice["headers"]).status_code == 403
    # Bob's own link to Alice's archive cannot be had: GET /me/export shows only one's own.
    assert (await client.get("/me/export", headers=bob["headers"])).status_code == 404
    # The same archive, signed for Alice's session but already expired: 410.
    name = url.split("/x/", 1)[1].split("?", 1)[0]
    expired, _ = signed_archive_url(
        settings, name, alice["headers"]["Authorization"],
        now=time.time() - settings.export_url_ttl_s - 5,
    )  # fmt: skip
    assert httpx.get(expired, headers=alice["headers"]).status_code == 410
    # Without a session: 401. An app's token, whatever its scopes: 403 (first-party only).
    assert (await client.get("/me/export")).status_code == 401
    token = await app_token(client, "alice", "read write follow")
    for method, path in (("GET", "/me/export"), ("POST", "/me/export"), ("POST", "/me/import")):
        refused = await client.request(method, path, headers={"Authorization": f"Bearer {token}"})
        assert refused.status_code == 403, (path, refused.text)


@pytest.fixture
async def idle_client(settings: Settings) -> AsyncIterator[httpx.AsyncClient]:
    """An API whose jobs wait in a queue of their own that no worker reads: a job stays under
    way for as long as the test needs."""
    idle = settings.model_copy(
        update={"media_worker": False, "media_job_stream": "jobs:your-data-idle"}
    )
    application: FastAPI = create_app(idle)
    async with application.router.lifespan_context(application):
        transport = httpx.ASGITransport(app=application)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as http:
            yield http


async def test_an_archive_asked_for_twice_at_once_is_409_and_changes_nothing(
    idle_client: httpx.AsyncClient,
    factory: Factory,
    neo4j_driver: Driver,
    settings: Settings,
    redis_client: Any,
) -> None:
    alice = factory.user("alice")
    answers = await asyncio.gather(
        *(idle_client.post("/me/export", headers=alice["headers"]) for _ in range(3))
    )
    assert sorted(a.status_code for a in answers) == [202, 409, 409]
    refused = next(a for a in answers if a.status_code == 409).json()
    assert refused["error"]["code"] == "conflict"
    assert count(neo4j_driver, settings, "MATCH (a:Archive) RETURN count(a)") == 1
    assert redis_client.xlen("jobs:your-data-idle") == 1
    state = (await idle_client.get("/me/export", headers=alice["headers"])).json()
    assert (state["status"], state["download_url"]) == ("pending", None)


async def test_deleting_the_account_removes_its_archives(
    client: httpx.AsyncClient,
    factory: Factory,
    s3: Minio,
    neo4j_driver: Driver,
    settings: Settings,
) -> None:
    alice = factory.user("alice")
    factory.post(alice, "hello")
    kept = await post_story(
        client, alice, await upload_ready(client, alice, files.picture("PNG"), "image/png")
    )
    made = await client.post(
        "/highlights", json={"title": "kept", "story_ids": [kept["id"]]}, headers=alice["headers"]
    )
    assert made.status_code == 201, made.text
    first = await export(client, alice)
    second = await export(client, alice)
    # The newer archive replaces the older one: one object, one node.
    assert archive_objects(s3, settings, alice) == [f"export/{alice['id']}/{second['id']}.zip"]
    assert count(neo4j_driver, settings, "MATCH (a:Archive) RETURN count(a)") == 1
    assert first["id"] != second["id"]
    assert (await client.delete("/me", headers=alice["headers"])).status_code == 204
    assert archive_objects(s3, settings, alice) == []
    assert count(neo4j_driver, settings, "MATCH (a:Archive) RETURN count(a)") == 0
    stories = "MATCH (n) WHERE n:Story OR n:Highlight RETURN count(n)"
    assert count(neo4j_driver, settings, stories) == 0
    assert httpx.get(second["download_url"], headers=alice["headers"]).status_code == 404


async def test_the_sweep_deletes_expired_stories_and_keeps_archives(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI, s3: Minio, settings: Settings
) -> None:
    alice = factory.user("alice")
    media_id = await upload_ready(client, alice, files.picture("PNG", 90, 50), "image/png")
    posted = await post_story(client, alice, media_id)
    state = await export(client, alice)
    assert [s["id"] for s in read_json(download(state, alice), "stories.json")] == [posted["id"]]
    story_key = urlparse(posted["media"]["url"]).path.removeprefix("/m/")

    # Two days on, everything older than the sweep's grace is looked at: the story is expired
    # and its media deleted; the archive is no Media's object, yet it stays.
    report = await sweep(app.state.backends, grace_s=0, now=datetime.now(UTC) + timedelta(days=2))
    assert report.expired_stories == 1
    assert not object_exists(s3, settings.media_bucket, story_key)
    assert archive_objects(s3, settings, alice) == [f"export/{alice['id']}/{state['id']}.zip"]
    assert [s["id"] for s in read_json(download(state, alice), "stories.json")] == [posted["id"]]


# Import

FOLLOWING_CSV = (
    "Account address,Show boosts,Notify on new posts,Languages\n"
    "bob@testserver,true,false,\n"
    "carol@testserver,true,false,\n"
    "@ghost@testserver,true,false,\n"
    "gargron@mastodon.social,true,true,en\n"
    "alice@testserver,true,false,\n"
    "BOB@testserver,false,false,\n"
    "eve,true,false,\n"
)


async def start_import(
    client: httpx.AsyncClient, user: User, data: bytes, kind: str = "following"
) -> httpx.Response:
    return await client.post(
        "/me/import",
        data={"type": kind},
        files={"file": ("following_accounts.csv", data, "text/csv")},
        headers=user["headers"],
    )


async def finished_import(client: httpx.AsyncClient, user: User, import_id: str) -> Any:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        state = (await client.get(f"/me/import/{import_id}", headers=user["headers"])).json()
        if state["status"] in {"done", "failed"}:
            assert state["status"] == "done", state
            return state
        await asyncio.sleep(0.2)
    raise AssertionError("the import did not finish in time")


async def test_a_mastodon_following_csv_follows_requests_and_reports_what_it_skipped(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    carol = factory.user("carol", private=True)
    eve = factory.user("eve")
    factory.block(eve, alice)  # Eve blocked Alice: not someone she can follow
    bobs = factory.post(bob, "from bob")
    started = await start_import(client, alice, FOLLOWING_CSV.encode())
    assert started.status_code == 202, started.text
    state = await finished_import(client, alice, started.json()["id"])
    assert (state["type"], state["total"], state["processed"]) == ("following", 6, 6)
    assert (state["followed"], state["requested"], state["blocked"]) == (1, 1, 0)
    assert [(s["line"], s["account"], s["reason"]) for s in state["skipped"]] == [
        (4, "ghost@testserver", "no account by that name here"),
        (5, "gargron@mastodon.social", "a remote account: this server does not federate"),
        (6, "alice@testserver", "your own account"),
        (8, "eve", "no account by that name here"),
    ]
    following = (await client.get("/users/alice/following", headers=alice["headers"])).json()
    assert [u["username"] for u in following] == ["bob"]
    # As any follow: Bob's posts come into Alice's home feed, and Bob is told.
    feed = (await client.get("/feed", headers=alice["headers"])).json()
    assert [p["id"] for p in feed] == [bobs["id"]]
    notes = (await client.get("/notifications", headers=bob["headers"])).json()
    assert [n["type"] for n in notes] == ["follow"]
    # Carol is private: a request she can accept.
    requests = (await client.get("/me/follow-requests", headers=carol["headers"])).json()
    assert [r["username"] for r in requests] == ["alice"]
    # Someone else's import is not theirs to read.
    other = await client.get(f"/me/import/{started.json()['id']}", headers=bob["headers"])
    assert other.status_code == 404


async def test_a_mastodon_blocked_accounts_csv_blocks(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, carol = (factory.user(n) for n in ("alice", "bob", "carol"))
    factory.follow(bob, alice)
    started = await start_import(client, alice, b"bob@testserver\ncarol\nnobody\n", "blocking")
    assert started.status_code == 202, started.text
    state = await finished_import(client, alice, started.json()["id"])
    assert (state["blocked"], [s["account"] for s in state["skipped"]]) == (2, ["nobody"])
    blocks = (await client.get("/me/blocks", headers=alice["headers"])).json()
    assert sorted(u["username"] for u in blocks) == ["bob", "carol"]
    # A block ends the follow, as a block from the API does.
    followers = (await client.get("/users/alice/followers", headers=alice["headers"])).json()
    assert followers == []


async def test_bad_imports_are_4xx_and_change_nothing(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice = factory.user("alice")
    factory.user("bob")
    cap = settings.import_max_rows
    cases: list[tuple[bytes, str, int, str]] = [
        (files.picture("PNG"), "following", 422, "not a UTF-8 CSV"),
        (b'{"accounts": ["bob"]}', "following", 422, "line 1"),
        (b"bob\n\x00\x01\x02\n", "following", 422, "not a CSV"),
        (b"bob\nthis is not an address\n", "blocking", 422, "line 2"),
        (b"", "following", 422, "no accounts"),
        (b"Account address,Show boosts\n", "following", 422, "no accounts"),
        ("".join(f"user{i}\n" for i in range(cap + 1)).encode(), "following", 422, "at most"),
        (b"bob\n" * 1_000_000, "following", 413, "at most"),
        (b"bob\n", "everything", 422, ""),
    ]
    for data, kind, code, message in cases:
        response = await start_import(client, alice, data, kind)
        assert response.status_code == code, (data[:40], response.text)
        assert message in response.json()["error"]["message"], response.text
    assert count(neo4j_driver, settings, "MATCH (i:Import) RETURN count(i)") == 0
    assert count(neo4j_driver, settings, "MATCH ()-[r:FOLLOWS|BLOCKS]->() RETURN count(r)") == 0


async def test_an_import_under_way_is_409(
    idle_client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice = factory.user("alice")
    factory.user("bob")
    first = await start_import(idle_client, alice, b"bob\n")
    assert first.status_code == 202, first.text
    again = await start_import(idle_client, alice, b"bob\n")
    assert again.status_code == 409, again.text
    assert count(neo4j_driver, settings, "MATCH (i:Import) RETURN count(i)") == 1
    read = await idle_client.get(f"/me/import/{first.json()['id']}", headers=alice["headers"])
    state = read.json()
    assert (state["status"], state["processed"]) == ("pending", 0)
