"""Notifications cost the page, not the degree: PROFILE on the real Neo4j, 100 vs 10,000.

Two viewers live in one graph, written straight with UNWIND in the shape the write statements
leave it: each has N followers, N follow requests, N comments on one post, N replies to one of
their comments, N mentions, one post with N likes (a single like group) and 30 more posts with
one like each (enough groups to fill a page), plus one blocked liker each way. Database hits
count what the engine touched, so "the large viewer's page costs what the small one's does"
holds on any machine.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from neo4j import Driver

from graph.admin import wipe
from graphgram.settings import Settings
from tests.fixtures.profile import Ids, db_hits

SMALL, LARGE = 100, 10_000
# "Does not grow with the degree": a hundredfold degree may cost at most this factor more.
FACTOR = 1.25
LIMIT = 20
NEWEST = {"limit": LIMIT + 1, "newer_than": "", "older_than": "~", "after": "", "before": ""}
GROUPS = 30
ACCOUNT = ["id", "username", "display_name"]

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]


@dataclass
class Viewer:
    n: int
    me: str = ""
    hot: str = ""
    users: list[str] = field(default_factory=list)
    rows: list[dict[str, str]] = field(default_factory=list)
    groups: list[dict[str, str]] = field(default_factory=list)


def build(driver: Driver, settings: Settings, new: Ids, tag: str, n: int) -> Viewer:
    """A viewer with n of every kind of notification."""

    def run(cypher: str, **params: Any) -> None:
        driver.execute_query(cypher, params, database_=settings.neo4j_database)

    v = Viewer(n, me=new(), hot=new())
    author, other_post, my_comment = new(), new(), new()
    v.users = [new() for _ in range(n)]
    run(
        """
        CREATE (:User {id: $me, username: $tag + 'me', display_name: 'Me', private: false})
        CREATE (:User {id: $author, username: $tag + 'author', display_name: 'A', private: false})
        WITH 1 AS one
        UNWIND range(0, size($users) - 1) AS i
        CREATE (:User {id: $users[i], username: $tag + 'u' + i, display_name: 'U' + i,
                       private: false})
        """,
        me=v.me,
        author=author,
        users=v.users,
        tag=tag,
    )
    run(
        """
        MATCH (me:User {id: $me}), (a:User {id: $author})
        CREATE (me)-[:POSTED]->(:Post {id: $hot, author: $me, caption: 'hot',
                                       created_at: datetime()})
        CREATE (a)-[:POSTED]->(p:Post {id: $other, author: $author, caption: 'x',
                                       created_at: datetime()})
        CREATE (me)-[:WROTE]->(:Comment {id: $comment, text: 'mine', created_at: datetime(),
                                         post: $other, post_owner: $author})-[:ON]->(p)
        """,
        me=v.me,
        author=author,
        hot=v.hot,
        other=other_post,
        comment=my_comment,
    )
    kinds = ("like", "follow", "request", "comment", "reply", "mention")
    v.rows = [{"u": u} | {kind: new() for kind in kinds} for u in v.users]
    run(
        """
        MATCH (me:User {id: $me}), (hot:Post {id: $hot})
        UNWIND $rows AS r
        MATCH (u:User {id: r.u})
        CREATE (u)-[:LIKES {id: r.like, at: datetime(), post: $hot, owner: $me}]->(hot)
        CREATE (u)-[:FOLLOWS {id: r.follow, since: datetime(), follower: r.u, followee: $me}]->(me)
        CREATE (u)-[:REQUESTED {id: r.request, at: datetime(), requester: r.u, target: $me}]->(me)
        """,
        me=v.me,
        hot=v.hot,
        rows=v.rows,
    )
    run(
        """
        MATCH (me:User {id: $me}), (hot:Post {id: $hot}), (mine:Comment {id: $mine}),
              (other:Post {id: $other})
        UNWIND $rows AS r
        MATCH (u:User {id: r.u})
        CREATE (u)-[:WROTE]->(:Comment {id: r.comment, text: 'c', created_at: datetime(),
                                        post: $hot, post_owner: $me})-[:ON]->(hot)
        CREATE (u)-[:WROTE]->(reply:Comment {id: r.reply, text: 'r', created_at: datetime(),
                                             post: $other, post_owner: $author,
                                             reply_owner: $me})-[:ON]->(other)
        CREATE (reply)-[:REPLY_TO]->(mine)
        CREATE (u)-[:POSTED]->(:Post {id: r.mention, author: r.u, caption: '@me',
                                      created_at: datetime()})
               -[:MENTIONS {at: datetime(), user: $me, post: r.mention}]->(me)
        """,
        me=v.me,
        hot=v.hot,
        mine=my_comment,
        other=other_post,
        author=author,
        rows=v.rows,
    )
    run(
        "MATCH (p:Post {id: $hot}) SET p.last_like = $last, p.last_like_at = datetime()",
        hot=v.hot,
        last=v.rows[-1]["like"],
    )
    v.groups = [{"post": new(), "like": new()} for _ in range(GROUPS)]
    run(
        """
        MATCH (me:User {id: $me}), (fan:User {id: $fan})
        UNWIND $groups AS g
        CREATE (me)-[:POSTED]->(p:Post {id: g.post, author: $me, caption: 'g',
                                        created_at: datetime(), last_like: g.like,
                                        last_like_at: datetime()})
        CREATE (fan)-[:LIKES {id: g.like, at: datetime(), post: g.post, owner: $me}]->(p)
        """,
        me=v.me,
        fan=v.users[0],
        groups=v.groups,
    )
    run(
        """
        MATCH (me:User {id: $me}), (a:User {id: $a}), (b:User {id: $b})
        CREATE (me)-[:BLOCKS {id: $b1, since: datetime()}]->(a)
        CREATE (b)-[:BLOCKS {id: $b2, since: datetime()}]->(me)
        """,
        me=v.me,
        a=v.users[1],
        b=v.users[2],
        b1=new(),
        b2=new(),
    )
    return v


@pytest.fixture(scope="module")
def viewers(neo4j_driver: Driver, settings: Settings) -> dict[int, Viewer]:
    wipe(neo4j_driver, settings)
    new = Ids()
    return {n: build(neo4j_driver, settings, new, f"n{n}_", n) for n in (SMALL, LARGE)}


def profile(
    driver: Driver, settings: Settings, viewer: Viewer, **page: Any
) -> tuple[int, list[dict[str, Any]]]:
    return db_hits(
        driver,
        settings,
        "notifications/list",
        {"viewer_id": viewer.me, **NEWEST, **page},
    )


def account(viewers: dict[int, Viewer], n: int, i: int) -> dict[str, Any]:
    return {
        "id": viewers[n].users[i],
        "username": f"n{n}_u{i}",
        "display_name": f"U{i}",
        "pictures": [],
    }


def test_first_page_of_like_groups_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    small, _ = profile(neo4j_driver, settings, viewers[SMALL])
    large, rows = profile(neo4j_driver, settings, viewers[LARGE])
    groups = viewers[LARGE].groups
    assert [row["id"] for row in rows] == [g["like"] for g in reversed(groups)][: LIMIT + 1]
    assert {(row["type"], row["count"]) for row in rows} == {("like", 1)}
    assert rows[0]["accounts"] == [account(viewers, LARGE, 0)]
    assert not rows[0]["read"]
    assert large <= small * FACTOR, (small, large)


def test_page_with_the_hot_like_group_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    """Below the 30 small groups: the newest of each kind, then the group of n likes."""
    hits = {}
    for n, viewer in viewers.items():
        hits[n], rows = profile(neo4j_driver, settings, viewer, older_than=viewer.groups[0]["like"])
        last = viewer.rows[-1]
        assert [(row["type"], row["id"]) for row in rows[:6]] == [
            ("mention", last["mention"]),
            ("comment", last["reply"]),
            ("comment", last["comment"]),
            ("follow_request", last["request"]),
            ("follow", last["follow"]),
            ("like", last["like"]),
        ]
        group = rows[5]
        # Every liker but the one the viewer blocks and the one who blocks the viewer.
        assert group["count"] == n - 2
        assert group["accounts"] == [account(viewers, n, i) for i in (n - 1, n - 2, n - 3)]
        assert group["account"] == group["accounts"][0]
        assert group["post_id"] == viewer.hot
        assert len(rows) == LIMIT + 1
    assert hits[LARGE] <= hits[SMALL] * FACTOR, hits


def test_oldest_first_page_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    """min_id: the items right after a cursor, oldest first (each branch seeks ascending)."""
    hits = {}
    for n, viewer in viewers.items():
        first = viewer.rows[0]
        hits[n], rows = profile(
            neo4j_driver,
            settings,
            viewer,
            newer_than="",
            older_than="",
            after=first["like"],
            before="~",
        )
        assert [(row["type"], row["id"]) for row in rows[:5]] == [
            ("follow", first["follow"]),
            ("follow_request", first["request"]),
            ("comment", first["comment"]),
            ("comment", first["reply"]),
            ("mention", first["mention"]),
        ]
        assert len(rows) == LIMIT + 1
    assert hits[LARGE] <= hits[SMALL] * FACTOR, hits


def test_unlike_and_like_cost_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    """Taking back the newest like moves the group to the one before, by one ordered seek;
    liking again moves it back. Runs last in this module: it writes."""
    hits: dict[str, dict[int, int]] = {"unlike": {}, "like": {}}
    for n, viewer in viewers.items():
        newest = viewer.rows[-1]
        params = {"viewer_id": newest["u"], "post_id": viewer.hot}
        hits["unlike"][n], _ = db_hits(neo4j_driver, settings, "posts/unlike", params)
        records, _, _ = neo4j_driver.execute_query(
            "MATCH (p:Post {id: $hot}) RETURN p.last_like AS last",
            {"hot": viewer.hot},
            database_=settings.neo4j_database,
        )
        assert records[0]["last"] == viewer.rows[-2]["like"]
        again = "01k" + newest["like"][3:]  # a later id than any in the graph
        hits["like"][n], _ = db_hits(
            neo4j_driver, settings, "posts/like", params | {"rel_id": again}
        )
        records, _, _ = neo4j_driver.execute_query(
            "MATCH (p:Post {id: $hot}) RETURN p.last_like AS last",
            {"hot": viewer.hot},
            database_=settings.neo4j_database,
        )
        assert records[0]["last"] == again
    for name, by_n in hits.items():
        assert by_n[LARGE] <= by_n[SMALL] * FACTOR, (name, by_n)
