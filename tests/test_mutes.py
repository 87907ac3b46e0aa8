"""Mutes: a muted account's posts leave the muter's home feed (the Cypher feed, the Redis full
path and the fast page alike) and its notifications stop, for a time or until unmuted; the muted
account is told nothing and still sees the muter."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import httpx
from fastapi import FastAPI

from tests.fixtures.feeds import cypher_feed
from tests.helpers import block, follow, ids, post, register
from tests.test_timelines import backends_of, drain, fast_pages, tl, tl_app  # noqa: F401


async def mute(
    client: httpx.AsyncClient, user: dict[str, Any], target: dict[str, Any], **terms: Any
) -> httpx.Response:
    return await client.put(
        f"/users/{target['username']}/mute", json=terms or None, headers=user["headers"]
    )


async def page(
    client: httpx.AsyncClient, app: FastAPI, user: dict[str, Any], *, served_fast: bool | None
) -> list[str]:
    """The newest feed page, read three times (the first reads cache the views and fragments),
    checked against the Cypher feed; `served_fast`: whether the last read came from the fast
    page's script (None: either)."""
    for _ in range(3):
        before = fast_pages()
        response = await client.get("/feed", headers=user["headers"])
        assert response.status_code == 200, response.text
    want = await cypher_feed(backends_of(app), user["id"])
    assert response.json() == want.items
    if served_fast is not None:
        assert (fast_pages() > before) is served_fast
    return ids(response.json())


async def test_a_muted_accounts_posts_leave_the_feed_and_the_fast_page_still_serves(
    tl: httpx.AsyncClient,  # noqa: F811
    tl_app: FastAPI,  # noqa: F811
) -> None:
    ann, bob, cid, dee = [await register(tl, n) for n in ("ann", "bob", "cid", "dee")]
    for author in (bob, cid):
        await follow(tl, ann, author)
    await follow(tl, dee, cid)  # cid has two followers: a celebrity, merged on read
    await page(tl, tl_app, ann, served_fast=None)
    b1, c1, b2 = await post(tl, bob, "b1"), await post(tl, cid, "c1"), await post(tl, bob, "b2")
    await drain(tl_app)
    assert await page(tl, tl_app, ann, served_fast=True) == [b2["id"], c1["id"], b1["id"]]

    # Muting a fanned-out author and a celebrity: both leave at once, and the fast page serves.
    muted = await mute(tl, ann, bob)
    assert muted.status_code == 200, muted.text
    assert muted.json() == {"muting": True, "notifications": True, "expires_at": None}
    assert (await mute(tl, ann, cid)).status_code == 200
    assert await page(tl, tl_app, ann, served_fast=True) == []
    # New posts of a muted account are not pushed to the muter; others' still are.
    await post(tl, bob, "b3")
    await post(tl, cid, "c2")
    await follow(tl, ann, dee)
    d1 = await post(tl, dee, "d1")
    await drain(tl_app)
    assert await page(tl, tl_app, ann, served_fast=True) == [d1["id"]]
    home = backends_of(tl_app).settings.timeline_namespace
    held = await backends_of(tl_app).redis.zrange(f"{home}:{{u:{ann['id']}}}:home", 0, -1)
    assert b2["id"] not in {str(h) for h in held}

    # They are told nothing and still see the muter: bob's view of ann is unchanged.
    theirs = await tl.get(f"/users/{ann['username']}", headers=bob["headers"])
    assert theirs.status_code == 200
    assert theirs.json()["relationship"]["muting"] is False
    mine = await tl.get(f"/users/{bob['username']}", headers=ann["headers"])
    assert mine.json()["relationship"]["muting"] is True

    # Unmuting brings the posts back, including those posted during the mute (six posts: past
    # the test's timeline cap of five, so the page comes partly from the graph).
    for other in (bob, cid):
        unmuted = await tl.delete(f"/users/{other['username']}/mute", headers=ann["headers"])
        assert unmuted.status_code == 204
    shown = await page(tl, tl_app, ann, served_fast=None)
    assert len(shown) == 6
    assert b2["id"] in shown


async def test_a_timed_mute_ends_at_its_time(
    tl: httpx.AsyncClient,  # noqa: F811
    tl_app: FastAPI,  # noqa: F811
) -> None:
    ann, bob = await register(tl, "ann"), await register(tl, "bob")
    await follow(tl, ann, bob)
    b1 = await post(tl, bob, "b1")
    await drain(tl_app)
    await page(tl, tl_app, ann, served_fast=None)
    assert await page(tl, tl_app, ann, served_fast=True) == [b1["id"]]
    # Long enough that the checks before its end finish first on a loaded machine.
    muted = await mute(tl, ann, bob, duration=10)
    assert muted.status_code == 200, muted.text
    ends = datetime.fromisoformat(muted.json()["expires_at"])
    b2 = await post(tl, bob, "b2")
    await drain(tl_app)
    assert await page(tl, tl_app, ann, served_fast=True) == []
    listed = await tl.get("/me/mutes", headers=ann["headers"])
    assert [u["username"] for u in listed.json()] == ["bob"]
    await asyncio.sleep(max(0.0, (ends - datetime.now(UTC)).total_seconds()) + 0.1)
    # The mute has ended: the page goes down the full path once, which brings the posts back.
    assert await page(tl, tl_app, ann, served_fast=True) == [b2["id"], b1["id"]]
    assert (await tl.get("/me/mutes", headers=ann["headers"])).json() == []
    profile = await tl.get(f"/users/{bob['username']}", headers=ann["headers"])
    assert profile.json()["relationship"]["muting"] is False


async def test_mutes_list_newest_first_with_cursors(client: httpx.AsyncClient) -> None:
    me = await register(client, "muter")
    others = [await register(client, f"mu{i}") for i in range(3)]
    for other in others:
        assert (await mute(client, me, other)).status_code == 200
    first = await client.get("/me/mutes", params={"limit": 2}, headers=me["headers"])
    assert [u["username"] for u in first.json()] == ["mu2", "mu1"]
    older = re.search(r'<[^>]*[?&]max_id=([^&>]+)[^>]*>; rel="next"', first.headers["link"])
    assert older is not None
    second = await client.get("/me/mutes", params={"max_id": older.group(1)}, headers=me["headers"])
    assert [u["username"] for u in second.json()] == ["mu0"]


async def test_bad_mutes_are_refused_and_change_nothing(client: httpx.AsyncClient) -> None:
    me, other, blocker = [await register(client, n) for n in ("bad1", "bad2", "bad3")]
    refused = await mute(client, me, other, duration=-5)
    assert refused.status_code == 422
    assert "error" in refused.json()
    assert (await mute(client, me, me)).status_code == 422
    assert (await mute(client, me, {"username": "nobody_here"})).status_code == 404
    await block(client, blocker, me)
    assert (await mute(client, me, blocker)).status_code == 404
    assert (await client.get("/me/mutes", headers=me["headers"])).json() == []


async def test_a_muted_accounts_notifications_stop_unless_asked_to_keep_them(
    client: httpx.AsyncClient,
) -> None:
    ann, bob, cid = [await register(client, n) for n in ("nann", "nbob", "ncid")]
    mine = await post(client, ann, "hello")
    assert (await mute(client, ann, bob)).status_code == 200
    assert (await mute(client, ann, cid, notifications=False)).status_code == 200
    for user in (bob, cid):
        liked = await client.post(f"/posts/{mine['id']}/like", headers=user["headers"])
        assert liked.status_code in (200, 201, 204), liked.text
        await follow(client, user, ann)
    found = (await client.get("/notifications", headers=ann["headers"])).json()
    actors = {a["username"] for n in found for a in n.get("accounts", [n.get("account")]) if a}
    assert "ncid" in actors
    assert "nbob" not in actors
    # Unmuted: bob's notifications show again.
    await client.delete(f"/users/{bob['username']}/mute", headers=ann["headers"])
    found = (await client.get("/notifications", headers=ann["headers"])).json()
    actors = {a["username"] for n in found for a in n.get("accounts", [n.get("account")]) if a}
    assert "nbob" in actors
