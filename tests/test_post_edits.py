"""Editing a post: caption, alt texts, hashtags and mentions follow it, history kept."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures import media_files as files
from tests.fixtures.factories import Factory
from tests.fixtures.uploads import upload, wait_ready
from tests.helpers import post


def count(driver: Driver, settings: Settings, query: str) -> int:
    records, _, _ = driver.execute_query(query, database_=settings.neo4j_database)
    return int(records[0][0])


async def edit(
    client: httpx.AsyncClient, user: dict[str, Any], post_id: str, **body: Any
) -> httpx.Response:
    return await client.patch(f"/posts/{post_id}", json=body, headers=user["headers"])


async def test_edit_reparses_tags_and_mentions_and_keeps_history(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, cid = factory.user("alice"), factory.user("bob"), factory.user("cid")
    factory.follow(bob, alice)
    created = await post(client, alice, "first #old @bob")
    assert created["edited_at"] is None
    # bob reads his feed first: the post's view and fragment are cached
    assert (await client.get("/feed", headers=bob["headers"])).json()[0]["caption"] == created[
        "caption"
    ]
    await client.get("/feed", headers=bob["headers"])
    response = await edit(client, alice, created["id"], caption="second #new @cid")
    assert response.status_code == 200, response.text
    edited = response.json()
    assert (edited["caption"], edited["hashtags"], edited["mentions"]) == (
        "second #new @cid",
        ["new"],
        ["cid"],
    )
    assert edited["edited_at"] is not None
    # feeds show the new text at once
    shown = (await client.get("/feed", headers=bob["headers"])).json()[0]
    assert (shown["caption"], shown["edited_at"]) == ("second #new @cid", edited["edited_at"])
    # the removed tag leaves the tag's list and its count; the new one has the post
    assert (await client.get("/tags/old", headers=bob["headers"])).status_code == 404
    assert (await client.get("/tags/old/posts", headers=bob["headers"])).status_code == 404
    new = (await client.get("/tags/new", headers=bob["headers"])).json()
    assert new["post_count"] == 1
    tagged = (await client.get("/tags/new/posts", headers=bob["headers"])).json()
    assert [p["id"] for p in tagged] == [created["id"]]
    # the new mention notifies cid
    notes = (await client.get("/notifications", headers=cid["headers"])).json()
    assert [(n["type"], n["post_id"], n["read"]) for n in notes] == [
        ("mention", created["id"], False)
    ]
    assert notes[0]["created_at"] == edited["edited_at"]
    # history, newest first: the current version, then the one replaced
    history = await client.get(f"/posts/{created['id']}/history", headers=bob["headers"])
    assert history.status_code == 200
    assert [v["caption"] for v in history.json()] == ["second #new @cid", "first #old @bob"]
    assert history.json()[1]["created_at"] == created["created_at"]


async def test_only_the_author_edits_and_bad_input_changes_nothing(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    created = factory.post(alice, "mine #tag")
    assert (await edit(client, bob, created["id"], caption="x")).status_code == 403
    assert (await edit(client, alice, "nope", caption="x")).status_code == 404
    too_long = await edit(client, alice, created["id"], caption="x" * 2201)
    assert too_long.status_code == 422
    assert too_long.json()["error"]["fields"][0]["field"] == "caption"
    unknown = await edit(
        client, alice, created["id"], caption="y", media=[{"id": "nope", "description": "a"}]
    )
    assert unknown.status_code == 422
    assert unknown.json()["error"]["fields"][0]["field"] == "media"
    typo = await edit(client, alice, created["id"], caption_text="y")
    assert typo.status_code == 422
    assert count(neo4j_driver, settings, "MATCH (e:PostEdit) RETURN count(e)") == 0
    view = (await client.get(f"/posts/{created['id']}", headers=alice["headers"])).json()
    assert (view["caption"], view["edited_at"]) == ("mine #tag", None)


async def test_history_is_hidden_like_the_post(client: httpx.AsyncClient, factory: Factory) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    cid, dee = factory.user("cid"), factory.user("dee")
    factory.follow(cid, alice)
    factory.follow(dee, alice)
    turned = await client.patch("/me", json={"private": True}, headers=alice["headers"])
    assert turned.status_code == 200
    created = factory.post(alice, "hidden")
    assert (await edit(client, alice, created["id"], caption="still hidden")).status_code == 200
    url = f"/posts/{created['id']}/history"
    assert (await client.get(url, headers=bob["headers"])).status_code == 404  # not a follower
    factory.block(dee, alice)
    assert (await client.get(url, headers=dee["headers"])).status_code == 404  # blocked
    assert len((await client.get(url, headers=cid["headers"])).json()) == 2
    assert (await edit(client, bob, created["id"], caption="x")).status_code == 404


async def test_alt_texts_are_edited_and_kept_in_history(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    media = (await upload(client, alice, files.picture("PNG", 40, 40))).json()
    await wait_ready(client, alice, media["id"])
    created = await client.post(
        "/posts", json={"caption": "pic", "media_ids": [media["id"]]}, headers=alice["headers"]
    )
    post_id = created.json()["id"]
    response = await edit(
        client, alice, post_id, media=[{"id": media["id"], "description": "a red square"}]
    )
    assert response.status_code == 200, response.text
    assert response.json()["caption"] == "pic"  # left out: unchanged
    assert response.json()["media"][0]["description"] == "a red square"
    history = (await client.get(f"/posts/{post_id}/history", headers=alice["headers"])).json()
    assert [v["media"] for v in history] == [
        [{"id": media["id"], "description": "a red square"}],
        [{"id": media["id"], "description": ""}],
    ]


async def test_two_edits_at_once_are_both_kept_in_commit_order(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    created = factory.post(alice, "v0")
    results = await asyncio.gather(
        *[edit(client, alice, created["id"], caption=f"v{i}") for i in range(1, 7)]
    )
    assert {r.status_code for r in results} == {200}
    history = (await client.get(f"/posts/{created['id']}/history", headers=alice["headers"])).json()
    captions = [v["caption"] for v in history]
    assert len(captions) == 7
    assert captions[-1] == "v0"
    assert sorted(captions) == [f"v{i}" for i in range(7)]
    current = (await client.get(f"/posts/{created['id']}", headers=alice["headers"])).json()
    # the post ends with the last edit committed: the newest version in the history
    assert current["caption"] == captions[0]
    times = [v["created_at"] for v in history]
    assert times == sorted(times, reverse=True)


async def test_an_edit_that_changes_nothing_records_no_version(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    created = factory.post(alice, "same")
    for body in ({}, {"caption": "same"}):
        response = await edit(client, alice, created["id"], **body)
        assert response.status_code == 200
        assert response.json()["edited_at"] is None
    history = await client.get(f"/posts/{created['id']}/history", headers=alice["headers"])
    assert [v["caption"] for v in history.json()] == ["same"]
