"""Audiences: a post for close friends, mutual follows or followers of at least N days reaches
only them, on every read path of both APIs and on the home feed's Cypher and Redis paths; leaving
the audience takes it away at once, joining it brings it back; close friends are a list the
author keeps (`PUT`/`DELETE`/`GET /me/close-friends`), and nobody is told.

Each read-path test runs for each audience: `insider` is in it (a close friend; followed back; a
follower of 60 days), `outsider` follows the author too but is not."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from api.discovery import suggestions
from api.mastodon.ids import to_mastodon
from backends import Backends
from graph.schema import migrate
from tests.fixtures.factories import Factory, User
from tests.fixtures.feeds import cypher_feed
from tests.helpers import ids
from timelines import fanout, fastpage, feed

AUDIENCES: dict[str, Any] = {
    "close_friends": "close_friends",
    "mutuals": "mutuals",
    "followers_for_days": {"followers_for_days": 30},
}


@dataclass
class World:
    kind: str
    amy: User  # the author
    insider: User
    outsider: User
    limited: dict[str, Any]  # amy's post for the audience, as POST /posts answered it
    open: dict[str, Any]  # amy's post for everyone
    backends: Backends


async def get(client: httpx.AsyncClient, who: User, path: str, **params: Any) -> httpx.Response:
    return await client.get(path, params=params, headers=who["headers"])


async def make_post(
    client: httpx.AsyncClient, who: User, caption: str, audience: Any
) -> dict[str, Any]:
    made = await client.post(
        "/posts", json={"caption": caption, "audience": audience}, headers=who["headers"]
    )
    assert made.status_code == 201, made.text
    body: dict[str, Any] = made.json()
    return body


@pytest.fixture(params=sorted(AUDIENCES))
async def world(
    request: pytest.FixtureRequest, factory: Factory, client: httpx.AsyncClient, app: FastAPI
) -> World:
    kind: str = request.param
    amy, insider, outsider = (factory.user(n) for n in ("amy", "insider", "outsider"))
    factory.follow(insider, amy)
    factory.follow(outsider, amy)
    if kind == "close_friends":
        factory.close_friend(amy, insider)
    elif kind == "mutuals":
        factory.follow(amy, insider)
    else:
        factory.age_follow(insider, amy, 60)
    backends: Backends = app.state.backends
    for who in (amy, insider, outsider):  # timelines exist: the post is fanned out to them
        assert (await get(client, who, "/feed")).status_code == 200
    open_post = await make_post(client, amy, "for everyone #shared", "everyone")
    limited = await make_post(
        client, amy, "for some #shared #secretive @insider @outsider", AUDIENCES[kind]
    )
    await fanout.wait_drained(backends)
    return World(kind, amy, insider, outsider, limited, open_post, backends)


async def feed_ids(w: World, who: User) -> dict[str, list[str]]:
    """The viewer's first feed page from each path: the Cypher feed (the truth), the full Redis
    merge, the fast page (one Lua script: it must serve it) and `GET /feed`."""
    viewer = who["id"]
    truth = await cypher_feed(w.backends, viewer, limit=20)
    merged = await feed.home(w.backends, viewer, feed.Cursors(21))
    fast = await fastpage.home_page(w.backends, limit=20, max_id=None, viewer_id=viewer)
    if fast is None:  # a full-path read of cached views caches the fragments it needs
        await feed.home(w.backends, viewer, feed.Cursors(21))
        fast = await fastpage.home_page(w.backends, limit=20, max_id=None, viewer_id=viewer)
    assert fast is not None, "the fast page declined a plain page"
    return {"cypher": truth.ids, "redis": ids(merged)[:20], "fast": fast[1][:20]}


async def test_a_post_shows_its_audience(client: httpx.AsyncClient, world: World) -> None:
    assert world.limited["audience"] == AUDIENCES[world.kind]
    assert world.open["audience"] == "everyone"
    seen = await get(client, world.insider, f"/posts/{world.limited['id']}")
    assert seen.status_code == 200
    assert seen.json()["audience"] == AUDIENCES[world.kind]
    own = await get(client, world.amy, f"/posts/{world.limited['id']}")
    assert own.json()["audience"] == AUDIENCES[world.kind]


@pytest.mark.parametrize(
    "audience",
    [
        "friends",
        {"followers_for_days": 0},
        {"followers_for_days": 3651},
        {"followers_for_days": "many"},
        {"followers_for_days": 3, "extra": 1},
        {"days": 3},
        None,
    ],
)
async def test_a_bad_audience_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, factory: Factory, audience: Any
) -> None:
    amy = factory.user("amy")
    made = await client.post(
        "/posts", json={"caption": "x", "audience": audience}, headers=amy["headers"]
    )
    assert made.status_code == 422, made.text
    error = made.json()["error"]
    assert error["code"] == "validation_error"
    assert any(f["field"].startswith("audience") for f in error["fields"])
    assert (await get(client, amy, "/users/amy/posts")).json() == []


async def test_the_post_and_what_hangs_on_it(
    client: httpx.AsyncClient, factory: Factory, world: World
) -> None:
    post_id = world.limited["id"]
    factory.comment(world.amy, world.limited, "a comment")
    factory.like(world.insider, world.limited)
    for path in ("", "/comments", "/likes", "/history", "/save"):
        assert (await get(client, world.insider, f"/posts/{post_id}{path}")).status_code == 200
        assert (await get(client, world.outsider, f"/posts/{post_id}{path}")).status_code == 404
    liked = await client.post(f"/posts/{post_id}/like", headers=world.outsider["headers"])
    assert liked.status_code == 404
    commented = await client.post(
        f"/posts/{post_id}/comments", json={"text": "hi"}, headers=world.outsider["headers"]
    )
    assert commented.status_code == 404
    saved = await client.put(f"/posts/{post_id}/save", headers=world.outsider["headers"])
    assert saved.status_code == 404


async def test_profile_grid_and_hashtag_pages(client: httpx.AsyncClient, world: World) -> None:
    both = [world.limited["id"], world.open["id"]]
    for path in ("/users/amy/posts", "/tags/shared/posts"):
        assert ids((await get(client, world.insider, path)).json()) == both
        assert ids((await get(client, world.outsider, path)).json()) == [world.open["id"]]
    # A page of one: the post for the audience is skipped by the seek, not cut from a page.
    page = await get(client, world.outsider, "/users/amy/posts", limit=1)
    assert ids(page.json()) == [world.open["id"]]
    # Tag counts leave out posts for a narrower audience, for everyone: a tag only such a post
    # carries is not known.
    assert (await get(client, world.outsider, "/tags/shared")).json()["post_count"] == 1
    assert (await get(client, world.outsider, "/tags/secretive")).status_code == 404
    found = await get(client, world.outsider, "/search", q="secret")
    assert found.json()["hashtags"] == []


async def test_home_feed_on_every_path(client: httpx.AsyncClient, world: World) -> None:
    for _ in range(2):  # the second time, every fragment is cached
        inside = await feed_ids(world, world.insider)
        outside = await feed_ids(world, world.outsider)
    for path in ("cypher", "redis", "fast"):
        assert inside[path] == [world.limited["id"], world.open["id"]], path
        assert outside[path] == [world.open["id"]], path
    served = await get(client, world.outsider, "/feed")
    assert ids(served.json()) == [world.open["id"]]


async def test_a_post_in_flight_reaches_only_its_audience(
    client: httpx.AsyncClient, world: World
) -> None:
    """Read before the fan-out ran: the post is in the in-flight set, which every follower's
    feed merges; only those in its audience get it."""
    k = fanout.keys(world.backends)
    second = await make_post(client, world.amy, "again", AUDIENCES[world.kind])
    # Let the real fan-out finish first: it ends by taking the post out of the in-flight set,
    # which, after the lines below, would leave it in neither place.
    await fanout.wait_drained(world.backends, timeout_s=20)
    await world.backends.redis.zadd(k.inflight, {second["id"]: 0})  # as if still in flight
    await world.backends.redis.zrem(k.home(world.insider["id"]), second["id"])
    await world.backends.redis.zrem(k.home(world.outsider["id"]), second["id"])
    inside = await feed.home(world.backends, world.insider["id"], feed.Cursors(21))
    outside = await feed.home(world.backends, world.outsider["id"], feed.Cursors(21))
    assert second["id"] in ids(inside)
    assert second["id"] not in ids(outside)
    fast = await fastpage.home_page(
        world.backends, limit=20, max_id=None, viewer_id=world.outsider["id"]
    )
    assert fast is None or second["id"] not in fast[1]
    await world.backends.redis.zrem(k.inflight, second["id"])


async def test_saved_posts(client: httpx.AsyncClient, world: World) -> None:
    saved = await client.put(f"/posts/{world.limited['id']}/save", headers=world.insider["headers"])
    assert saved.status_code == 200
    assert ids((await get(client, world.insider, "/me/saved")).json()) == [world.limited["id"]]
    await leave(client, world)
    assert (await get(client, world.insider, "/me/saved")).json() == []


async def test_notifications(client: httpx.AsyncClient, world: World) -> None:
    def mentions(response: httpx.Response) -> list[str | None]:
        return [n["post_id"] for n in response.json() if n["type"] == "mention"]

    assert mentions(await get(client, world.insider, "/notifications")) == [world.limited["id"]]
    assert mentions(await get(client, world.outsider, "/notifications")) == []


async def test_explore(client: httpx.AsyncClient, factory: Factory, world: World) -> None:
    """A scout follows the insider, who liked both posts; the scout does not follow the author,
    so is outside every audience but close friends, which the scout is not on either."""
    scout = factory.user("scout")
    factory.follow(scout, world.insider)
    factory.like(world.insider, world.limited)
    factory.like(world.insider, world.open)
    for _ in range(2):  # sampled on the request path, then from the kept list
        shown = await get(client, scout, "/explore")
        await suggestions.drain()
        assert [item["post"]["id"] for item in shown.json()] == [world.open["id"]]


async def test_mastodon_surface(client: httpx.AsyncClient, factory: Factory, world: World) -> None:
    status = to_mastodon(world.limited["id"])
    comment = factory.comment(world.amy, world.limited, "a reply")
    seen = await get(client, world.insider, f"/api/v1/statuses/{status}")
    assert seen.status_code == 200
    assert seen.json()["visibility"] == "private"
    public = await get(client, world.insider, f"/api/v1/statuses/{to_mastodon(world.open['id'])}")
    assert public.json()["visibility"] == "public"
    for path in ("", "/context", "/favourited_by", "/history", "/source"):
        hidden = await get(client, world.outsider, f"/api/v1/statuses/{status}{path}")
        assert hidden.status_code == 404, path
        assert hidden.json() == {"error": "Record not found"}
    reply = await get(client, world.outsider, f"/api/v1/statuses/{to_mastodon(comment['id'])}")
    assert reply.status_code == 404
    account = to_mastodon(world.amy["id"])
    for path in (
        "/api/v1/timelines/home",
        f"/api/v1/accounts/{account}/statuses",
        "/api/v1/timelines/tag/shared",
    ):
        inside = [s["id"] for s in (await get(client, world.insider, path)).json()]
        outside = [s["id"] for s in (await get(client, world.outsider, path)).json()]
        assert status in inside, path
        assert status not in outside, path
        assert to_mastodon(world.open["id"]) in outside, path


async def post_counts(client: httpx.AsyncClient, w: World, who: User) -> tuple[int, int]:
    """The author's post count as `who` sees it: on the profile and on Mastodon's Account."""
    profile = await get(client, who, "/users/amy")
    assert profile.status_code == 200, profile.text
    account = await get(client, who, f"/api/v1/accounts/{to_mastodon(w.amy['id'])}")
    assert account.status_code == 200, account.text
    return profile.json()["post_count"], account.json()["statuses_count"]


async def test_a_profile_counts_only_the_posts_the_viewer_may_see(
    client: httpx.AsyncClient, factory: Factory, world: World
) -> None:
    stranger = factory.user("stranger")
    assert await post_counts(client, world, world.amy) == (2, 2)
    assert await post_counts(client, world, world.outsider) == (1, 1)
    assert await post_counts(client, world, stranger) == (1, 1)
    # followers-for-days posts are counted for the author alone (see cypher/README.md).
    inside = 1 if world.kind == "followers_for_days" else 2
    assert await post_counts(client, world, world.insider) == (inside, inside)
    # Graphs written before the counts were kept get them from the migration.
    factory.driver.execute_query(
        "MATCH (u:User) REMOVE u.posts_close_friends, u.posts_mutuals, u.posts_followers_for_days",
        database_=factory.settings.neo4j_database,
    )
    migrate(factory.settings, ("admin/backfill_audience_counts",))
    assert await post_counts(client, world, world.outsider) == (1, 1)
    assert await post_counts(client, world, world.insider) == (inside, inside)
    # Leaving the audience, and the post's deletion, move the count at once.
    await leave(client, world)
    assert await post_counts(client, world, world.insider) == (1, 1)
    deleted = await client.delete(f"/posts/{world.limited['id']}", headers=world.amy["headers"])
    assert deleted.status_code == 204, deleted.text
    assert await post_counts(client, world, world.amy) == (1, 1)
    assert await post_counts(client, world, world.outsider) == (1, 1)
    mine = await make_post(client, world.amy, "another", AUDIENCES[world.kind])
    assert await post_counts(client, world, world.amy) == (2, 2)
    assert await post_counts(client, world, world.outsider) == (1, 1)
    assert mine["audience"] == AUDIENCES[world.kind]


async def leave(client: httpx.AsyncClient, w: World) -> None:
    """The insider leaves the audience: taken off the close friends; unfollowed by the author
    (no longer mutual); or unfollows and follows again (a new follow is too young)."""
    if w.kind == "close_friends":
        done = await client.delete("/me/close-friends/insider", headers=w.amy["headers"])
        assert done.status_code == 200, done.text
    elif w.kind == "mutuals":
        done = await client.delete("/users/insider/follow", headers=w.amy["headers"])
        assert done.status_code == 200, done.text
    else:
        done = await client.delete("/users/amy/follow", headers=w.insider["headers"])
        assert done.status_code == 200, done.text
        again = await client.post("/users/amy/follow", headers=w.insider["headers"])
        assert again.status_code == 200, again.text


async def test_leaving_the_audience_takes_the_post_away_at_once(
    client: httpx.AsyncClient, world: World
) -> None:
    before = await feed_ids(world, world.insider)
    assert world.limited["id"] in before["fast"]
    await leave(client, world)
    after = await feed_ids(world, world.insider)
    for path in ("cypher", "redis", "fast"):
        assert after[path] == [world.open["id"]], path
    gone = await get(client, world.insider, f"/posts/{world.limited['id']}")
    assert gone.status_code == 404
    grid = await get(client, world.insider, "/users/amy/posts")
    assert ids(grid.json()) == [world.open["id"]]


async def test_joining_the_audience_brings_the_post_in(
    client: httpx.AsyncClient, factory: Factory, world: World
) -> None:
    """Close friends and mutual follows: the post joins the timeline of one who joins the
    audience. Followers of N days who become eligible later see it on the profile and the
    post's page, not in the feed (the feed's rule: N days when it was posted)."""
    await leave(client, world)
    if world.kind == "close_friends":
        done = await client.put("/me/close-friends/insider", headers=world.amy["headers"])
        assert done.json() == {"close_friend": True}
    elif world.kind == "mutuals":
        done = await client.post("/users/insider/follow", headers=world.amy["headers"])
        assert done.status_code == 200
    else:
        factory.advance_clock(60)  # the new follow is 60 days old now
    after = await feed_ids(world, world.insider)
    seen = await get(client, world.insider, f"/posts/{world.limited['id']}")
    assert seen.status_code == 200
    want = [world.open["id"]] if world.kind == "followers_for_days" else None
    want = want or [world.limited["id"], world.open["id"]]
    for path in ("cypher", "redis", "fast"):
        assert after[path] == want, path


async def test_close_friends_list(client: httpx.AsyncClient, factory: Factory) -> None:
    amy, bo, cy, dee = (factory.user(n) for n in ("amy", "bo", "cy", "dee"))
    h = amy["headers"]
    for friend in ("bo", "cy", "dee", "cy"):  # again: idempotent
        done = await client.put(f"/me/close-friends/{friend}", headers=h)
        assert done.status_code == 200, done.text
    listed = await get(client, amy, "/me/close-friends")
    assert [u["username"] for u in listed.json()] == ["dee", "cy", "bo"]
    first = await get(client, amy, "/me/close-friends", limit=2)
    assert [u["username"] for u in first.json()] == ["dee", "cy"]
    assert 'rel="next"' in first.headers["link"]
    removed = await client.delete("/me/close-friends/cy", headers=h)
    assert removed.json() == {"close_friend": False}
    again = await client.delete("/me/close-friends/cy", headers=h)
    assert again.status_code == 200
    assert [u["username"] for u in (await get(client, amy, "/me/close-friends")).json()] == [
        "dee",
        "bo",
    ]
    # The people on it are not told, and the list is the owner's alone.
    assert (await get(client, bo, "/notifications")).json() == []
    assert (await get(client, bo, "/me/close-friends")).json() == []
    # Nobody unknown, not oneself, nobody across a block (and a block takes them off).
    assert (await client.put("/me/close-friends/nobody", headers=h)).status_code == 404
    assert (await client.put("/me/close-friends/amy", headers=h)).status_code == 422
    factory.block(dee, amy)
    assert (await client.put("/me/close-friends/dee", headers=h)).status_code == 404
    assert [u["username"] for u in (await get(client, amy, "/me/close-friends")).json()] == ["bo"]
    assert cy  # named for the list above
