"""A suspended account and everything it wrote disappear from every read path, for a follower
and for a stranger, through both APIs and the feed's fast path; unsuspending brings it back.
A limited account leaves search and suggestions for everyone but its followers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from api.mastodon.ids import to_mastodon
from tests.fixtures.factories import Factory
from tests.helpers import ids

Users = dict[str, dict[str, Any]]


@pytest.fixture(params=["follower", "stranger"])
async def world(
    request: pytest.FixtureRequest, factory: Factory, client: httpx.AsyncClient
) -> Users:
    """`other` wrote posts, comments and likes the viewer saw (caches warm); then a moderator
    suspends `other`."""
    viewer, other, third = (factory.user(n) for n in ("viewer", "other", "third"))
    mod = factory.user("mod", role="moderator")
    users = {"viewer": viewer, "other": other, "third": third, "mod": mod}
    if request.param == "follower":
        factory.follow(viewer, other)
    factory.follow(viewer, third)
    factory.follow(other, third)
    factory.follow(other, viewer)
    users["other_post"] = factory.post(other, "by other #shared @viewer")
    users["third_post"] = factory.post(third, "by third #shared")
    users["viewer_post"] = factory.post(viewer, "by viewer")
    factory.like(other, users["third_post"])
    factory.comment(other, users["third_post"], "other here")
    factory.save(viewer, users["other_post"])
    h = viewer["headers"]
    # Warm the caches the suspension must clear: the feed (and its fast path), post views.
    await client.get("/feed", headers=h)
    await client.get(f"/posts/{users['other_post']['id']}", headers=h)
    await client.get(f"/posts/{users['third_post']['id']}", headers=h)
    done = await client.post(
        "/admin/accounts/other/suspend", json={"reason": "spam"}, headers=mod["headers"]
    )
    assert done.status_code == 200, done.text
    return users


async def get(client: httpx.AsyncClient, users: Users, path: str, **params: Any) -> httpx.Response:
    return await client.get(path, params=params, headers=users["viewer"]["headers"])


async def test_profile_and_lists_are_hidden(client: httpx.AsyncClient, world: Users) -> None:
    assert (await get(client, world, "/users/other")).status_code == 404
    assert (await get(client, world, "/users/other/posts")).status_code == 404
    assert (await get(client, world, "/users/other/followers")).status_code == 404
    third_followers = await get(client, world, "/users/third/followers")
    assert "other" not in [u["username"] for u in third_followers.json()]
    mine = await get(client, world, "/users/viewer/followers")
    assert mine.json() == []


async def test_posts_comments_and_likes_are_hidden(client: httpx.AsyncClient, world: Users) -> None:
    assert (await get(client, world, f"/posts/{world['other_post']['id']}")).status_code == 404
    third = world["third_post"]["id"]
    assert (await get(client, world, f"/posts/{third}/comments")).json() == []
    assert (await get(client, world, f"/posts/{third}/likes")).json() == []
    assert ids((await get(client, world, "/me/saved")).json()) == []


async def test_feed_hides_the_suspended_author(client: httpx.AsyncClient, world: Users) -> None:
    for _ in range(2):  # the first page is served from Redis the second time
        got = ids((await get(client, world, "/feed")).json())
        assert world["other_post"]["id"] not in got
        assert world["third_post"]["id"] in got


async def test_search_tags_and_suggestions_hide_the_suspended(
    client: httpx.AsyncClient, factory: Factory, world: Users
) -> None:
    assert (await get(client, world, "/search", q="oth")).json()["users"] == []
    tagged = await get(client, world, "/tags/shared/posts")
    assert ids(tagged.json()) == [world["third_post"]["id"]]
    newcomer = factory.user("newcomer")
    factory.follow(newcomer, world["third"])
    factory.follow(world["third"], world["other"])
    suggested = await client.get("/suggestions", headers=newcomer["headers"])
    assert "other" not in {s["user"]["username"] for s in suggested.json()}


async def test_notifications_hide_the_suspended(client: httpx.AsyncClient, world: Users) -> None:
    notes = (await get(client, world, "/notifications")).json()
    assert "other" not in {n["account"]["username"] for n in notes}


async def test_mastodon_surface_hides_the_suspended(
    client: httpx.AsyncClient, world: Users
) -> None:
    other = to_mastodon(world["other"]["id"])
    assert (await get(client, world, f"/api/v1/accounts/{other}")).status_code == 404
    post = to_mastodon(world["other_post"]["id"])
    assert (await get(client, world, f"/api/v1/statuses/{post}")).status_code == 404
    home = (await get(client, world, "/api/v1/timelines/home")).json()
    assert post not in [s["id"] for s in home]
    found = (await get(client, world, "/api/v2/search", q="other", type="accounts")).json()
    assert found["accounts"] == []


async def test_unsuspend_brings_everything_back(client: httpx.AsyncClient, world: Users) -> None:
    back = await client.post(
        "/admin/accounts/other/unsuspend", json={"reason": "appeal"},
        headers=world["mod"]["headers"],
    )  # fmt: skip
    assert back.status_code == 200
    assert (await get(client, world, f"/posts/{world['other_post']['id']}")).status_code == 200
    assert (await get(client, world, "/users/other")).status_code == 200
    assert ids((await get(client, world, "/me/saved")).json()) == [world["other_post"]["id"]]


async def test_a_limited_account_is_found_by_its_followers_only(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    fan, stranger, star = (factory.user(n) for n in ("fan", "stranger", "starlet"))
    mod = factory.user("mod", role="moderator")
    factory.follow(fan, star)
    post = factory.post(star, "hello")
    limited = await client.post(
        "/admin/accounts/starlet/limit", json={"reason": "spammy"}, headers=mod["headers"]
    )
    assert limited.json()["limited"] is True
    search = {"q": "starl"}
    seen_by_fan = await client.get("/search", params=search, headers=fan["headers"])
    assert [u["username"] for u in seen_by_fan.json()["users"]] == ["starlet"]
    seen = await client.get("/search", params=search, headers=stranger["headers"])
    assert seen.json()["users"] == []
    # Still there for whoever goes to it, and in its followers' feeds.
    assert (
        await client.get(f"/posts/{post['id']}", headers=stranger["headers"])
    ).status_code == 200
    assert post["id"] in ids((await client.get("/feed", headers=fan["headers"])).json())
    factory.follow(stranger, fan)
    suggested = await client.get("/suggestions", headers=stranger["headers"])
    assert "starlet" not in {s["user"]["username"] for s in suggested.json()}
    await client.post("/admin/accounts/starlet/unlimit", json={}, headers=mod["headers"])
    seen = await client.get("/search", params=search, headers=stranger["headers"])
    assert [u["username"] for u in seen.json()["users"]] == ["starlet"]
