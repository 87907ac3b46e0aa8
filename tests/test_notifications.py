"""Notifications derived from the graph, with a read marker."""

from __future__ import annotations

import httpx

from tests.fixtures.factories import Factory
from tests.helpers import post


async def test_notifications_cover_every_kind_newest_first(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me, fan = factory.user("meg"), factory.user("fan")
    mine = factory.post(me, "my post")
    factory.follow(fan, me)
    factory.like(fan, mine)
    comment = factory.comment(fan, mine, "wow")
    theirs = factory.post(fan, "hello @meg")
    await client.patch("/me", json={"private": True}, headers=me["headers"])
    lurker = factory.user("lurker")
    factory.follow(lurker, me)  # meg is private now: a request

    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["type"], n["account"]["username"]) for n in notes] == [
        ("follow_request", "lurker"),
        ("mention", "fan"),
        ("comment", "fan"),
        ("like", "fan"),
        ("follow", "fan"),
    ]
    assert notes[1]["post_id"] == theirs["id"]
    assert notes[2]["comment_id"] == comment["id"]
    assert not any(n["read"] for n in notes)


async def test_read_marker_and_pagination(client: httpx.AsyncClient, factory: Factory) -> None:
    me = factory.user("meg")
    fans = [factory.user(f"fan{i}") for i in range(4)]
    for fan in fans:
        factory.follow(fan, me)
    assert (await client.post("/notifications/read", headers=me["headers"])).status_code == 204
    late = factory.user("late")
    factory.follow(late, me)
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


async def test_own_actions_do_not_notify(client: httpx.AsyncClient, factory: Factory) -> None:
    me = factory.user("meg")
    mine = await post(client, me, "note to self @meg")
    await client.post(f"/posts/{mine['id']}/like", headers=me["headers"])
    await client.post(f"/posts/{mine['id']}/comments", json={"text": "x"}, headers=me["headers"])
    assert (await client.get("/notifications", headers=me["headers"])).json() == []
