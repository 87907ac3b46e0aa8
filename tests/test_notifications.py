"""Notifications derived from the graph, with a read marker."""

from __future__ import annotations

import httpx

from tests.helpers import follow, post, register


async def test_notifications_cover_every_kind_newest_first(client: httpx.AsyncClient) -> None:
    me, fan = await register(client, "meg"), await register(client, "fan")
    mine = await post(client, me, "my post")
    await follow(client, fan, me)
    await client.post(f"/posts/{mine['id']}/like", headers=fan["headers"])
    comment = await client.post(
        f"/posts/{mine['id']}/comments", json={"text": "wow"}, headers=fan["headers"]
    )
    theirs = await post(client, fan, "hello @meg")
    await client.patch("/me", json={"private": True}, headers=me["headers"])
    lurker = await register(client, "lurker")
    await client.post("/users/meg/follow", headers=lurker["headers"])

    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["type"], n["account"]["username"]) for n in notes] == [
        ("follow_request", "lurker"),
        ("mention", "fan"),
        ("comment", "fan"),
        ("like", "fan"),
        ("follow", "fan"),
    ]
    assert notes[1]["post_id"] == theirs["id"]
    assert notes[2]["comment_id"] == comment.json()["id"]
    assert not any(n["read"] for n in notes)


async def test_read_marker_and_pagination(client: httpx.AsyncClient) -> None:
    me = await register(client, "meg")
    fans = [await register(client, f"fan{i}") for i in range(4)]
    for fan in fans:
        await follow(client, fan, me)
    assert (await client.post("/notifications/read", headers=me["headers"])).status_code == 204
    late = await register(client, "late")
    await follow(client, late, me)
    page = await client.get("/notifications", params={"limit": 2}, headers=me["headers"])
    assert [(n["account"]["username"], n["read"]) for n in page.json()] == [
        ("late", False),
        ("fan3", True),
    ]
    rest = await client.get(
        "/notifications",
        params={"limit": 10, "max_id": page.json()[-1]["id"]},
        headers=me["headers"],
    )
    assert [n["account"]["username"] for n in rest.json()] == ["fan2", "fan1", "fan0"]


async def test_own_actions_do_not_notify(client: httpx.AsyncClient) -> None:
    me = await register(client, "meg")
    mine = await post(client, me, "note to self @meg")
    await client.post(f"/posts/{mine['id']}/like", headers=me["headers"])
    await client.post(f"/posts/{mine['id']}/comments", json={"text": "x"}, headers=me["headers"])
    assert (await client.get("/notifications", headers=me["headers"])).json() == []
