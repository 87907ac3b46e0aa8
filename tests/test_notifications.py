"""Notifications recorded where they happen, likes grouped per post, with a read marker."""

from __future__ import annotations

import httpx
from neo4j import Driver

from cypher import statements
from graphgram.settings import Settings
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


async def test_likes_on_a_post_are_one_item_with_the_latest_accounts_and_a_count(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me = factory.user("meg")
    mine, other = factory.post(me, "popular"), factory.post(me, "quiet")
    fans = [factory.user(f"fan{i}") for i in range(5)]
    pest = factory.user("pest")
    factory.like(pest, mine)
    for fan in fans:
        factory.like(fan, mine)
    factory.like(me, mine)  # the author's own like is no notification and not counted
    factory.like(fans[0], other)
    factory.block(me, pest)  # a blocked liker is left out of the accounts and the count

    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["type"], n["post_id"], n["count"]) for n in notes] == [
        ("like", other["id"], 1),
        ("like", mine["id"], 5),
    ]
    group = notes[1]
    assert [a["username"] for a in group["accounts"]] == ["fan4", "fan3", "fan2"]
    assert group["account"] == group["accounts"][0]
    assert notes[0]["accounts"] == [notes[0]["account"]]

    # A new like moves its post's group to the top; taking it back moves the group back.
    liked = await client.post(f"/posts/{mine['id']}/like", headers=fans[1]["headers"])
    assert liked.status_code in {200, 201, 204}, liked.text
    late = factory.user("late")
    await client.post(f"/posts/{mine['id']}/like", headers=late["headers"])
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["post_id"], n["count"], n["account"]["username"]) for n in notes] == [
        (mine["id"], 6, "late"),
        (other["id"], 1, "fan0"),
    ]
    await client.delete(f"/posts/{mine['id']}/like", headers=late["headers"])
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["post_id"], n["count"], n["account"]["username"]) for n in notes] == [
        (other["id"], 1, "fan0"),
        (mine["id"], 5, "fan4"),
    ]
    # The last like from someone else taken back: no group left for that post.
    await client.delete(f"/posts/{other['id']}/like", headers=fans[0]["headers"])
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [n["post_id"] for n in notes] == [mine["id"]]


async def test_a_like_group_is_unread_again_after_a_new_like(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me, fan, late = factory.user("meg"), factory.user("fan"), factory.user("late")
    mine = factory.post(me, "post")
    factory.like(fan, mine)
    await client.post("/notifications/read", headers=me["headers"])
    [group] = (await client.get("/notifications", headers=me["headers"])).json()
    assert group["read"]
    assert group["count"] == 1
    await client.post(f"/posts/{mine['id']}/like", headers=late["headers"])
    [group] = (await client.get("/notifications", headers=me["headers"])).json()
    assert not group["read"]
    assert group["count"] == 2
    assert [a["username"] for a in group["accounts"]] == ["late", "fan"]


async def test_a_reply_on_your_own_post_is_one_notification(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    me, fan = factory.user("meg"), factory.user("fan")
    mine = factory.post(me, "post")
    parent = factory.comment(me, mine, "first")
    reply = factory.comment(fan, mine, "reply", reply_to=parent["id"])
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["type"], n["comment_id"]) for n in notes] == [("comment", reply["id"])]


async def test_like_groups_are_backfilled_for_a_graph_written_before_them(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    me, fan, late = factory.user("meg"), factory.user("fan"), factory.user("late")
    mine, own = factory.post(me, "liked by others"), factory.post(me, "liked by me only")
    for user, post_ in ((fan, mine), (late, mine), (me, mine), (me, own)):
        factory.like(user, post_)
    # As an older graph has it: likes, but no like-group properties on the posts.
    neo4j_driver.execute_query(
        "MATCH (p:Post) REMOVE p.last_like, p.last_like_at, p.liked_by_author",
        database_=settings.neo4j_database,
    )
    assert (await client.get("/notifications", headers=me["headers"])).json() == []
    with neo4j_driver.session(database=settings.neo4j_database) as session:
        [statement] = statements("admin/backfill_notifications")
        assert session.run(statement).consume().counters.contains_updates
        # A second run finds nothing left to do.
        assert not session.run(statement).consume().counters.contains_updates
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["post_id"], n["count"]) for n in notes] == [(mine["id"], 2)]
    assert [a["username"] for a in notes[0]["accounts"]] == ["late", "fan"]
    # The author's own like was found too: taking it back leaves the count alone.
    await client.delete(f"/posts/{mine['id']}/like", headers=me["headers"])
    notes = (await client.get("/notifications", headers=me["headers"])).json()
    assert [(n["post_id"], n["count"]) for n in notes] == [(mine["id"], 2)]
