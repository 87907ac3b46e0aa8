"""Explore's request path costs the same whatever the degrees: PROFILE on the real Neo4j, a viewer
following 250 accounts against one following 10,000, whose newest followees each liked and
commented on 250 or 10,000 posts and who liked as many themselves (250 fills the list's scan of
200 likes and comments per followee, so the two differ only in degree).

- The bounded sample a viewer without a kept list is answered from (`explore/candidates` with
  `SAMPLE`), and the list's computation off the request path (`LIST`): each followee's likes and
  comments are read as far as the bound, never all of them.
- The read-time re-check of a kept list (`explore/still_shown`): one lookup per id.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import pytest
from neo4j import Driver

from api.discovery import explore as service
from graph.admin import wipe
from graph.explore import Bounds
from graphgram.settings import Settings
from tests.fixtures.profile import Ids, db_hits

SMALL, LARGE = 250, 10_000
FACTOR = 1.25
WINDOW = 40
HEAVY = 10  # the viewer's newest followees, each with `n` likes and comments

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]


class Viewer:
    def __init__(self, me: str, posts: list[str], liked: list[str]) -> None:
        self.me, self.posts, self.liked = me, posts, liked


def build(driver: Driver, settings: Settings, new: Ids, n: int) -> Viewer:
    """A viewer following `n` accounts; `WINDOW` posts by authors the viewer does not follow,
    each author followed by the viewer's `n` followees; the viewer blocks one and mutes one. The
    viewer's `HEAVY` newest followees each liked and commented on `n` older posts (tagged, by an
    account the viewer follows) and then liked the newest 10 of the window; the viewer liked the
    `n` older posts too."""
    tag = f"e{n}_"
    me, filler = new(), new()
    followees = [new() for _ in range(n)]
    authors = [new() for _ in range(WINDOW)]
    posts = [new() for _ in range(WINDOW)]
    fill = [new() for _ in range(n)]
    heavy = followees[-HEAVY:]

    def run(cypher: str, **params: Any) -> None:
        driver.execute_query(cypher, params, database_=settings.neo4j_database)

    run(
        """
        UNWIND $users AS u
        CREATE (:User {id: u[0], username: u[1], display_name: u[1], private: false})
        """,
        users=[(me, f"{tag}me"), (filler, f"{tag}filler")]
        + [(u, f"{tag}f{i:05d}") for i, u in enumerate(followees)]
        + [(u, f"{tag}a{i:05d}") for i, u in enumerate(authors)],
    )
    run(
        """
        UNWIND $follows AS f
        MATCH (a:User {id: f[0]}), (b:User {id: f[1]})
        CREATE (a)-[:FOLLOWS {id: f[2], since: datetime(), follower: f[0], followee: f[1]}]->(b)
        """,
        follows=[[me, filler, new()]]
        + [[me, f, new()] for f in followees]
        + [[f, a, new()] for a in authors[:2] for f in followees],
    )
    run(
        """
        MERGE (h:Hashtag {name: $tag})
        WITH h
        MATCH (a:User {id: $filler})
        UNWIND $fill AS id
        CREATE (a)-[:POSTED]->(p:Post {id: id, author: a.id, caption: '#' + $tag})
        CREATE (p)-[:TAGGED {tag: $tag, post: id}]->(h)
        """,
        tag=f"{tag}fill",
        filler=filler,
        fill=fill,
    )
    run(
        """
        UNWIND range(0, size($posts) - 1) AS i
        MATCH (a:User {id: $authors[i]})
        CREATE (a)-[:POSTED]->(:Post {id: $posts[i], author: a.id, caption: ''})
        """,
        posts=posts,
        authors=authors,
    )
    for who in [*heavy, me]:
        run(
            """
            MATCH (u:User {id: $who})
            UNWIND $fill AS id
            MATCH (p:Post {id: id})
            CREATE (u)-[:LIKES {id: id + $who, at: datetime(), post: id, owner: p.author}]->(p)
            """,
            who=who,
            fill=fill,
        )
    for who in heavy:
        run(
            """
            MATCH (u:User {id: $who})
            UNWIND $fill AS id
            MATCH (p:Post {id: id})
            CREATE (u)-[:WROTE]->(c:Comment {id: id + $who, text: 'x', post: id})-[:ON]->(p)
            """,
            who=who,
            fill=fill,
        )
        run(
            """
            MATCH (u:User {id: $who})
            UNWIND $posts AS id
            MATCH (p:Post {id: id})
            CREATE (u)-[:LIKES {id: $at + id, at: datetime(), post: id, owner: p.author}]->(p)
            """,
            who=who,
            posts=posts[:10],
            at=new(),
        )
    run(
        """
        MATCH (me:User {id: $me}), (b:User {id: $blocked}), (m:User {id: $muted})
        CREATE (me)-[:BLOCKS {id: $k, since: datetime()}]->(b)
        CREATE (me)-[:MUTES {id: $q, since: datetime(), notifications: true}]->(m)
        """,
        me=me,
        blocked=authors[-1],
        muted=authors[-2],
        k=new(),
        q=new(),
    )
    return Viewer(me, posts, fill)


@pytest.fixture(scope="module")
def viewers(neo4j_driver: Driver, settings: Settings) -> dict[int, Viewer]:
    wipe(neo4j_driver, settings)
    new = Ids()
    return {n: build(neo4j_driver, settings, new, n) for n in (SMALL, LARGE)}


# The list's computation reads up to 200 likes and comments per followee: 250 and 10,000 both
# fill that scan, so it costs the same for both.
@pytest.mark.parametrize("bounds", [service.SAMPLE, service.LIST], ids=["sample", "list"])
def test_computing_explore_costs_the_same_for_250_and_10000(
    neo4j_driver: Driver,
    settings: Settings,
    viewers: dict[int, Viewer],
    bounds: Bounds,
) -> None:
    hits = {}
    for n, v in viewers.items():
        params = {
            "viewer_id": v.me,
            **asdict(bounds),
            "half_life_h": service.HALF_LIFE_H,
            "limit": 40,
        }
        hits[n], rows = db_hits(neo4j_driver, settings, "explore/candidates", params)
        # The 10 posts the heavy followees liked last, newest first (equal scores), each with
        # all ten and the first three by username; the older posts, and those of the hashtag the
        # viewer engages with, are by an account the viewer follows, and so left out.
        assert [r["id"] for r in rows] == v.posts[:10][::-1]
        assert {(r["liked_by"], r["commented_by"], r["tag"]) for r in rows} == {(HEAVY, 0, None)}
        assert rows[0]["names"] == [f"e{n}_f{i:05d}" for i in range(n - HEAVY, n - HEAVY + 3)]
    assert hits[LARGE] <= FACTOR * hits[SMALL], hits


def test_rechecking_the_explore_list_costs_the_same_for_250_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, Viewer]
) -> None:
    hits = {}
    for n, v in viewers.items():
        hits[n], rows = db_hits(
            neo4j_driver, settings, "explore/still_shown", {"viewer_id": v.me, "ids": v.posts}
        )
        # Every post but the blocked and the muted author's, in list order.
        assert [r["id"] for r in rows] == v.posts[:-2]
    assert hits[LARGE] <= FACTOR * hits[SMALL], hits
