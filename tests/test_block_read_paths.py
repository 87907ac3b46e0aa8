"""A blocked pair cannot see each other anywhere: one test per read path, both directions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from tests.helpers import block, follow, ids, post, register

Users = dict[str, dict[str, Any]]


@pytest.fixture(params=["viewer_blocks", "viewer_is_blocked"])
async def pair(request: pytest.FixtureRequest, client: httpx.AsyncClient) -> Users:
    """`viewer` and `other` with some shared history, then a block in one direction."""
    viewer, other, third = [await register(client, n) for n in ("viewer", "other", "third")]
    users = {"viewer": viewer, "other": other, "third": third}
    await follow(client, viewer, other)
    await follow(client, other, viewer)
    await follow(client, viewer, third)
    await follow(client, other, third)
    users["other_post"] = await post(client, other, "by other #shared @viewer")
    users["third_post"] = await post(client, third, "by third #shared")
    users["viewer_post"] = await post(client, viewer, "by viewer @other")
    tp = users["third_post"]["id"]
    await client.post(f"/posts/{tp}/like", headers=other["headers"])
    await client.post(
        f"/posts/{tp}/comments", json={"text": "other here"}, headers=other["headers"]
    )
    vp = users["viewer_post"]["id"]
    await client.post(f"/posts/{vp}/like", headers=other["headers"])
    await client.post(f"/posts/{vp}/comments", json={"text": "hi"}, headers=other["headers"])
    if request.param == "viewer_blocks":
        await block(client, viewer, other)
    else:
        await block(client, other, viewer)
    return users


async def get(client: httpx.AsyncClient, users: Users, path: str, **params: Any) -> httpx.Response:
    return await client.get(path, params=params, headers=users["viewer"]["headers"])


async def test_profile_is_hidden(client: httpx.AsyncClient, pair: Users) -> None:
    assert (await get(client, pair, "/users/other")).status_code == 404


async def test_post_is_hidden(client: httpx.AsyncClient, pair: Users) -> None:
    assert (await get(client, pair, f"/posts/{pair['other_post']['id']}")).status_code == 404


async def test_user_posts_list_is_hidden(client: httpx.AsyncClient, pair: Users) -> None:
    assert (await get(client, pair, "/users/other/posts")).status_code == 404


async def test_follower_and_following_lists_hide_the_other(
    client: httpx.AsyncClient, pair: Users
) -> None:
    assert (await get(client, pair, "/users/other/followers")).status_code == 404
    third_followers = await get(client, pair, "/users/third/followers")
    assert [u["username"] for u in third_followers.json()] == ["viewer"]
    mine = await get(client, pair, "/users/viewer/followers")
    assert mine.json() == []


async def test_comments_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    comments = await get(client, pair, f"/posts/{pair['third_post']['id']}/comments")
    assert comments.json() == []
    view = await get(client, pair, f"/posts/{pair['third_post']['id']}")
    assert view.json()["comment_count"] == 0


async def test_likers_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    likers = await get(client, pair, f"/posts/{pair['third_post']['id']}/likes")
    assert likers.json() == []
    view = await get(client, pair, f"/posts/{pair['third_post']['id']}")
    assert view.json()["like_count"] == 0


async def test_feed_hides_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    got = ids((await get(client, pair, "/feed")).json())
    assert pair["other_post"]["id"] not in got
    assert pair["third_post"]["id"] in got


async def test_mentions_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    view = await get(client, pair, f"/posts/{pair['viewer_post']['id']}")
    assert view.json()["mentions"] == []


async def test_search_hides_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    found = await get(client, pair, "/search", q="oth")
    assert found.json()["users"] == []
    tags = await get(client, pair, "/search", q="#shared")
    assert tags.json()["hashtags"] == [{"name": "shared", "post_count": 1}]


async def test_suggestions_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    # third follows other: without the block, other would be suggested to a new follower of third
    newcomer = await register(client, "newcomer")
    await follow(client, newcomer, pair["third"])
    await follow(client, pair["third"], pair["other"])
    await follow(client, pair["third"], pair["viewer"])
    suggested = await client.get("/suggestions", headers=newcomer["headers"])
    assert {s["user"]["username"] for s in suggested.json()} == {"other", "viewer"}
    mine = await get(client, pair, "/suggestions")
    assert "other" not in {s["user"]["username"] for s in mine.json()}


async def test_notifications_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    notes = await get(client, pair, "/notifications")
    assert notes.status_code == 200
    assert "other" not in {n["account"]["username"] for n in notes.json()}
