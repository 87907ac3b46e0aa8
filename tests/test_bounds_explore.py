"""Explore's request-path re-check costs the same whatever the degrees: PROFILE on the real
Neo4j, a viewer following 100 accounts against one following 10,000, each asking about the same
number of posts by authors with as many followers (the list itself is computed off the request
path, api/discovery/explore.py)."""

from __future__ import annotations

from typing import Any

import pytest
from neo4j import Driver

from graph.admin import wipe
from graphgram.settings import Settings
from tests.fixtures.profile import Ids, db_hits

SMALL, LARGE = 100, 10_000
FACTOR = 1.25
WINDOW = 40

pytestmark = [pytest.mark.no_clean, pytest.mark.slow]


def build(driver: Driver, settings: Settings, new: Ids, n: int) -> tuple[str, list[str]]:
    """A viewer following `n` accounts, and `WINDOW` posts by authors the viewer does not follow,
    each author followed by the viewer's `n` followees; the viewer blocks one and mutes one."""
    tag = f"e{n}_"
    me = new()
    followees = [new() for _ in range(n)]
    authors = [new() for _ in range(WINDOW)]
    posts = [new() for _ in range(WINDOW)]

    def run(cypher: str, **params: Any) -> None:
        driver.execute_query(cypher, params, database_=settings.neo4j_database)

    run(
        """
        UNWIND $users AS u
        CREATE (:User {id: u[0], username: u[1], display_name: u[1], private: false})
        """,
        users=[(me, f"{tag}me")]
        + [(u, f"{tag}f{i:05d}") for i, u in enumerate(followees)]
        + [(u, f"{tag}a{i:05d}") for i, u in enumerate(authors)],
    )
    run(
        """
        UNWIND $follows AS f
        MATCH (a:User {id: f[0]}), (b:User {id: f[1]})
        CREATE (a)-[:FOLLOWS {id: f[2], since: datetime(), follower: f[0], followee: f[1]}]->(b)
        """,
        follows=[[me, f, new()] for f in followees]
        + [[f, a, new()] for a in authors[:2] for f in followees],
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
    return me, posts


@pytest.fixture(scope="module")
def viewers(neo4j_driver: Driver, settings: Settings) -> dict[int, tuple[str, list[str]]]:
    wipe(neo4j_driver, settings)
    new = Ids()
    return {n: build(neo4j_driver, settings, new, n) for n in (SMALL, LARGE)}


def test_rechecking_the_explore_list_costs_the_same_for_100_and_10000(
    neo4j_driver: Driver, settings: Settings, viewers: dict[int, tuple[str, list[str]]]
) -> None:
    hits = {}
    for n, (me, posts) in viewers.items():
        hits[n], rows = db_hits(
            neo4j_driver, settings, "explore/still_shown", {"viewer_id": me, "ids": posts}
        )
        # Every post but the blocked and the muted author's, in list order.
        assert [r["id"] for r in rows] == posts[:-2]
    assert hits[LARGE] <= FACTOR * hits[SMALL], hits
