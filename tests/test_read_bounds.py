"""Every list and count read costs the same for a node with 100 relationships as for one with
10,000: PROFILE's database hits (machine-independent) stay within a small factor.

The graph is written straight to Neo4j (UNWIND), shaped like the API writes it: two hubs, each
with `n` followers, followees, follow requests, posts, and a post with `n` likes and `n`
comments, and a hashtag on `n` posts, which it has saved; a viewer who blocks some of the hubs'
followers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from neo4j import Driver

from api.pagination import ID_CEILING
from graph.admin import wipe
from graph.schema import apply_schema
from graphgram.settings import Settings
from tests.fixtures.profile import db_hits

pytestmark = pytest.mark.slow

SMALL, BIG = 100, 10_000
# "The same within a small factor": a seek reads the page plus the rows it skips (blocked users,
# here a handful); a full expansion would read 100x more at BIG than at SMALL.
FACTOR = 1.5

BUILD = """
CREATE (hub:User {id: $hub, username: $hub, display_name: $hub, private: false})
CREATE (:Hashtag {name: $hub, public_posts: $n})
WITH hub
UNWIND range(1, $n) AS i
WITH hub, i, $hub + '-' + right('000000' + toString(i), 6) AS key
CREATE (u:User {id: 'u' + key, username: 'u' + key, display_name: 'U', private: false})
CREATE (u)-[:FOLLOWS {id: 'f' + key, follower: u.id, followee: hub.id}]->(hub)
CREATE (hub)-[:FOLLOWS {id: 'g' + key, follower: hub.id, followee: u.id}]->(u)
CREATE (u)-[:REQUESTED {id: 'q' + key, requester: u.id, target: hub.id}]->(hub)
CREATE (hub)-[:POSTED]->(:Post {id: 'p' + key, author: hub.id, caption: '', created_at: datetime()})
"""
ENGAGE = """
MATCH (hub:User {id: $hub}), (h:Hashtag {name: $hub})
CREATE (hub)-[:POSTED]->(post:Post {id: $hub + '-top', author: hub.id, caption: '',
                                     created_at: datetime()})
WITH hub, h, post
MATCH (u:User)-[:FOLLOWS]->(hub)
CREATE (u)-[:LIKES {id: 'l' + u.id, post: post.id, owner: hub.id, at: datetime()}]->(post)
CREATE (u)-[:WROTE]->(c:Comment {id: 'c' + u.id, post: post.id, post_owner: hub.id, text: 'hi',
                                 created_at: datetime()})-[:ON]->(post)
CREATE (u)-[:POSTED]->(tp:Post {id: 't' + u.id, author: u.id, caption: '', created_at: datetime()})
CREATE (tp)-[:TAGGED {tag: h.name, post: tp.id}]->(h)
CREATE (u)-[:USES_TAG {posts: 1}]->(h)
CREATE (hub)-[:SAVED {id: 's' + u.id, saver: hub.id, post: tp.id, at: datetime()}]->(tp)
"""
VIEWER = """
CREATE (v:User {id: 'viewer', username: 'viewer', display_name: 'V', private: false})
WITH v
MATCH (u:User) WHERE u.id IN $blocked
CREATE (v)-[:BLOCKS {id: 'b' + u.id}]->(u)
"""


@pytest.fixture(scope="module")
def hubs(neo4j_driver: Driver, settings: Settings) -> Iterator[dict[int, str]]:
    wipe(neo4j_driver, settings)
    names = {SMALL: "small", BIG: "big"}
    for n, hub in names.items():
        neo4j_driver.execute_query(BUILD, {"hub": hub, "n": n}, database_=settings.neo4j_database)
        neo4j_driver.execute_query(ENGAGE, {"hub": hub}, database_=settings.neo4j_database)
    # The viewer blocks the newest few followers of each hub: the pages must skip them.
    blocked = [f"u{hub}-{i:06d}" for hub, n in (("small", SMALL), ("big", BIG)) for i in (n, n - 2)]
    neo4j_driver.execute_query(VIEWER, {"blocked": blocked}, database_=settings.neo4j_database)
    yield names
    wipe(neo4j_driver, settings)


def _page(**cursors: str) -> dict[str, Any]:
    """Page.params() for a first page of 20 newest first (or from `after`, oldest first)."""
    after = cursors.get("after", "")
    if after:
        return {
            "limit": 21,
            "newer_than": "",
            "older_than": "",
            "after": after,
            "before": ID_CEILING,
        }
    return {"limit": 21, "newer_than": "", "older_than": ID_CEILING, "after": "", "before": ""}


READS: dict[str, tuple[str, Any]] = {
    "followers": ("users/list_followers", lambda hub: {"user_id": hub, **_page()}),
    "followers_min_id": (
        "users/list_followers",
        lambda hub: {"user_id": hub, **_page(after=f"f{hub}-000050")},
    ),
    "following": ("users/list_following", lambda hub: {"user_id": hub, **_page()}),
    "follow_requests": ("users/list_follow_requests", lambda hub: {**_page(), "viewer_id": hub}),
    "likers": ("posts/list_likers", lambda hub: {"post_id": f"{hub}-top", **_page()}),
    "comments": ("posts/list_comments", lambda hub: {"post_id": f"{hub}-top", **_page()}),
    "user_posts": ("posts/list_user_posts", lambda hub: {"user_id": hub, **_page()}),
    "tag_posts": ("tags/list_posts", lambda hub: {"tag": hub, **_page()}),
    "tag_count": ("tags/get_tag", lambda hub: {"tag": hub}),
    "saved": ("posts/list_saved", lambda hub: {**_page(), "viewer_id": hub}),
    "profile_counts": ("users/get_profile", lambda hub: {"username": hub}),
    "user_access": ("users/get_access", lambda hub: {"username": hub}),
    "post_access": ("posts/get_access", lambda hub: {"post_id": f"{hub}-top"}),
    "comment_access": (
        "posts/get_comment_access",
        lambda hub: {"comment_id": f"cu{hub}-000001"},
    ),
    "search_hashtags": (
        "discovery/search_hashtags",
        lambda hub: {"lucene": f"{hub}*", "limit": 20},
    ),
}


@pytest.mark.no_clean
@pytest.mark.parametrize("read", sorted(READS))
def test_database_hits_do_not_grow_with_degree(
    read: str, hubs: dict[int, str], neo4j_driver: Driver, settings: Settings
) -> None:
    name, params = READS[read]
    found = {}
    for n, hub in hubs.items():
        found[n] = db_hits(neo4j_driver, settings, name, {"viewer_id": "viewer", **params(hub)})
    small_hits, small_rows = found[SMALL]
    big_hits, big_rows = found[BIG]
    assert big_rows, f"{name} returned nothing: the test graph does not exercise it"
    assert len(big_rows) == len(small_rows), (name, len(small_rows), len(big_rows))
    assert big_hits <= small_hits * FACTOR, (
        f"{name}: {big_hits} db hits for degree {BIG} vs {small_hits} for {SMALL}"
    )


@pytest.mark.no_clean
def test_pages_skip_blocked_users_and_keep_order(
    hubs: dict[int, str], neo4j_driver: Driver, settings: Settings
) -> None:
    _, rows = db_hits(
        neo4j_driver,
        settings,
        "users/list_followers",
        {"viewer_id": "viewer", "user_id": "big", **_page()},
    )
    cursors = [row["cursor"] for row in rows]
    assert cursors == sorted(cursors, reverse=True)
    assert len(rows) == 21
    ids = {row["id"] for row in rows}
    assert f"ubig-{BIG:06d}" not in ids  # blocked by the viewer
    assert f"ubig-{BIG - 2:06d}" not in ids
    assert f"ubig-{BIG - 1:06d}" in ids


@pytest.mark.no_clean
def test_counts_are_exact_at_both_sizes(
    hubs: dict[int, str], neo4j_driver: Driver, settings: Settings
) -> None:
    for n, hub in hubs.items():
        _, profile = db_hits(
            neo4j_driver, settings, "users/get_profile", {"viewer_id": "viewer", "username": hub}
        )
        assert profile[0]["follower_count"] == n
        assert profile[0]["following_count"] == n
        assert profile[0]["post_count"] == n + 1
        _, tag = db_hits(
            neo4j_driver, settings, "tags/get_tag", {"viewer_id": "viewer", "tag": hub}
        )
        # Two of the tag's posts are by users the viewer blocks.
        assert tag[0]["post_count"] == n - 2


# The one read here that returns every relationship by design: a viewer's follows, loaded into
# Redis once a day or after a follow change (timelines/fastpage.py `_check_in_flight`). Its cost
# is linear in the follows, about 3 hits each (the relationship, the account, its id), and never
# more: nothing past the followed accounts (their posts, their followers) is read.
HITS_PER_FOLLOW = 4


@pytest.mark.no_clean
def test_loading_a_viewers_follows_reads_each_follow_once(
    hubs: dict[int, str], neo4j_driver: Driver, settings: Settings
) -> None:
    for n, hub in hubs.items():
        hits, rows = db_hits(neo4j_driver, settings, "timelines/following_ids", {"viewer_id": hub})
        assert len(rows) == n + 1  # everyone the hub follows, and the hub
        assert hits <= HITS_PER_FOLLOW * n + 20, f"{hits} db hits for {n} follows"


@pytest.mark.parametrize("size", [SMALL, BIG])
def test_session_lookup_and_processing_media_do_not_grow_with_the_graph(
    size: int, neo4j_driver: Driver, settings: Settings
) -> None:
    """`accounts/get_session` (every request whose session is not cached) seeks one session
    however many sessions its user has; `media/processing` (the outage repair) seeks the media
    still processing however many are ready."""
    apply_schema(settings)  # the media_status index, on a stack started before it existed
    neo4j_driver.execute_query(
        """CREATE (u:User {id: 'owner', username: 'owner', role: 'user'})
           WITH u UNWIND range(1, $n) AS i
           CREATE (u)-[:HAS_SESSION]->(:Session {id: 's' + toString(i), scopes: ['read'],
                                                  expires_at: datetime() + duration('P1D')})
           CREATE (u)-[:UPLOADED]->(:Media {id: 'm' + toString(i), status: CASE
                                           WHEN i <= 3 THEN 'processing' ELSE 'ready' END})""",
        {"n": size},
        database_=settings.neo4j_database,
    )
    neo4j_driver.execute_query("CALL db.awaitIndexes(60)", database_=settings.neo4j_database)
    session_hits, rows = db_hits(
        neo4j_driver, settings, "accounts/get_session", {"session_id": "s1"}
    )
    assert [row["scopes"] for row in rows] == [["read"]]
    media_hits, media = db_hits(neo4j_driver, settings, "media/processing", {"limit": 10_000})
    assert sorted(row["id"] for row in media) == ["m1", "m2", "m3"]
    # Flat: a handful of hits whatever the size (a scan would touch every session or media item).
    assert session_hits <= 20, session_hits
    assert media_hits <= 20, media_hits
