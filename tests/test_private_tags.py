"""Private tags stay private: a tag's counts and search show only the posts the caller may see,
from a per-tag public post count kept by every write (never by walking a tag's posts)."""

from __future__ import annotations

from typing import Any

import httpx
import requests
from neo4j import Driver

from graphgram.settings import Settings
from tests.fixtures.factories import Factory
from tests.helpers import post

RECOUNT = """
MATCH (h:Hashtag)
RETURN h.name AS name, h.public_posts AS kept, COUNT {
  MATCH (h)<-[:TAGGED]-(:Post)<-[:POSTED]-(a:User) WHERE NOT a.private
} AS actual
"""


def counts_match(driver: Driver, settings: Settings) -> None:
    records, _, _ = driver.execute_query(RECOUNT, database_=settings.neo4j_database)
    assert [(r["name"], r["kept"]) for r in records] == [(r["name"], r["actual"]) for r in records]


async def tag(client: httpx.AsyncClient, user: dict[str, Any], name: str) -> int | None:
    """The tag's post count as `user` sees it; None when the tag is unknown to them."""
    response = await client.get(f"/tags/{name}", headers=user["headers"])
    if response.status_code == 404:
        posts = await client.get(f"/tags/{name}/posts", headers=user["headers"])
        assert posts.status_code == 404
        return None
    assert response.status_code == 200
    count: int = response.json()["post_count"]
    shown = await client.get(f"/tags/{name}/posts", headers=user["headers"])
    assert len(shown.json()) == count  # the count matches the list
    return count


async def search(client: httpx.AsyncClient, user: dict[str, Any], q: str) -> dict[str, int]:
    found = await client.get("/search", params={"q": q}, headers=user["headers"])
    return {h["name"]: h["post_count"] for h in found.json()["hashtags"]}


async def test_a_private_accounts_tag_is_unknown_to_strangers_on_every_path(
    client: httpx.AsyncClient, url: str, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    bob, alice = factory.user("bob"), factory.user("alice")
    cid, eve = factory.user("cid"), factory.user("eve")
    factory.follow(cid, bob)
    turned = await client.patch("/me", json={"private": True}, headers=bob["headers"])
    assert turned.status_code == 200
    await post(client, bob, "one #secret #shared")
    await post(client, bob, "two #secret")
    await post(client, alice, "#shared too")
    counts_match(neo4j_driver, settings)
    # a stranger: #secret is unknown on every path, #shared counts alice's post only
    assert await tag(client, eve, "secret") is None
    assert await tag(client, eve, "shared") == 1
    assert await search(client, eve, "#s") == {"shared": 1}
    mastodon = requests.get(
        f"{url}/api/v2/search", params={"q": "#s", "type": "hashtags"}, headers=eve["headers"]
    )
    assert [h["name"] for h in mastodon.json()["hashtags"]] == ["shared"]
    # a follower and the author see bob's posts in the counts
    for viewer in (cid, bob):
        assert await tag(client, viewer, "secret") == 2
        assert await tag(client, viewer, "shared") == 2
        assert await search(client, viewer, "#s") == {"secret": 2, "shared": 2}
    mastodon = requests.get(
        f"{url}/api/v2/search", params={"q": "#sec", "type": "hashtags"}, headers=cid["headers"]
    )
    assert [h["name"] for h in mastodon.json()["hashtags"]] == ["secret"]
    # bob turns public: everyone sees them; private again: hidden again
    await client.patch("/me", json={"private": False}, headers=bob["headers"])
    counts_match(neo4j_driver, settings)
    assert await tag(client, eve, "secret") == 2
    await client.patch("/me", json={"private": True}, headers=bob["headers"])
    counts_match(neo4j_driver, settings)
    assert await tag(client, eve, "secret") is None


async def test_counts_follow_edits_deletions_blocks_and_account_deletion(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    alice, bob, eve = factory.user("alice"), factory.user("bob"), factory.user("eve")
    first = await post(client, alice, "#sun one")
    await post(client, bob, "#sun two")
    assert await tag(client, eve, "sun") == 2
    edited = await client.patch(
        f"/posts/{first['id']}", json={"caption": "#moon one"}, headers=alice["headers"]
    )
    assert edited.status_code == 200
    counts_match(neo4j_driver, settings)
    assert (await tag(client, eve, "sun"), await tag(client, eve, "moon")) == (1, 1)
    await client.post("/users/eve/block", headers=bob["headers"])
    assert await tag(client, eve, "sun") is None  # the only post is bob's, in a block with eve
    assert await search(client, eve, "#sun") == {}
    assert await search(client, eve, "#moo") == {"moon": 1}
    await client.delete(f"/posts/{first['id']}", headers=alice["headers"])
    counts_match(neo4j_driver, settings)
    assert await tag(client, alice, "moon") is None
    gone = await client.delete("/me", headers=bob["headers"])
    assert gone.status_code == 204
    counts_match(neo4j_driver, settings)
    assert await tag(client, alice, "sun") is None


def test_the_migration_fills_counts_written_without_them(
    neo4j_driver: Driver, settings: Settings, factory: Factory
) -> None:
    from graph.schema import migrate

    alice, bob = factory.user("alice"), factory.user("bob", private=True)
    factory.post(alice, "#a #b")
    factory.post(bob, "#b")
    neo4j_driver.execute_query(
        "MATCH (h:Hashtag) REMOVE h.public_posts WITH h MATCH ()-[u:USES_TAG]->(h) DELETE u",
        database_=settings.neo4j_database,
    )
    migrate(settings)
    counts_match(neo4j_driver, settings)
    records, _, _ = neo4j_driver.execute_query(
        "MATCH (h:Hashtag) RETURN h.name AS n, h.public_posts AS c ORDER BY n",
        database_=settings.neo4j_database,
    )
    assert [(r["n"], r["c"]) for r in records] == [("a", 1), ("b", 1)]


AUTHOR = """
CREATE (a:User {id: $name, username: $name, display_name: $name, private: true})
CREATE (h:Hashtag {name: $name, public_posts: 0})
CREATE (a)-[:USES_TAG {posts: $n}]->(h)
WITH a, h
UNWIND range(1, $n) AS i
CREATE (a)-[:POSTED]->(p:Post {id: $name + '-' + toString(i), author: a.id, caption: ''})
CREATE (p)-[:TAGGED {tag: h.name, post: p.id}]->(h)
"""


def test_a_followers_count_of_a_private_tag_does_not_walk_posts(
    neo4j_driver: Driver, settings: Settings
) -> None:
    """tags/get_tag and # search count a followed private account's posts from its USES_TAG
    count: the same database hits for 10 tagged posts as for 5,000 (PROFILE)."""
    from tests.fixtures.profile import db_hits

    for name, n in (("few", 10), ("many", 5_000)):
        neo4j_driver.execute_query(
            AUTHOR, {"name": name, "n": n}, database_=settings.neo4j_database
        )
    neo4j_driver.execute_query(
        "CREATE (v:User {id: 'fan', username: 'fan', private: false}) WITH v "
        "MATCH (a:User) WHERE a.id IN ['few', 'many'] CREATE (v)-[:FOLLOWS]->(a)",
        database_=settings.neo4j_database,
    )
    hits = {}
    for name, n in (("few", 10), ("many", 5_000)):
        tag_hits, rows = db_hits(
            neo4j_driver, settings, "tags/get_tag", {"viewer_id": "fan", "tag": name}
        )
        assert rows == [{"name": name, "post_count": n}]
        search_hits, found = db_hits(
            neo4j_driver,
            settings,
            "discovery/search_hashtags",
            {"viewer_id": "fan", "lucene": f"{name}*", "limit": 20},
        )
        assert found == [{"name": name, "post_count": n}]
        hits[name] = (tag_hits, search_hits)
    assert hits["many"][0] <= hits["few"][0] * 1.2, hits
    assert hits["many"][1] <= hits["few"][1] * 1.2, hits


async def test_counts_stay_exact_under_concurrent_writes(
    client: httpx.AsyncClient, factory: Factory, neo4j_driver: Driver, settings: Settings
) -> None:
    """Posts, edits, deletions and privacy changes on the same tags at once: every kept count
    equals a recount afterwards (no lost update, no count left behind)."""
    import asyncio
    from collections.abc import Awaitable

    users = [factory.user(f"u{i}") for i in range(4)]
    captions = ["#a #b #c", "#c #b", "#b #a", "#c"]
    made = await asyncio.gather(
        *[post(client, u, captions[(i + j) % 4]) for i, u in enumerate(users) for j in range(4)]
    )
    counts_match(neo4j_driver, settings)
    writes: list[Awaitable[Any]] = []
    for i, created in enumerate(made):
        author = users[i // 4]
        if i % 3 == 0:
            writes.append(client.delete(f"/posts/{created['id']}", headers=author["headers"]))
        else:
            writes.append(
                client.patch(
                    f"/posts/{created['id']}",
                    json={"caption": captions[(i + 1) % 4] + " #d"},
                    headers=author["headers"],
                )
            )
    writes += [
        client.patch("/me", json={"private": i % 2 == 0}, headers=u["headers"])
        for i, u in enumerate(users)
    ]
    writes += [post(client, u, "#a #d late") for u in users]
    results = await asyncio.gather(*writes)
    for result in results:
        if isinstance(result, httpx.Response):
            assert result.status_code in (200, 204), result.text
    counts_match(neo4j_driver, settings)
