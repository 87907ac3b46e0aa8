"""A blocked pair cannot see each other anywhere: one test per read path, both directions."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.discovery import suggestions
from tests.fixtures.factories import Factory
from tests.helpers import ids

Users = dict[str, dict[str, Any]]


@pytest.fixture(params=["viewer_blocks", "viewer_is_blocked"])
def pair(request: pytest.FixtureRequest, factory: Factory) -> Users:
    """`viewer` and `other` with some shared history, then a block in one direction."""
    viewer, other, third = [factory.user(n) for n in ("viewer", "other", "third")]
    users = {"viewer": viewer, "other": other, "third": third}
    factory.follow(viewer, other)
    factory.follow(other, viewer)
    factory.follow(viewer, third)
    factory.follow(other, third)
    users["other_post"] = factory.post(other, "by other #shared @viewer")
    users["third_post"] = factory.post(third, "by third #shared")
    users["viewer_post"] = factory.post(viewer, "by viewer @other")
    factory.like(other, users["third_post"])
    factory.comment(other, users["third_post"], "other here")
    factory.like(other, users["viewer_post"])
    factory.comment(other, users["viewer_post"], "hi")
    factory.save(viewer, users["other_post"])
    factory.save(viewer, users["third_post"])
    if request.param == "viewer_blocks":
        factory.block(viewer, other)
    else:
        factory.block(other, viewer)
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


async def test_suggestions_hide_the_other(
    client: httpx.AsyncClient, factory: Factory, pair: Users
) -> None:
    # third follows other: without the block, other would be suggested to a new follower of third
    newcomer = factory.user("newcomer")
    factory.follow(newcomer, pair["third"])
    factory.follow(pair["third"], pair["other"])
    factory.follow(pair["third"], pair["viewer"])
    suggested = await client.get("/suggestions", headers=newcomer["headers"])
    assert {s["user"]["username"] for s in suggested.json()} == {"other", "viewer"}
    mine = await get(client, pair, "/suggestions")
    assert "other" not in {s["user"]["username"] for s in mine.json()}


async def test_notifications_hide_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    notes = await get(client, pair, "/notifications")
    assert notes.status_code == 200
    assert "other" not in {n["account"]["username"] for n in notes.json()}


async def test_post_history_is_hidden(client: httpx.AsyncClient, pair: Users) -> None:
    history = await get(client, pair, f"/posts/{pair['other_post']['id']}/history")
    assert history.status_code == 404
    assert (
        await get(client, pair, f"/posts/{pair['third_post']['id']}/history")
    ).status_code == 200


async def test_saved_posts_drop_the_other(client: httpx.AsyncClient, pair: Users) -> None:
    saved = await get(client, pair, "/me/saved")
    assert ids(saved.json()) == [pair["third_post"]["id"]]
    assert (await get(client, pair, f"/posts/{pair['other_post']['id']}/save")).status_code == 404
    mine = await get(client, pair, f"/posts/{pair['third_post']['id']}/save")
    assert mine.json() == {"saved": True}


async def test_explore_hides_the_other(
    client: httpx.AsyncClient, pair: Users, factory: Factory
) -> None:
    # Someone the viewer follows likes the other's post: without the block it would be shown.
    factory.like(pair["third"], pair["other_post"])
    for _ in range(2):  # sampled on the request path, then from the list kept off it
        found = await get(client, pair, "/explore")
        assert found.status_code == 200
        assert pair["other_post"]["id"] not in [item["post"]["id"] for item in found.json()]
        await suggestions.drain()


async def test_trending_tags_count_nothing_of_the_other(
    client: httpx.AsyncClient, pair: Users
) -> None:
    found = await get(client, pair, "/explore/tags")
    assert found.status_code == 200
    # #shared: the third account's post only, not the other's.
    assert found.json() == [{"name": "shared", "uses": 1, "accounts": 1}]
