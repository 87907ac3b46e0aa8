"""Stories through the real path: posting, the tray's order and seen state, viewers, highlights,
expiry by the test clock (the API's `clock_offset_s`, never sleeping), the media's life at the
edge, visibility on every story read path, and a moderator's removal."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from fastapi import FastAPI
from minio import Minio
from neo4j import Driver

from api.mastodon.ids import to_mastodon
from backends import Backends
from graphgram.errors import Unprocessable
from graphgram.settings import Settings
from media.storage import object_exists
from media.sweep import sweep
from services import posts as post_service
from services import stories as story_service
from tests.fixtures.factories import Factory, User
from tests.test_edge_purge import cached, unique_picture

DAY = 24 * 3600
Clock = Callable[[float], None]


@pytest.fixture
def clock(app: FastAPI) -> Iterator[Clock]:
    """Moves the API's clock (`clock_offset_s`) by the given seconds; put back after the test."""
    settings: Settings = app.state.backends.settings

    def move(seconds: float) -> None:
        settings.clock_offset_s = seconds

    yield move
    settings.clock_offset_s = 0.0


def backends_of(app: FastAPI) -> Backends:
    found: Backends = app.state.backends
    return found


async def upload(client: httpx.AsyncClient, user: User) -> dict[str, Any]:
    answer = await client.post(
        "/media",
        files={"file": ("p.png", unique_picture(), "image/png")},
        headers=user["headers"],
    )
    assert answer.status_code == 201, answer.text
    body: dict[str, Any] = answer.json()
    return body


async def story(client: httpx.AsyncClient, user: User, audience: Any = None) -> dict[str, Any]:
    media = await upload(client, user)
    body: dict[str, Any] = {"media_id": media["id"]}
    if audience is not None:
        body["audience"] = audience
    answer = await client.post("/stories", json=body, headers=user["headers"])
    assert answer.status_code == 201, answer.text
    created: dict[str, Any] = answer.json()
    return created


async def tray(client: httpx.AsyncClient, user: User, **params: Any) -> list[dict[str, Any]]:
    answer = await client.get("/stories", params=params, headers=user["headers"])
    assert answer.status_code == 200, answer.text
    rings: list[dict[str, Any]] = answer.json()
    return rings


def rings_of(rings: list[dict[str, Any]]) -> list[tuple[str, bool]]:
    return [(ring["user"]["username"], ring["seen"]) for ring in rings]


async def stories_of(client: httpx.AsyncClient, viewer: User, username: str) -> httpx.Response:
    return await client.get(f"/users/{username}/stories", headers=viewer["headers"])


async def seen(client: httpx.AsyncClient, viewer: User, story_id: str) -> int:
    answer = await client.post(f"/stories/{story_id}/seen", headers=viewer["headers"])
    return answer.status_code


def keys_of(url: str) -> str:
    return urlparse(url).path.removeprefix("/m/")


# Posting, the tray and expiry


async def test_a_story_is_up_for_24_hours_then_gone_and_swept_with_its_media(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI, clock: Clock, s3: Minio
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    posted = await story(client, alice)
    assert posted["audience"] == "everyone"
    assert posted["seen"] is False
    assert posted["highlighted"] is False
    url = posted["media"]["url"]
    assert url

    [ring] = await tray(client, bob)
    assert ring["user"]["username"] == "alice"
    assert [s["id"] for s in ring["stories"]] == [posted["id"]]
    assert (await stories_of(client, bob, "alice")).json()[0]["id"] == posted["id"]
    cached(url)

    clock(DAY - 60)  # a minute before it expires: still up
    assert rings_of(await tray(client, bob)) == [("alice", False)]

    clock(DAY + 1)
    assert await tray(client, bob) == []
    assert (await stories_of(client, bob, "alice")).json() == []
    assert (await stories_of(client, alice, "alice")).json() == []
    assert await seen(client, bob, posted["id"]) == 404
    viewers = await client.get(f"/stories/{posted['id']}/viewers", headers=alice["headers"])
    assert viewers.status_code == 404

    settings = backends_of(app).settings
    key = keys_of(url)
    assert object_exists(s3, settings.media_bucket, key)
    report = await sweep(backends_of(app), now=datetime.now(UTC) + timedelta(days=2))
    assert report.expired_stories == 1
    assert not object_exists(s3, settings.media_bucket, key)
    assert httpx.get(url).status_code == 404  # purged from the edge's cache too


async def test_story_urls_expire_no_later_than_the_story(
    client: httpx.AsyncClient, factory: Factory, clock: Clock
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    clock(-(DAY - 120))  # posted "23h58m ago": it expires two minutes from now
    posted = await story(client, alice)
    clock(0)
    [ring] = await tray(client, bob)
    [shown] = ring["stories"]
    expires = datetime.fromisoformat(shown["expires_at"].replace("Z", "+00:00")).timestamp()
    for url in (shown["media"]["url"], shown["media"]["preview_url"]):
        signed_until = int(parse_qs(urlparse(url).query)["e"][0])
        assert signed_until <= expires
        assert httpx.get(url).status_code == 200
    assert posted["id"] == shown["id"]


async def test_the_tray_puts_unseen_rings_first_then_the_accounts_you_interact_with(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    viewer = factory.user("viewer")
    alice, bob, carol = (factory.user(n) for n in ("alice", "bob", "carol"))
    quiet = factory.user("quiet")  # followed, but no story
    for someone in (alice, bob, carol, quiet):
        factory.follow(viewer, someone)
    stories = {u["username"]: await story(client, u) for u in (alice, bob, carol)}
    second = await story(client, carol)
    # The viewer likes and comments on carol's posts, likes one of bob's: carol, bob, alice.
    carol_post, bob_post = factory.post(carol, "hi"), factory.post(bob, "yo")
    for path in (f"/posts/{carol_post['id']}/like", f"/posts/{bob_post['id']}/like"):
        assert (await client.post(path, headers=viewer["headers"])).status_code == 200
    commented = await client.post(
        f"/posts/{carol_post['id']}/comments", json={"text": "nice"}, headers=viewer["headers"]
    )
    assert commented.status_code == 201, commented.text
    # Liking again changes nothing (a like is counted once).
    await client.post(f"/posts/{bob_post['id']}/like", headers=viewer["headers"])

    rings = await tray(client, viewer)
    assert rings_of(rings) == [("carol", False), ("bob", False), ("alice", False)]
    assert [s["id"] for s in rings[0]["stories"]] == [stories["carol"]["id"], second["id"]]

    # Seeing one of carol's two stories leaves her ring unseen; seeing both moves it last.
    assert await seen(client, viewer, stories["carol"]["id"]) == 204
    rings = await tray(client, viewer)
    assert rings_of(rings) == [("carol", False), ("bob", False), ("alice", False)]
    assert [s["seen"] for s in rings[0]["stories"]] == [True, False]
    assert await seen(client, viewer, second["id"]) == 204
    assert await seen(client, viewer, second["id"]) == 204  # idempotent
    assert rings_of(await tray(client, viewer)) == [
        ("bob", False),
        ("alice", False),
        ("carol", True),
    ]

    # Paged by ring: the cursor of the last ring, and a Link to the next page.
    first = await client.get("/stories", params={"limit": 2}, headers=viewer["headers"])
    assert rings_of(first.json()) == [("bob", False), ("alice", False)]
    assert 'rel="next"' in first.headers["link"]
    rest = await tray(client, viewer, limit=2, after=first.json()[-1]["cursor"])
    assert rings_of(rest) == [("carol", True)]


async def test_the_tray_seen_state_keeps_audiences_deletions_and_expiry(
    client: httpx.AsyncClient, factory: Factory, clock: Clock
) -> None:
    """A ring is unseen when its newest story the viewer may see is newer than what they saw:
    a story for an audience they are not in changes nothing, deleting or outliving the newest
    story puts the ring back as it was."""
    viewer, alice, bob = (factory.user(n) for n in ("viewer", "alice", "bob"))
    for someone in (alice, bob):
        factory.follow(viewer, someone)
    first = await story(client, alice)
    assert await seen(client, viewer, first["id"]) == 204
    assert rings_of(await tray(client, viewer)) == [("alice", True)]

    # Stories for audiences the viewer is not in: no new ring, no unseen ring.
    await story(client, bob, "close_friends")
    await story(client, bob, "mutuals")
    friends_only = await story(client, alice, "close_friends")
    await story(client, alice, {"followers_for_days": 7})
    rings = await tray(client, viewer)
    assert rings_of(rings) == [("alice", True)]
    assert [s["id"] for s in rings[0]["stories"]] == [first["id"]]
    # On alice's close friends: her ring is unseen at once, and seen again once off the list.
    factory.close_friend(alice, viewer)
    rings = await tray(client, viewer)
    assert rings_of(rings) == [("alice", False)]
    assert [(s["id"], s["seen"]) for s in rings[0]["stories"]] == [
        (first["id"], True),
        (friends_only["id"], False),
    ]
    removed = await client.delete("/me/close-friends/viewer", headers=alice["headers"])
    assert removed.status_code == 200, removed.text
    assert rings_of(await tray(client, viewer)) == [("alice", True)]

    # A new story makes the ring unseen; deleting it makes it seen again.
    newer = await story(client, alice)
    assert rings_of(await tray(client, viewer)) == [("alice", False)]
    deleted = await client.delete(f"/stories/{newer['id']}", headers=alice["headers"])
    assert deleted.status_code == 204, deleted.text
    assert rings_of(await tray(client, viewer)) == [("alice", True)]
    # A moderator's removal too.
    removed_by_mod = await story(client, alice)
    assert rings_of(await tray(client, viewer)) == [("alice", False)]
    mod = factory.user("mod", role="moderator")
    taken = await client.post(
        f"/admin/stories/{removed_by_mod['id']}/remove",
        json={"reason": "spam"},
        headers=mod["headers"],
    )
    assert taken.status_code == 204, taken.text
    assert rings_of(await tray(client, viewer)) == [("alice", True)]

    # Stories of several ages: once the seen one has expired, the ring is the later unseen one.
    clock(12 * 3600)
    later = await story(client, alice)
    assert rings_of(await tray(client, viewer)) == [("alice", False)]
    clock(DAY + 3600)
    rings = await tray(client, viewer)
    assert rings_of(rings) == [("alice", False)]
    assert [s["id"] for s in rings[0]["stories"]] == [later["id"]]
    assert await seen(client, viewer, later["id"]) == 204
    assert await seen(client, viewer, first["id"]) == 404  # expired: the seen state stays
    assert rings_of(await tray(client, viewer)) == [("alice", True)]
    clock(2 * DAY)
    assert await tray(client, viewer) == []


async def test_the_tray_reads_the_stories_of_a_ring_its_stored_values_cannot_decide(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    """followers_for_days stories of 1 and 30 days and a follow 10 days old: the viewer may see
    the one only, which the author's stored values (fewest and most days) cannot tell."""
    viewer, alice = factory.user("viewer"), factory.user("alice")
    factory.follow(viewer, alice)
    factory.age_follow(viewer, alice, 10)
    short = await story(client, alice, {"followers_for_days": 1})
    await story(client, alice, {"followers_for_days": 30})
    rings = await tray(client, viewer)
    assert rings_of(rings) == [("alice", False)]
    assert [s["id"] for s in rings[0]["stories"]] == [short["id"]]
    assert await seen(client, viewer, short["id"]) == 204
    assert rings_of(await tray(client, viewer)) == [("alice", True)]
    # Without any of the values (stories written before they were kept): the same answer.
    factory.driver.execute_query(
        "MATCH (a:User {id: $a}) REMOVE a.story_ring_ids",
        {"a": alice["id"]},
        database_=factory.settings.neo4j_database,
    )
    assert rings_of(await tray(client, viewer)) == [("alice", True)]
    longer = await story(client, alice)
    assert rings_of(await tray(client, viewer)) == [("alice", False)]
    assert await seen(client, viewer, longer["id"]) == 204
    assert rings_of(await tray(client, viewer)) == [("alice", True)]


async def test_viewers_are_listed_newest_first_for_the_author_only(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice")
    watchers = [factory.user(n) for n in ("bob", "carol", "dave")]
    for w in watchers:
        factory.follow(w, alice)
    posted = await story(client, alice)
    for w in watchers:
        assert await seen(client, w, posted["id"]) == 204
    assert await seen(client, watchers[0], posted["id"]) == 204  # again: still one view
    assert await seen(client, alice, posted["id"]) == 204  # one's own: not listed

    path = f"/stories/{posted['id']}/viewers"
    answer = await client.get(path, headers=alice["headers"])
    assert answer.status_code == 200, answer.text
    assert [v["username"] for v in answer.json()] == ["dave", "carol", "bob"]
    page = await client.get(path, params={"limit": 2}, headers=alice["headers"])
    assert [v["username"] for v in page.json()] == ["dave", "carol"]
    next_url = page.headers["link"].split(";")[0].strip("<>")
    older = await client.get(next_url, headers=alice["headers"])
    assert [v["username"] for v in older.json()] == ["bob"]

    for other in watchers:
        assert (await client.get(path, headers=other["headers"])).status_code == 404
    # A viewer the author blocks leaves the list.
    factory.block(alice, watchers[1])
    answer = await client.get(path, headers=alice["headers"])
    assert [v["username"] for v in answer.json()] == ["dave", "bob"]


# Visibility on every story read path


async def story_paths(
    client: httpx.AsyncClient, viewer: User, author: User, story_id: str
) -> dict[str, bool]:
    """Whether `viewer` sees the story on each read path."""
    rings = await tray(client, viewer)
    in_tray = any(s["id"] == story_id for r in rings for s in r["stories"])
    listed = await stories_of(client, viewer, author["username"])
    on_profile = listed.status_code == 200 and story_id in [s["id"] for s in listed.json()]
    highlights = await client.get(
        f"/users/{author['username']}/highlights", headers=viewer["headers"]
    )
    highlighted = highlights.status_code == 200 and story_id in [
        s["id"] for h in highlights.json() for s in h["stories"]
    ]
    marked = await seen(client, viewer, story_id) == 204
    return {"tray": in_tray, "profile": on_profile, "highlight": highlighted, "seen": marked}


ALL = {"tray": True, "profile": True, "highlight": True, "seen": True}
NONE = {"tray": False, "profile": False, "highlight": False, "seen": False}


async def highlighted_story(client: httpx.AsyncClient, author: User, audience: Any = None) -> str:
    posted = await story(client, author, audience)
    made = await client.post(
        "/highlights",
        json={"title": "kept", "story_ids": [posted["id"]]},
        headers=author["headers"],
    )
    assert made.status_code == 201, made.text
    story_id: str = posted["id"]
    return story_id


async def test_blocks_hide_stories_both_ways_on_every_read_path(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, carol = (factory.user(n) for n in ("alice", "bob", "carol"))
    factory.follow(bob, alice)
    factory.follow(carol, alice)
    story_id = await highlighted_story(client, alice)
    assert await story_paths(client, bob, alice, story_id) == ALL
    factory.block(alice, bob)
    assert await story_paths(client, bob, alice, story_id) == NONE
    factory.block(carol, alice)
    assert await story_paths(client, carol, alice, story_id) == NONE


async def test_a_muted_account_has_no_ring_while_the_mute_lasts(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    viewer, alice, bob = (factory.user(n) for n in ("viewer", "alice", "bob"))
    factory.follow(viewer, alice)
    factory.follow(viewer, bob)
    await story(client, alice)
    await story(client, bob)
    assert sorted(rings_of(await tray(client, viewer))) == [("alice", False), ("bob", False)]

    muted = await client.put(
        "/users/alice/mute", json={"duration": 3600}, headers=viewer["headers"]
    )
    assert muted.status_code == 200, muted.text
    assert rings_of(await tray(client, viewer)) == [("bob", False)]
    # The mute's hour passes: alice's ring is back.
    neo4j_driver.execute_query(
        "MATCH (:User {id: $v})-[m:MUTES]->(:User {id: $a})"
        " SET m.until = datetime() - duration('PT1S')",
        {"v": viewer["id"], "a": alice["id"]},
        database_=settings.neo4j_database,
    )
    assert sorted(rings_of(await tray(client, viewer))) == [("alice", False), ("bob", False)]
    # Muted until unmuted: no ring until unmuted.
    muted = await client.put("/users/alice/mute", headers=viewer["headers"])
    assert muted.status_code == 200, muted.text
    assert rings_of(await tray(client, viewer)) == [("bob", False)]
    unmuted = await client.delete("/users/alice/mute", headers=viewer["headers"])
    assert unmuted.status_code == 204, unmuted.text
    assert sorted(rings_of(await tray(client, viewer))) == [("alice", False), ("bob", False)]


async def test_the_tray_checks_blocks_both_ways_even_beside_a_follow(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    """A block removes the follows (users/block); the tray checks it all the same, so a BLOCKS
    beside a FOLLOWS (written straight to the graph here) hides the ring in either direction."""
    viewer, alice, bob = (factory.user(n) for n in ("viewer", "alice", "bob"))
    factory.follow(viewer, alice)
    factory.follow(viewer, bob)
    await story(client, alice)
    await story(client, bob)
    assert sorted(rings_of(await tray(client, viewer))) == [("alice", False), ("bob", False)]
    for blocker, blocked, left in ((bob, viewer, "alice"), (viewer, alice, None)):
        neo4j_driver.execute_query(
            "MATCH (a:User {id: $a}), (b:User {id: $b})"
            " CREATE (a)-[:BLOCKS {since: datetime()}]->(b)",
            {"a": blocker["id"], "b": blocked["id"]},
            database_=settings.neo4j_database,
        )
        assert rings_of(await tray(client, viewer)) == ([(left, False)] if left else [])


async def test_a_private_accounts_stories_are_for_its_followers(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice = factory.user("alice", private=True)
    bob, carol = factory.user("bob"), factory.user("carol")
    factory.follow(bob, alice)  # a request: not a follower yet
    story_id = await highlighted_story(client, alice)
    assert await story_paths(client, bob, alice, story_id) == NONE
    assert await story_paths(client, carol, alice, story_id) == NONE
    accepted = await client.post("/me/follow-requests/bob/accept", headers=alice["headers"])
    assert accepted.status_code == 204
    assert await story_paths(client, bob, alice, story_id) == ALL


async def test_a_suspended_accounts_stories_are_gone(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    mod = factory.user("mod", role="moderator")
    factory.follow(bob, alice)
    story_id = await highlighted_story(client, alice)
    suspended = await client.post(
        "/admin/accounts/alice/suspend", json={"reason": "spam"}, headers=mod["headers"]
    )
    assert suspended.status_code == 200, suspended.text
    assert await story_paths(client, bob, alice, story_id) == NONE


async def test_a_mutuals_story_is_refused_to_everyone_else_on_every_read_path(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob, carol = (factory.user(n) for n in ("alice", "bob", "carol"))
    factory.follow(bob, alice)  # bob follows alice; alice does not follow bob
    factory.follow(carol, alice)
    factory.follow(alice, carol)  # carol and alice are mutuals
    story_id = await highlighted_story(client, alice, "mutuals")
    mine = (await stories_of(client, alice, "alice")).json()
    assert mine[0]["audience"] == "mutuals"
    assert await story_paths(client, bob, alice, story_id) == NONE
    assert await story_paths(client, carol, alice, story_id) == ALL


async def test_a_followers_for_days_story_waits_for_old_enough_follows(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)  # a follow made just now
    story_id = await highlighted_story(client, alice, {"followers_for_days": 7})
    mine = (await stories_of(client, alice, "alice")).json()
    assert mine[0]["audience"] == {"followers_for_days": 7}
    assert await story_paths(client, bob, alice, story_id) == NONE
    factory.driver.execute_query(
        "MATCH (:User {id: $b})-[f:FOLLOWS]->(:User {id: $a}) "
        "SET f.since = datetime() - duration({days: 8})",
        {"a": alice["id"], "b": bob["id"]},
        database_=factory.settings.neo4j_database,
    )
    assert await story_paths(client, bob, alice, story_id) == ALL


async def test_a_close_friends_story_is_for_the_list_only_on_every_read_path(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, friend, other = (factory.user(n) for n in ("alice", "friend", "other"))
    factory.follow(friend, alice)
    factory.follow(other, alice)  # a follower, not on the list
    listed = await client.put("/me/close-friends/friend", headers=alice["headers"])
    assert listed.status_code == 200, listed.text
    story_id = await highlighted_story(client, alice, "close_friends")
    assert await story_paths(client, friend, alice, story_id) == ALL
    assert await story_paths(client, other, alice, story_id) == NONE
    # The author always sees it: on the profile, in the highlight, with its viewers.
    mine = (await stories_of(client, alice, "alice")).json()
    assert [(s["id"], s["audience"]) for s in mine] == [(story_id, "close_friends")]
    kept = await client.get("/users/alice/highlights", headers=alice["headers"])
    assert [s["id"] for h in kept.json() for s in h["stories"]] == [story_id]
    viewers = await client.get(f"/stories/{story_id}/viewers", headers=alice["headers"])
    assert [v["username"] for v in viewers.json()] == ["friend"]
    for someone in (friend, other):
        hidden = await client.get(f"/stories/{story_id}/viewers", headers=someone["headers"])
        assert hidden.status_code == 404

    # Stories are not statuses: no Mastodon route shows one, to anyone.
    status = to_mastodon(story_id)
    account = to_mastodon(alice["id"])
    for someone in (friend, other, alice):
        for path in ("/api/v1/timelines/home", f"/api/v1/accounts/{account}/statuses"):
            answer = await client.get(path, headers=someone["headers"])
            assert answer.status_code == 200, answer.text
            assert status not in [s["id"] for s in answer.json()], path
        answer = await client.get(f"/api/v1/statuses/{status}", headers=someone["headers"])
        assert answer.status_code == 404

    # Off the list: gone from every path at once; back on it: back.
    removed = await client.delete("/me/close-friends/friend", headers=alice["headers"])
    assert removed.status_code == 200, removed.text
    assert await story_paths(client, friend, alice, story_id) == NONE
    assert (await stories_of(client, alice, "alice")).json()[0]["id"] == story_id
    again = await client.put("/me/close-friends/friend", headers=alice["headers"])
    assert again.status_code == 200, again.text
    assert await story_paths(client, friend, alice, story_id) == ALL


# Highlights


async def test_highlights_keep_stories_past_24_hours_and_the_sweep_leaves_them(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI, clock: Clock, s3: Minio
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    clock(-(DAY - 60))  # posted "23h59m ago": both expire a minute from now
    kept, gone = await story(client, alice), await story(client, alice)
    made = await client.post(
        "/highlights",
        json={"title": "Summer", "story_ids": [kept["id"]]},
        headers=alice["headers"],
    )
    assert made.status_code == 201, made.text
    assert made.json()["title"] == "Summer"
    assert [s["id"] for s in made.json()["stories"]] == [kept["id"]]

    clock(120)  # both are past their 24 hours
    assert await tray(client, bob) == []
    assert (await stories_of(client, bob, "alice")).json() == []
    highlights = (await client.get("/users/alice/highlights", headers=bob["headers"])).json()
    [shown] = highlights[0]["stories"]
    assert shown["id"] == kept["id"]
    assert shown["highlighted"] is True
    # Kept, its URL is signed as a post's is, not to the story's expiry.
    expires = datetime.fromisoformat(shown["expires_at"].replace("Z", "+00:00")).timestamp()
    signed_until = int(parse_qs(urlparse(shown["media"]["url"]).query)["e"][0])
    assert signed_until > expires + 600

    report = await sweep(backends_of(app), now=datetime.now(UTC) + timedelta(days=2))
    assert report.expired_stories == 1
    bucket = backends_of(app).settings.media_bucket
    assert object_exists(s3, bucket, keys_of(shown["media"]["url"]))
    assert not object_exists(s3, bucket, keys_of(gone["media"]["url"]))
    again = (await client.get("/users/alice/highlights", headers=bob["headers"])).json()
    assert [s["id"] for s in again[0]["stories"]] == [kept["id"]]


async def test_stories_are_added_to_the_end_of_an_existing_highlight(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    first, second, third = [(await story(client, alice))["id"] for _ in range(3)]
    theirs = (await story(client, bob))["id"]
    made = await client.post(
        "/highlights", json={"title": "trip", "story_ids": [first]}, headers=alice["headers"]
    )
    assert made.status_code == 201, made.text
    path = f"/highlights/{made.json()['id']}/stories"
    added = await client.post(path, json={"story_ids": [third, second]}, headers=alice["headers"])
    assert added.status_code == 200, added.text
    assert added.json()["title"] == "trip"
    assert [s["id"] for s in added.json()["stories"]] == [first, third, second]
    # In it already, someone else's, or not all of them the author's: nothing is written.
    fourth = (await story(client, alice))["id"]
    for ids in ([first], [theirs], [fourth, theirs], [fourth, fourth], []):
        refused = await client.post(path, json={"story_ids": ids}, headers=alice["headers"])
        assert refused.status_code == 422, (ids, refused.text)
    # Someone else's highlight, or none: 404.
    other = await client.post(path, json={"story_ids": [theirs]}, headers=bob["headers"])
    assert other.status_code == 404
    gone = await client.post(
        "/highlights/nope/stories", json={"story_ids": [fourth]}, headers=alice["headers"]
    )
    assert gone.status_code == 404
    shown = (await client.get("/users/alice/highlights", headers=bob["headers"])).json()
    assert [[s["id"] for s in h["stories"]] for h in shown] == [[first, third, second]]


async def test_a_highlight_takes_only_your_own_stories_and_writes_nothing_otherwise(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    mine, theirs = await story(client, alice), await story(client, bob)
    refused = await client.post(
        "/highlights",
        json={"title": "mixed", "story_ids": [mine["id"], theirs["id"]]},
        headers=alice["headers"],
    )
    assert refused.status_code == 422, refused.text
    for body in ({"title": "", "story_ids": [mine["id"]]}, {"title": "x", "story_ids": []}):
        answer = await client.post("/highlights", json=body, headers=alice["headers"])
        assert answer.status_code == 422, answer.text
    assert (await client.get("/users/alice/highlights", headers=alice["headers"])).json() == []


# Bad input and deletion


async def test_bad_story_input_is_refused_and_writes_nothing(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    theirs = await upload(client, bob)
    mine = await upload(client, alice)
    bodies: list[dict[str, Any]] = [
        {"media_id": "nope"},
        {"media_id": theirs["id"]},
        {"media_id": mine["id"], "audience": "friends"},
        {"media_id": mine["id"], "audience": {"followers_for_days": 0}},
        {"media_id": mine["id"], "extra": 1},
    ]
    for body in bodies:
        answer = await client.post("/stories", json=body, headers=alice["headers"])
        assert answer.status_code == 422, (body, answer.text)
        assert "error" in answer.json()
    assert (await stories_of(client, alice, "alice")).json() == []


async def test_a_story_takes_a_posts_audience_and_refuses_what_a_post_refuses(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI
) -> None:
    """One audience shape and check for posts and stories (wire/posts.py): each audience a post
    takes a story takes and shows back alike; each one a post refuses, a story refuses with the
    same fields, over the API and in the service (which the CLI and imports call)."""
    alice = factory.user("alice")
    good: list[Any] = ["everyone", "close_friends", "mutuals", {"followers_for_days": 3650}]
    for audience in good:
        posted = await story(client, alice, audience)
        made = await client.post(
            "/posts", json={"caption": "x", "audience": audience}, headers=alice["headers"]
        )
        assert made.status_code == 201, made.text
        assert posted["audience"] == made.json()["audience"] == audience
    mine = await upload(client, alice)
    bad: list[Any] = [
        "friends",
        None,
        {"followers_for_days": 0},
        {"followers_for_days": 3651},
        {"followers_for_days": 7, "other": 1},
    ]
    for audience in bad:
        as_story = await client.post(
            "/stories",
            json={"media_id": mine["id"], "audience": audience},
            headers=alice["headers"],
        )
        as_post = await client.post(
            "/posts", json={"caption": "x", "audience": audience}, headers=alice["headers"]
        )
        assert as_story.status_code == as_post.status_code == 422, audience
        fields = [{f["field"] for f in a.json()["error"]["fields"]} for a in (as_story, as_post)]
        assert fields[0] == fields[1], audience
    backends = backends_of(app)
    for kind, days in (("friends", None), ("followers_for_days", None), ("mutuals", 3)):
        with pytest.raises(Unprocessable) as refused:
            await story_service.create_story(
                backends, alice["id"], media_id=mine["id"], audience=kind, audience_days=days
            )
        with pytest.raises(Unprocessable) as refused_post:
            await post_service.create_post(
                backends,
                alice["id"],
                caption="x",
                media_ids=[],
                audience=kind,
                audience_days=days,
            )
        assert refused.value.fields == refused_post.value.fields
    assert len((await stories_of(client, alice, "alice")).json()) == len(good)


async def test_the_author_deletes_a_story_and_its_media_goes(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI, s3: Minio
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    factory.follow(bob, alice)
    posted = await story(client, alice)
    url = posted["media"]["url"]
    cached(url)
    refused = await client.delete(f"/stories/{posted['id']}", headers=bob["headers"])
    assert refused.status_code == 403
    deleted = await client.delete(f"/stories/{posted['id']}", headers=alice["headers"])
    assert deleted.status_code == 204
    assert await tray(client, bob) == []
    bucket = backends_of(app).settings.media_bucket
    assert not object_exists(s3, bucket, keys_of(url))
    assert httpx.get(url).status_code == 404
    again = await client.delete(f"/stories/{posted['id']}", headers=alice["headers"])
    assert again.status_code == 404


async def test_deleting_an_account_removes_its_stories_highlights_and_their_media(
    client: httpx.AsyncClient, factory: Factory, app: FastAPI, s3: Minio, neo4j_driver: Driver
) -> None:
    gone, stays = factory.user("gone"), factory.user("stays")
    factory.follow(stays, gone)
    factory.follow(gone, stays)
    await highlighted_story(client, gone)
    live = await story(client, gone)
    theirs = await story(client, stays)
    assert await seen(client, stays, live["id"]) == 204
    assert await seen(client, gone, theirs["id"]) == 204
    url = live["media"]["url"]
    cached(url)

    assert (await client.delete("/me", headers=gone["headers"])).status_code == 204
    settings = backends_of(app).settings
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (n) WHERE n:Story OR n:Highlight RETURN n.id AS id",
        database_=settings.neo4j_database,
    )
    assert [r["id"] for r in records] == [theirs["id"]]
    assert not object_exists(s3, settings.media_bucket, keys_of(url))
    assert httpx.get(url).status_code == 404
    assert "gone" not in [name for name, _ in rings_of(await tray(client, stays))]
    viewers = await client.get(f"/stories/{theirs['id']}/viewers", headers=stays["headers"])
    assert viewers.status_code == 200
    assert viewers.json() == []


# Moderation


async def test_a_reported_story_a_moderator_removes_is_gone_and_audited(
    client: httpx.AsyncClient, factory: Factory
) -> None:
    alice, bob = factory.user("alice"), factory.user("bob")
    mod = factory.user("mod", role="moderator")
    factory.follow(bob, alice)
    posted = await story(client, alice)
    url = posted["media"]["url"]
    cached(url)

    filed = await client.post(
        "/reports",
        json={"story_ids": [posted["id"]], "category": "nudity"},
        headers=bob["headers"],
    )
    assert filed.status_code == 201, filed.text
    hidden = await client.post(
        "/reports", json={"story_ids": ["01hzy0000000000000000000zz"]}, headers=bob["headers"]
    )
    assert hidden.status_code == 404
    [queued] = (await client.get("/admin/reports", headers=mod["headers"])).json()
    assert queued["account"] == "alice"
    [item] = queued["items"]
    assert item["type"] == "story"
    assert item["id"] == posted["id"]
    assert item["media"] == [keys_of(url)]

    # Not for anyone without the role.
    path = f"/admin/stories/{posted['id']}/remove"
    assert (await client.post(path, json={}, headers=bob["headers"])).status_code == 404
    removed = await client.post(path, json={"reason": "nudity"}, headers=mod["headers"])
    assert removed.status_code == 204, removed.text
    assert await tray(client, bob) == []
    assert (await stories_of(client, bob, "alice")).json() == []
    assert await seen(client, bob, posted["id"]) == 404
    assert httpx.get(url).status_code == 404
    audit = (await client.get("/admin/audit", headers=mod["headers"])).json()
    assert (audit[0]["action"], audit[0]["target_id"], audit[0]["reason"]) == (
        "remove_story",
        posted["id"],
        "nudity",
    )
    again = await client.post(path, json={}, headers=mod["headers"])
    assert again.status_code == 404
